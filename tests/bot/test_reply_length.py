"""Short answers: one answer is at most MAX_WORDS (60) words, the rest behind « Voir le détail ».

Every template of bot/wording and every static response of domain.yml fits on its own (the only
exceptions, listed in NOT_ANSWERS, are not chat answers),
and :func:`bot.wording.reply.shorten` cuts any longer reply at a sentence end, keeps the order and
loses nothing (the detail holds the rest). ``actions.common.say`` applies it to a whole answer
(tests/actions/test_reply_length.py).
"""
from pathlib import Path

import pytest
import yaml

from bot.wording import all_templates
from bot.wording.reply import (DETAIL_PAYLOAD, MAX_WORDS, MORE_BUTTON, Button, Reply, sentences, shorten,
                               word_count)
from tests.bot.test_wording_readability import _fill

ROOT = Path(__file__).resolve().parents[2]


def _responses():
    data = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    return {f"domain.yml:{name}[{i}]": v["text"] for name, variants in (data.get("responses") or {}).items()
            for i, v in enumerate(variants) if v.get("text")}


# the only exceptions: texts that are not chat answers
NOT_ANSWERS = {
    "wording:referral.email_body": "the e-mail an agent sends with a hand-over link, read in a mailbox, not in the chat",
}
TEXTS = {k: v for k, v in {**{f"wording:{k}": v for k, v in all_templates().items()}, **_responses()}.items()
         if k not in NOT_ANSWERS}


def test_the_exceptions_still_exist():
    assert set(NOT_ANSWERS) <= {f"wording:{k}" for k in all_templates()}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_template_fits_in_one_short_answer(key):
    text = _fill(TEXTS[key])
    assert word_count(text) <= MAX_WORDS, f"{key}: {word_count(text)} words > {MAX_WORDS}: {text!r}"


LONG = ("Voici où en est votre dossier SIN-2026-000101, pour votre client Charpentes Giraud.\n"
        "Depuis le 14 novembre 2026, votre dossier est dans le délai de carence. C’est le temps d’attente "
        "prévu par votre contrat avant de constater la perte.\n"
        "Cause de l’impayé : votre client ne paie pas, sans être en faillite. Vous avez déclaré 12 850,40 €.\n"
        "Prochaine étape : la fin du délai de carence, le 14 mai 2027. Si votre client paie avant, dites-le-nous. "
        "Nous arrêterons alors le dossier. Vous pouvez aussi nous envoyer une pièce. Un conseiller peut vous aider.")


def test_a_short_reply_is_left_alone():
    reply = Reply("Votre agrément sur Garage Martin est de 15 000 €.", [Button("Oui", "/affirm")])
    assert shorten(reply) is reply


def test_a_long_reply_keeps_the_first_sentences_and_puts_the_rest_in_the_detail():
    assert word_count(LONG) > MAX_WORDS
    reply = shorten(Reply(LONG, [Button("Parler à un conseiller", "/request_human")]))
    assert word_count(reply.text) <= MAX_WORDS
    assert reply.text.startswith("Voici où en est votre dossier SIN-2026-000101")
    assert reply.detail and reply.buttons[0].payload == DETAIL_PAYLOAD
    assert [b.payload for b in reply.buttons] == [DETAIL_PAYLOAD, "/request_human"]
    # nothing lost, nothing reordered
    flat = [s for p in sentences(LONG) for s in p]
    assert [s for p in sentences("\n".join([reply.text] + reply.detail)) for s in p] == flat


def test_the_first_sentence_is_kept_even_when_longer_than_the_budget():
    reply = shorten(Reply(LONG), budget=5)
    assert reply.text == sentences(LONG)[0][0]
    assert len(reply.detail) == 3  # the three other paragraphs


def test_a_sentence_is_not_cut_inside_an_amount_or_a_company_name():
    text = "Nous avons réduit votre agrément sur Farmacia Rossi S.r.l. (Italie) : 1 840,50 €. " * 8
    reply = shorten(Reply(text.strip()))
    assert reply.text.endswith("1 840,50 €.") and "S.r.l. (Italie)" in reply.text


def test_detail_pages_chain_with_voir_la_suite():
    from bot.wording.core import detail_page
    page = detail_page([LONG, LONG])
    assert word_count(page.text) <= MAX_WORDS and page.buttons == [MORE_BUTTON] and page.detail
    assert detail_page([]).text.startswith("Je n’ai pas d’autre détail")


def test_as_message_carries_the_detail_for_the_next_turn():
    message = shorten(Reply(LONG)).as_message()
    assert message["buttons"][0] == {"title": "Voir le détail", "payload": DETAIL_PAYLOAD}
    assert message["detail"] and all(isinstance(p, str) for p in message["detail"])
