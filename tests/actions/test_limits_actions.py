"""Agréments one buyer at a time (issue #16): headroom, deliveries after a cut, the stored reason, limit reviews
confirmed before they are recorded, and the general process questions answered from any topic."""
from decimal import Decimal

import pytest

pytest.importorskip("rasa_sdk")

from tests.actions.support import make_tracker, payloads, run_action, texts


def _tracker(text, intent="ask_guarantee", *, slots=None, entities=None, pid=1, signed=True, before=None):
    tracker = make_tracker(text, intent, slots=slots, entities=[{"entity": k, "value": v} for k, v in entities or []],
                           pid=pid, signed=signed, sender=f"conv-limits-{pid}")
    if before:  # actions run before the latest message (the turn before)
        user = tracker.events.pop()
        tracker.events.extend([{"event": "user", "text": "…", "parse_data": {}, "metadata": user["metadata"]}]
                              + [{"event": "action", "name": n} for n in before] + [user])
    return tracker


def _guarantee(text, **kwargs):
    from actions.guarantee import ActionGuarantee
    return run_action(ActionGuarantee(), _tracker(text, **kwargs))


def _requests(url):
    from sqlalchemy import select

    from bot.store.db import get_engine, session_scope
    from bot.store.models import LimitIncreaseRequest
    with session_scope(get_engine(url)) as session:
        return [(r.buyer_name, Decimal(r.requested_amount)) for r in session.execute(select(LimitIncreaseRequest)).scalars()]


def _slot(events, name):
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), "unset")


def test_one_buyer_from_the_focus_not_the_whole_list(store):
    """« notre encours sur eux » after Healthline: that buyer's encours, not the total."""
    messages, events = _guarantee("notre encours sur eux c'est combien", pid=3, slots={"buyer": "Healthline Ltd"})
    text = texts(messages)
    assert "Healthline" in text and "total" not in text and "Farmacia" not in text


def test_one_buyer_named_with_an_article(store):
    messages, events = _guarantee("et le mien sur l'hôtel du port c'est combien ?", pid=4)
    assert "5\u202f000\u00a0€" in texts(messages) and _slot(events, "buyer") == "Hôtel du Port SAS"


def test_reason_follow_up_uses_the_buyer_discussed(store):
    messages, _ = _guarantee("pourquoi ils ont baissé ?", slots={"buyer": "Charpentes Giraud"})
    text = texts(messages)
    assert text.startswith("Le ") and "paie souvent en retard" in text and "nouvel examen" in text


def test_cancelled_limit_new_deliveries_are_not_covered_old_ones_are(store):
    messages, _ = _guarantee("la semaine dernière on leur a encore livré 5 000 € de bois, c'est couvert ?",
                             slots={"buyer": "Immobilière Faure SA"}, entities=[("amount", "5 000 €")])
    text = texts(messages)
    assert text.startswith("Non") and "ne sont plus couvertes" in text and "5\u202f000\u00a0€" in text
    assert "restent couvertes" in text and "25\u202f000\u00a0€" in text and "conseiller" in text


def test_deliveries_before_the_cut_come_first_when_asked(store):
    messages, _ = _guarantee("les livraisons d'avant la coupure restent couvertes ?", pid=2,
                             entities=[("buyer", "brasserie fournier")])
    text = texts(messages)
    assert text.startswith("Les livraisons faites avant le") and "ne sont plus couvertes" in text


def test_reduced_limit_deliveries_after_are_covered_up_to_the_new_amount(store):
    messages, _ = _guarantee("et mes livraisons de la semaine dernière chez eux, je suis encore couvert ?",
                             slots={"buyer": "Charpentes Giraud"})
    text = texts(messages)
    assert "Charpentes Giraud" in text and "15\u202f000\u00a0€" in text and "40\u202f000\u00a0€" in text


