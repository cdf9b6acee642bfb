import pytest


@pytest.fixture()
def seeded_store(tmp_path, monkeypatch):
    """A fresh SQLite store with the demo companies; settings point at it."""
    pytest.importorskip("rasa_sdk")
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", "test-secret-" + "x" * 40)
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path))
    import bot.settings as settings_module
    monkeypatch.setattr(settings_module, "_cached", None)
    from bot.store.db import get_engine, migrate
    from bot.store.seed import seed_demo
    migrate(url)
    seed_demo(get_engine(url))
    return url


@pytest.fixture()
def store(seeded_store):
    """Alias used by the topic tests: the URL of the seeded store."""
    return seeded_store
