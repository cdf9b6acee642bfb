"""French wording of the store's views: claims, guarantee, fees."""
from __future__ import annotations

import dataclasses
import json
import re
import string
from datetime import date, timedelta
from decimal import Decimal

import pytest
import textstat

from bot.store import queries as q
from bot.store.refs import PROBLEMS, parse_ref
from bot.store.views import DeclarationResult
from bot.wording import claims, fees, guarantee
from bot.wording.format import NBSP, NNBSP

from store_testlib import AS_OF

pytestmark = pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")

MODULES = (claims, guarantee, fees)
ALL = [(m.__name__.rsplit(".", 1)[1], k, t) for m in MODULES for k, t in m.TEMPLATES.items()]
TUTOIEMENT = re.compile(r"\b(tu|ton|ta|tes|toi|te)\b", re.IGNORECASE)
CHEERFUL = re.compile(r"bonne nouvelle|super|génial|formidable|excellent|!|😀|🙂", re.IGNORECASE)
RAW_NUMBER = re.compile(r"\d+\.\d{2}\b")  # a Decimal printed as is, e.g. 18400.00


@pytest.mark.parametrize("module, key, template", ALL, ids=[f"{m}.{k}" for m, k, _ in ALL])
def test_template_is_plain_french(module, key, template):
    textstat.set_lang("fr")
    assert textstat.flesch_reading_ease(template) >= 60, template
    assert not TUTOIEMENT.search(template), template
    assert not CHEERFUL.search(template), template
    # placeholders are plain names (str.format), never positional
    for _, field, _, _ in string.Formatter().parse(template):
        assert field is None or re.fullmatch(r"[a-z_]+", field), field


def _text(reply):
    return reply.as_message()["text"]


def _no_raw_numbers(text):
    assert not RAW_NUMBER.search(text), text


# --- claims --------------------------------------------------------------------------------------------

def test_claim_status_indemnified_with_recovery(session):
    reply = claims.claim_status(q.claim_by_ref(session, 1, "SIN-2021-000123"))
    text = _text(reply)
    assert "SIN-2021-000123" in text and "Rénovation Dupuis SARL" in text
    assert f"18{NNBSP}400{NBSP}€" in text and f"16{NNBSP}560{NBSP}€" in text and f"2{NNBSP}300{NBSP}€" in text
    assert "subrogation" in text and "procédure collective" in text
    assert "10 juin 2021" in text
    assert (AS_OF + timedelta(days=45)).strftime("%Y") in text  # next step date, in French
    assert "quotité" in text and f"90{NBSP}%" in text
    _no_raw_numbers(text)
    assert [b.payload for b in reply.buttons][-1] == "/request_human"


def test_claim_status_waiting_period_gives_next_step_and_advance(session):
    claim = q.claim_by_ref(session, 1, "SIN-2025-000101")
    text = _text(claims.claim_status(claim))
    assert "délai de carence" in text and "temps d’attente" in text
    assert "9 août 2025" in text  # due date + 150 days
    assert "indemnisation avancée" in text
    assert f"12{NNBSP}850,40{NBSP}€" in text


def test_claim_status_every_stage_of_morel(session):
    for item in q.list_claims(session, 2, "all", page_size=50).items:
        claim = q.claim_by_ref(session, 2, item.ref)
        text = _text(claims.claim_status(claim))
        assert claim.ref in text and claim.buyer_name in text
        if claim.next_step_date:
            from bot.wording.format import day
            assert day(claim.next_step_date) in text
        if claim.is_open:
            assert "Prochaine étape" in text or "Prochain point" in text
        _no_raw_numbers(text)


def test_claim_status_abroad_names_the_country(session):
    text = _text(claims.claim_status(q.claim_by_ref(session, 3, "SIN-2021-000456")))
    assert "(Italie)" in text and "S.r.l.." not in text


def test_not_found_is_neutral_and_helpful():
    reply = claims.claim_not_found("SIN-2021-000456")
    text = _text(reply)
    assert "Je ne trouve pas" in text and "SIN-2021-000123" in text and "conseiller" in text
    assert {b.payload for b in reply.buttons} == {"/list_claims", "/request_human"}
    # never echoes anything but a normalised ref
    assert "DROP" not in _text(claims.claim_not_found("x'; DROP TABLE claims"))