def test_headroom_with_a_new_delivery(store):
    left, _ = _guarantee("il me reste combien de dispo sur entrepots bernard ?", pid=2)
    assert "120\u202f000\u00a0€" in texts(left) and "119\u202f560\u00a0€" in texts(left) and "440\u00a0€" in texts(left)
    over, _ = _guarantee("si je livre encore 10 000 chez eux je suis couvert ?", pid=2,
                         slots={"buyer": "Entrepôts Bernard SA"}, entities=[("amount", "10 000")])
    assert "9\u202f560\u00a0€ au-dessus de l’agrément" in texts(over) and "plus élevé" in texts(over)
    fits, _ = _guarantee("si je leur vends 300 € de plus, c'est couvert ?", pid=2, slots={"buyer": "Entrepôts Bernard SA"})
    assert "restez dans la limite" in texts(fits)


def test_clear_request_is_recorded_with_buyer_and_amount(store):
    messages, events = _guarantee("faites une demande pour 140 000 alors", pid=2,
                                  slots={"buyer": "Entrepôts Bernard SA"}, entities=[("amount", "140 000")])
    assert "140\u202f000\u00a0€" in texts(messages) and "Entrepôts Bernard SA" in texts(messages)
    assert ("Entrepôts Bernard SA", Decimal("140000")) in _requests(store)


def test_question_on_a_request_is_confirmed_first_then_recorded_on_yes(store):
    from actions.conversation import ActionAffirmNoContext, ActionDenyNoContext
    messages, events = _guarantee("on peut demander une révision pour remonter robert à 15 000 ?", pid=2,
                                  entities=[("amount", "15 000")])
    assert "Voulez-vous" in texts(messages) and "15\u202f000\u00a0€" in texts(messages) and "Robert" in texts(messages)
    assert "/affirm" in payloads(messages) and _requests(store) == []
    pending = _slot(events, "limit_request")
    no, _ = run_action(ActionDenyNoContext(), _tracker("non", "deny", pid=2, slots={"limit_request": pending},
                                                       before=["action_guarantee"]))
    assert "rien" in texts(no) and _requests(store) == []
    yes, after = run_action(ActionAffirmNoContext(), _tracker("oui", "affirm", pid=2, slots={"limit_request": pending},
                                                              before=["action_guarantee"]))
    assert "enregistrée" in texts(yes) and _requests(store) == [("Primeurs Robert", Decimal("15000"))]
    assert _slot(after, "limit_request") is None


def test_a_yes_later_in_the_conversation_records_nothing(store):
    from actions.conversation import ActionAffirmNoContext
    pending = '{"buyer": "Primeurs Robert", "amount": "15000"}'
    run_action(ActionAffirmNoContext(), _tracker("oui", "affirm", pid=2, slots={"limit_request": pending},
                                                 before=["action_claim_status"]))
    assert _requests(store) == []


def test_review_after_a_refusal_offers_the_former_request(store):
    messages, events = _guarantee("pour lambert on peut demander de revoir le refus ? on a leurs bilans 2025",
                                  entities=[("amount", "2025")])
    text = texts(messages)
    assert "Promotion Lambert" in text and "20\u202f000\u00a0€" in text and _requests(store) == []
    assert _slot(events, "limit_request") not in ("unset", None)


def test_limit_filters_from_the_claims_list_go_to_the_agrements(store):
    from actions.claims import ActionListClaims
    messages, _ = run_action(ActionListClaims(), _tracker("lesquels ont été réduits ou refusés ?", "list_claims",
                                                          before=["action_guarantee"]))
    text = texts(messages)
    assert "Giraud" in text and "Lambert" in text and "Perrin" not in text and "Schneider" not in text


@pytest.mark.parametrize("signed", [True, False])
def test_insolvency_question_inside_a_claim_topic(store, signed):
    from actions.claims import ActionClaimStatus
    messages, _ = run_action(ActionClaimStatus(), _tracker(
        "et le redressement ça change quoi pour ce dossier ? il faut que je refasse une déclaration ?",
        "ask_claim_status", signed=signed, slots={"claim_ref": "SIN-2026-000101"}))
    text = texts(messages)
    assert "mandataire" in text and "BODACC" in text and "L622-24" in text
    assert ("SIN-2026-000101" in text) is signed


