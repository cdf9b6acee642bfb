"""users.oidc_subject: the store's mapping from a provider subject to a policyholder (exact, active users only)
and its provisioning command (python -m bot.store.oidc_subjects)."""
from __future__ import annotations

import pytest

import bot.settings as settings_module
from bot.store import oidc_subjects, queries
from bot.store.db import get_engine, migrate, session_scope
from bot.store.models import User
from bot.store.seed import seed_demo


@pytest.fixture()
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("JWT_SECRET", "subj-" + "s" * 40)
    monkeypatch.setattr(settings_module, "_cached", None)
    migrate(url)
    seed_demo(get_engine(url))
    with session_scope(get_engine(url)) as session:
        emails = {a.policyholder_id: a.user_email for a in queries.demo_accounts(session)}
    return url, emails


def _lookup(url, subject):
    with session_scope(get_engine(url)) as session:
        return queries.user_by_oidc_subject(session, subject)


def test_link_look_up_and_unlink(store, capsys):
    url, emails = store
    assert _lookup(url, "u-durand") is None  # nobody is linked by default: never a guess
    assert oidc_subjects.main(["link", emails[1], "u-durand"]) == 0
    policyholder_id, user_id, name = _lookup(url, "u-durand")
    assert policyholder_id == 1 and name == "Menuiserie Durand SARL"
    for near in ("U-DURAND", "u-durand ", "u-duran", "", None, "x" * 300):
        assert _lookup(url, near) is None
    assert oidc_subjects.main(["link", emails[3], "u-durand"]) == 1  # one subject, one user
    assert "already linked" in capsys.readouterr().err
    assert oidc_subjects.main(["link", "personne@example.org", "u-x"]) == 1
    with session_scope(get_engine(url)) as session:  # a user switched off signs in as nobody
        session.get(User, user_id).active = False
    assert _lookup(url, "u-durand") is None
    assert oidc_subjects.main(["unlink", emails[1]]) == 0
    with session_scope(get_engine(url)) as session:
        assert session.get(User, user_id).oidc_subject is None


@pytest.mark.parametrize("args", [[], ["link", "a@b.c"], ["link", "a@b.c", ""], ["drop", "a@b.c"]])
def test_usage_errors(store, args, capsys):
    assert oidc_subjects.main(args) == 2 and "usage" in capsys.readouterr().err
