"""Alembic environment of the claims store.

Used programmatically by :func:`bot.store.db.migrate` (which passes an open connection in
``config.attributes["connection"]``) and from the command line::

    .venv/bin/alembic -c bot/store/alembic.ini upgrade head      # DATABASE_URL or settings default
"""
from __future__ import annotations

from alembic import context

from bot.store.db import include_name
from bot.store.models import metadata

config = context.config
target_metadata = metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.store.db import default_url

    return default_url()


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from bot.store.db import get_engine

    with get_engine(_url()).begin() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
