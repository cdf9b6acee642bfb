"""The web channel: identity only from a verified token, checked on connect and on every message."""
import time

import jwt
import pytest

from bot.wording.core import TEMPLATES as CORE
from bot.wording.format import typo
from tests.sio_client import converse, texts

MY_REF = "SIN-2021-000123"        # belongs to demo company 1 (Menuiserie Durand)
OTHER_REF = "SIN-2021-000456"     # belongs to demo company 3 (Laboratoires Aubert)
UNKNOWN_REF = "SIN-2099-999999"   # belongs to nobody


def ask(stack, text, **kwargs):
    return texts(converse(stack.rasa_url, [text], **kwargs)[0])


def test_signed_in_user_gets_the_claim_status(stack, token_for):
    token = token_for(1)
    answer = ask(stack, f"Où en est mon dossier {MY_REF} ?", token=token, connect_token=token)
    assert MY_REF in answer
    assert "€" in answer, answer


def test_general_questions_work_without_sign_in(stack):
    answer = ask(stack, "bonjour")
    assert "assistant" in answer.lower()


@pytest.mark.parametrize("case", ["missing", "expired", "forged", "alg_none", "agent_audience", "garbage"])
def test_no_account_data_without_a_valid_token(stack, token_for, case):
    from bot.auth import AUD_AGENT, issue_token
    settings = stack.settings()
    now = int(time.time())
    claims = {"iss": settings.auth.jwt_issuer, "aud": "assistant-indemnisation/policyholder", "sub": "policyholder:1",
              "ph": 1, "iat": now, "exp": now + 600}
    token = {
        "missing": None,
        "expired": token_for(1, ttl_seconds=5, now=now - 60),
        "forged": jwt.encode(claims, "not-the-secret-" * 4, algorithm="HS256"),
        "alg_none": jwt.encode(claims, None, algorithm="none"),
        "agent_audience": issue_token(settings, audience=AUD_AGENT, subject="agent:1", policyholder_id=1),
        "garbage": "eyJhbGciOi.broken.token",
    }[case]
    answer = ask(stack, f"Où en est mon dossier {MY_REF} ?", token=token, connect_token=token)
    assert "€" not in answer and "étape" not in answer.lower(), answer
    expected = CORE["sign_in_needed"] if case == "missing" else CORE["session_expired"]
    assert typo(expected) in answer


def test_token_on_connect_alone_is_not_enough(stack, token_for):
    """Every message must carry a valid token: a connect-time token does not vouch for later messages."""
    answer = ask(stack, f"statut {MY_REF}", token=None, connect_token=token_for(1))
    assert "€" not in answer
    assert typo(CORE["sign_in_needed"]) in answer


def test_client_metadata_cannot_forge_identity(stack, token_for):
    forged = {"identity": {"policyholder_id": 1, "channel": "web", "sender_id": "x", "iat": int(time.time()),
                           "sig": "0" * 64, "user_id": None, "name": ""}, "auth_status": "verified"}
    answer = ask(stack, f"dossier {MY_REF}", custom=forged)
    assert "€" not in answer


def test_another_companys_ref_answers_exactly_like_an_unknown_ref(stack, token_for):
    token = token_for(1)
    other = ask(stack, f"Où en est le dossier {OTHER_REF} ?", token=token)
    unknown = ask(stack, f"Où en est le dossier {UNKNOWN_REF} ?", token=token)
    assert other.replace(OTHER_REF, "<ref>") == unknown.replace(UNKNOWN_REF, "<ref>")
    assert "€" not in other


def test_guessing_another_session_id_gives_a_separate_conversation(stack, token_for):
    session = "victimsession0001"
    token = token_for(1)
    converse(stack.rasa_url, [f"statut {MY_REF}"], token=token, session_id=session)
    # an anonymous client re-using the same session id does not reach the signed-in conversation
    answer = ask(stack, "et ce dossier, il en est où ?", session_id=session)
    assert "€" not in answer and MY_REF not in answer