def test_declaring_before_the_due_date_is_not_yet(store):
    from actions.declare import ActionDeclareStart
    messages, events = run_action(ActionDeclareStart(), _tracker(
        "lefevre me doit 8 000 mais l'échéance c'est dans 3 semaines, je peux déjà déclarer ?", "declare_unpaid"))
    assert "pas encore" in texts(messages).lower() and "déclarer" in texts(messages)
    assert _slot(events, "declaration_allowed") is False


def test_what_to_have_at_hand(store):
    from actions.conversation import ActionClaimProcess
    messages, _ = run_action(ActionClaimProcess(), _tracker("je dois avoir quoi sous la main", "ask_claim_process",
                                                            signed=False))
    text = texts(messages)
    assert "numéro de la facture" in text and "échéance" in text and "Connectez-vous" in text


def test_opening_hours_asked_through_a_person(store):
    from actions.handoff import ActionHandoff
    messages, events = run_action(ActionHandoff(), _tracker("quels sont vos horaires pour parler à un conseiller ?",
                                                            "request_human", signed=False))
    assert "lundi" in texts(messages) and not any(e.get("name") == "handoff_outcome" for e in events)


def test_sign_in_later_is_a_goodbye(store):
    from actions.help import ActionSignInHelp
    messages, _ = run_action(ActionSignInHelp(), _tracker("bon je me connecte plus tard, merci", "ask_sign_in",
                                                          signed=False))
    assert "Bonne journée" in texts(messages)


def test_glossary_word_not_understood_gets_its_definition(store):
    from actions.fallback import ActionFallback
    messages, _ = run_action(ActionFallback(), _tracker("subrogation ?? j'ai vu ce mot sur un courrier", "nlu_fallback"))
    assert "à votre place" in texts(messages)


def test_definition_asked_in_the_declaration_topic(store):
    from actions.declare import ActionDeclareStart
    messages, _ = run_action(ActionDeclareStart(), _tracker("c quoi un débiteur ? et un acheteur c pareil ?",
                                                            "declare_unpaid", signed=False))
    assert "votre client" in texts(messages) and "déclarer une facture impayée tout de suite" not in texts(messages)


def test_another_country_right_after_a_territory_answer(store):
    from actions.cap import ActionCap
    messages, _ = run_action(ActionCap(), _tracker("et en suisse ?", "ask_cap", before=["action_guarantee"],
                                                   entities=[("country", "Suisse")]))
    text = texts(messages)
    assert "Suisse" in text and "ne fait pas partie" in text


def test_a_buyer_named_in_words_is_found_whatever_the_question(store):
    messages, events = _guarantee("ok et primeurs robert on était à 20 000, c'est passé à combien ?", pid=2)
    assert "8\u202f000\u00a0€" in texts(messages) and _slot(events, "buyer") == "Primeurs Robert"
    short, _ = _guarantee("martin distrib", pid=2, entities=[("buyer", "martin")])
    assert "Martin Distribution" in texts(short) and "25\u202f000\u00a0€" in texts(short)


def test_a_payout_question_routed_to_the_agrements_gets_the_payout(store):
    messages, _ = _guarantee("si ils coulent vous me payez combien sur les 36 000 de factures ?", pid=2,
                             slots={"buyer": "Martin Distribution SARL"})
    assert "agréments" not in texts(messages).split(".")[0]


@pytest.mark.parametrize("signed,expected", [(True, "30 jours"), (False, "fixé par votre contrat")])
def test_is_it_too_late_to_declare(store, signed, expected):
    from actions.claims import ActionClaimStatus
    messages, _ = run_action(ActionClaimStatus(), _tracker("l'échéance c'était il y a deux mois, c'est trop tard ?",
                                                           "ask_claim_status", signed=signed))
    text = texts(messages).replace("\u00a0", " ")
    assert expected in text and "accepter" in text


def test_a_visitor_asking_what_a_guarantee_costs_gets_the_fees_in_general(store):
    messages, _ = _guarantee("ça coûte combien ce genre de garantie ?", signed=False)
    assert "prime" in texts(messages).lower() and "Pour voir vos dossiers" not in texts(messages)