@pytest.mark.parametrize("typed, fragment", [
    ("SIN-2021-0001234", "six chiffres"),  # a number of 1-5 digits gets its zeros (test_store_refs)
    ("SIN-21-000123", "quatre chiffres"),
    ("SIN-2021-OOO123", "lettre O"),
    ("SIN 2021", "Il manque les six chiffres"),
    ("SIN 000123", "Il manque l’année"),
    ("SIN-1890-000123", "L’année ne semble pas juste"),
])
def test_malformed_ref_says_what_is_wrong(typed, fragment):
    parsed = parse_ref(typed)
    assert parsed.malformed
    text = _text(claims.malformed_ref(parsed))
    assert fragment in text and "SIN-2021-000123" in text


def test_every_problem_code_has_wording():
    for code in PROBLEMS:
        assert f"malformed.{code}" in claims.TEMPLATES


def test_reply_for_ref(session):
    assert "De quel dossier" in _text(claims.reply_for_ref(parse_ref("bonjour"), None))
    assert "Je ne trouve pas" in _text(claims.reply_for_ref(parse_ref("SIN-2021-999999"), None))


def test_claims_list_buttons(session):
    page = q.list_claims(session, 2, "all", page=2, page_size=10)
    reply = claims.claims_list(page)
    text = _text(reply)
    assert "30 dossiers" in text and "11 à 20" in text
    claim_buttons = [b for b in reply.buttons if b.payload.startswith("/ask_claim_status")]
    assert len(claim_buttons) == 10
    for button, item in zip(claim_buttons, page.items):
        assert button.payload == '/ask_claim_status{"claim_ref":"%s"}' % item.ref
        assert json.loads(button.payload[len("/ask_claim_status"):]) == {"claim_ref": item.ref}
        assert item.ref in button.title
    payloads = [b.payload for b in reply.buttons]
    assert '/list_claims{"status":"all","page":3}' in payloads and '/list_claims{"status":"all","page":1}' in payloads
    assert "aucun dossier" in _text(claims.claims_list(q.list_claims(session, 4, "open")))
    one = q.list_claims(session, 1, "open", page_size=1)
    single = dataclasses.replace(one, total=1)
    assert "Vous avez un dossier en cours." in _text(claims.claims_list(single))


def test_which_claim(session):
    reply = claims.which_claim(q.list_claims(session, 1, "open", page_size=5))
    assert "Duquel" in _text(reply) and all(b.payload.startswith("/ask_claim_status") for b in reply.buttons)


def test_declaration_replies(session):
    created = q.declare_unpaid(session, 1, "Lefèvre", "FA-W-1", "1500", AS_OF - timedelta(days=40), "w-1", as_of=AS_OF)
    text = _text(claims.declaration(created))
    assert created.claim.ref in text and "inquiète" in text and "délai de carence" in text
    assert "au plus tard le" in text  # declared after the DMS deadline: said plainly, without blame
    assert "pourrons alors vous payer" not in text and "voir si nous pouvons la prendre en charge" in text
    replay = q.declare_unpaid(session, 1, "Lefèvre", "FA-W-1", "1500", AS_OF - timedelta(days=40), "w-1", as_of=AS_OF)
    assert "déjà reçu" in _text(claims.declaration(replay))
    for outcome, fragment in [("buyer_unknown", "SIREN"), ("no_contract", "contrat"), ("buyer_ambiguous", "Lequel")]:
        assert fragment in _text(claims.declaration(DeclarationResult(outcome=outcome)))
    below = claims.declaration(DeclarationResult(outcome="below_minimum", minimum=Decimal("300.00")))
    assert f"300{NBSP}€" in _text(below)
    assert "échéance" in _text(claims.declaration(DeclarationResult(outcome="invalid", problem="not_yet_due")))


# --- guarantee -------------------------------------------------------------------------------------------

def test_guarantee_reduction_explained_with_date_and_reason(session):
    text = _text(guarantee.guarantee(q.guarantee_on_buyer(session, 1, "Giraud"), today=AS_OF))
    assert "réduit" in text and f"40{NNBSP}000{NBSP}€" in text and f"15{NNBSP}000{NBSP}€" in text
    assert "21 mai 2025" in text and "retard" in text
    assert "L’agrément, c’est" in text and "encours garanti" in text
    assert f"restent couvertes jusqu’à 40{NNBSP}000{NBSP}€" in text and not re.search(f"(?<![\\d{NNBSP}])0{NBSP}€", text)


