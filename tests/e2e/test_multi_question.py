"""Several questions in one message, on the real stack (the split step, rasa_ext/patches/multi_question.py).

Played through the secure REST channel and the socket.io channel of the web page: each question is answered,
in order, as a turn of the same conversation (the tracker holds one user turn per question, and what the first
answer brings into focus serves the second); one question holding « et » stays one turn; inside the declaration
form, the answer fills the slot, the question is answered and the form asks its next question once.
"""
from __future__ import annotations

import uuid

from tests.e2e.test_action_protocol import _events, _say, _sender_id, _text
from tests.sio_client import converse


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _user_turns(stack, sender: str, policyholder_id: int):
    return [e["text"] for e in _events(stack, _sender_id(sender, policyholder_id)) if e["event"] == "user"]


def test_rest_two_questions_are_both_answered_in_order_and_the_second_uses_the_first(stack, token_for):
    sender = f"multi-{uuid.uuid4().hex[:8]}"
    replies = _say(stack, sender, "c'est combien mon agrément sur martin logistique et j'ai des sinistres ouverts "
                                  "chez eux ?", token_for(2))
    text = _text(replies)
    assert "60 000 €" in text                      # the agrément on Martin Logistique SAS (company 2)
    assert "SIN-2026-000200" in text               # « chez eux »: the claims on the buyer of the first answer
    assert text.index("60 000 €") < text.index("SIN-2026-000200")
    assert _user_turns(stack, sender, 2) == ["c'est combien mon agrément sur martin logistique",
                                             "et j'ai des sinistres ouverts chez eux ?"]


def test_socketio_two_questions_are_both_answered(stack, token_for):
    token = token_for(3)
    replies = converse(stack.rasa_url, ["je voudrais savoir où en est le dossier medisupply et aussi le montant "
                                        "de mon agrément sur eux"], token=token, connect_token=token)[0]
    text = _plain("\n".join(r.get("text") or "" for r in replies))
    assert "SIN-2026-000401" in text and "250 000 €" in text
    assert text.index("SIN-2026-000401") < text.index("250 000 €")


def test_one_question_with_et_stays_one_turn(stack, token_for):
    sender = f"multi-{uuid.uuid4().hex[:8]}"
    for question in ("quelle est la différence entre le CAP et le CAP+ ?",
                     "pour le dossier 123 vous m'avez versé combien et quand ?"):
        assert _say(stack, sender, question, token_for(1))
    assert _user_turns(stack, sender, 1) == ["quelle est la différence entre le CAP et le CAP+ ?",
                                             "pour le dossier 123 vous m'avez versé combien et quand ?"]


def test_in_the_declaration_form_the_answer_fills_the_slot_and_the_question_is_answered(stack, token_for):
    sender, token = f"multi-{uuid.uuid4().hex[:8]}", token_for(1)
    for step in ("je souhaite déclarer une facture impayée", "Bâtiments Lefèvre", "FA-2026-0771"):
        _say(stack, sender, step, token)
    replies = _say(stack, sender, "elle fait 3 150 euros. autre question : c'est quoi la quotité ?", token)
    text = _plain(_text(replies))
    assert "quotité" in text.lower() and "90 %" in text  # the question answered (company 1's contract: 90 %)
    assert text.count("échéance") >= 1 and text.count("Quelle était la date d’échéance") == 1  # asked once, last
    assert replies[-1]["text"].startswith("Quelle était la date d’échéance")
    summary = _plain(_text(_say(stack, sender, "le 25 novembre", token)))
    assert "3 150 €" in summary                     # the amount of the first clause filled the slot