def test_guarantee_cap_and_abroad(session):
    text = _text(guarantee.guarantee(q.guarantee_on_buyer(session, 3, "Farmacia Rossi"), today=AS_OF))
    assert "CAP Francexport" in text and f"400{NNBSP}000{NBSP}€" in text and "Italie" in text
    text = _text(guarantee.guarantee(q.guarantee_on_buyer(session, 1, "Roussel"), today=AS_OF))
    assert "agrément partiel" in text and "CAP" in text and "fermé aux nouvelles demandes" in text


def test_guarantee_ambiguous_and_none(session):
    reply = guarantee.guarantee(q.guarantee_on_buyer(session, 2, "Martin"))
    assert "Duquel" in _text(reply)
    assert all(name in _text(reply) for name in ("Garage Martin", "Martin Distribution SARL", "Martin Logistique SAS"))
    assert {b.payload for b in reply.buttons} >= {'/ask_guarantee{"buyer":"Garage Martin"}'}
    assert "Je ne trouve pas" in _text(guarantee.guarantee(q.guarantee_on_buyer(session, 2, "Zorglub")))
    near = q.guarantee_on_buyer(session, 1, "shnaider")  # one name close to what was typed: "did you mean"
    assert near.outcome == "ambiguous" and [c.name for c in near.candidates] == ["Holzbau Schneider GmbH"]
    assert "Parlez-vous de votre client Holzbau Schneider GmbH" in _text(guarantee.guarantee(near))
    one = DeclarationResult(outcome="buyer_ambiguous", candidates=near.candidates)
    assert "Plusieurs" not in _text(claims.declaration(one)) and "Holzbau Schneider GmbH" in _text(claims.declaration(one))


def test_limit_increase_is_never_granted(session):
    result = q.record_limit_increase_request(session, 1, "Lefèvre", 80000)
    text = _text(guarantee.limit_increase(result))
    assert "enregistrée" in text and "gestionnaire l’étudie" in text and f"80{NNBSP}000{NBSP}€" in text
    assert "accord" not in text.lower().replace("l’étudie", "")
    assert "première demande" in _text(guarantee.limit_increase(
        q.record_limit_increase_request(session, 1, "Nouvelle Société", 5000)))
    assert "Quel montant" in _text(guarantee.limit_increase(q.record_limit_increase_request(session, 1, "Lefèvre", 0)))


def test_limits_overview_and_encours(session):
    text = _text(guarantee.limits_overview(q.limits(session, 1)))
    # a long list keeps one short line per buyer; the dates are in each buyer's detail
    assert "8 agréments" in text and "réduit." in text and "réduit le" not in text
    few = [v for v in q.limits(session, 1) if v.status == "reduced"][:1] + list(q.limits(session, 1))[:2]
    assert "réduit le 21 mai 2025" in _text(guarantee.limits_overview(few))
    text = _text(guarantee.encours(q.encours(session, 1)))
    assert f"86{NNBSP}650{NBSP}€" in text and "31 mars 2025" in text
    assert "aucun" in _text(guarantee.limits_overview(())).lower()


def test_contract_terms_explained(session):
    text = _text(guarantee.contract_terms(q.contract_terms(session, 2, AS_OF)))
    assert f"85{NBSP}%" in text and "part de la perte" in text and "franchise" in text.lower()
    assert "180 jours" in text and "délai de carence" in text
    assert "contrat" in _text(guarantee.contract_terms(None))


# --- fees -------------------------------------------------------------------------------------------------

def test_fee_breakdown_says_how_each_fee_is_computed(session):
    view = q.fee_breakdown(session, 2, date(2024, 1, 1), date(2024, 12, 31))
    text = _text(fees.fee_breakdown(view))
    assert "1er janvier 2024" in text and "31 décembre 2024" in text
    assert f"0,28{NBSP}%" in text and "chiffre d’affaires assuré" in text
    assert f"15{NBSP}€ par client suivi" in text
    for total in view.totals:
        from bot.wording.format import money
        assert money(total.amount) in text
    _no_raw_numbers(text)


def test_last_statement_wording(session):
    text = _text(fees.last_statement(q.last_statement(session, 1)))
    assert "REL-2025-T1" in text and "15 avril 2025" in text
    assert "pas encore" in _text(fees.last_statement(q.last_statement(session, 4)))
    assert "aucun frais" in _text(fees.fee_breakdown(q.fee_breakdown(session, 4, date(2020, 1, 1), date(2020, 2, 1))))
