"""Declaring an unpaid invoice (DMS) in the chat: questions, checks, summary, result."""
from __future__ import annotations

from typing import List

from bot.wording.format import choices_fr, day, money
from bot.wording.reply import Button, Reply

HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    "visitor_how": (
        "Une facture impayée se déclare chez nous, dans le délai de votre contrat. "
        "On parle de déclaration de menace de sinistre, ou DMS : le sinistre, c’est la perte que nous couvrons."
    ),
    "visitor_what": (
        "Ayez sous la main le nom du client, le numéro de la facture, son montant et sa date d’échéance."
    ),
    "visitor_sign_in": (
        "Connectez-vous en haut de la page : je pourrai alors faire la déclaration avec vous, ici."
    ),
    "start": "D’accord, faisons la déclaration ensemble. Cela prend quatre questions.",
    "ask_buyer": (
        "Quel client ne vous a pas payé ? Donnez son nom, ou son numéro SIREN, le numéro à 9 chiffres "
        "de l’entreprise."
    ),
    "ask_invoice_number": "Quel est le numéro de la facture ?",
    "ask_amount": "Quel est le montant qui reste impayé, en euros ?",
    "ask_due_date": "Quelle était la date d’échéance de la facture ? Par exemple : 15/03/2026.",
    "bad_amount": "Je n’ai pas trouvé de montant. Écrivez-le en chiffres, par exemple : 12\u202f300\u00a0€.",
    "amount_ambiguous": "Je veux être sûr du montant : voulez-vous dire {first_amount} ou {second_amount} ?",
    "bad_date": "Je n’ai pas compris cette date. Écrivez-la comme ceci : 15/03/2026.",
    "bad_invoice_number": "Ce numéro de facture me semble trop court ou trop long. Pouvez-vous le redonner ?",
    "bad_buyer": "Je n’ai pas compris le nom du client. Pouvez-vous le redonner ?",
    "future_date_far": "Cette date est loin dans le futur. Pouvez-vous vérifier la date d’échéance ?",
    "not_yet_due": (
        "Cette facture n’est pas encore échue : son échéance est le {due_date}. "
        "Vous ne pouvez la déclarer qu’après cette date. Relancez d’abord votre client."
    ),
    # the deadline day itself is allowed (late only after it): "jusqu'au", "a pris fin le"
    "deadline_passed": (
        "Vous avez dépassé le délai de déclaration de votre contrat : il a pris fin le {deadline_date}. "
        "Je peux tout de même la transmettre. Nous vous dirons si nous pouvons l’accepter."
    ),
    "late_question": (
        "Une déclaration hors délai n’est pas refusée d’office : c’est nous qui décidons si nous pouvons "
        "l’accepter. Le mieux est de la transmettre sans attendre."
    ),
    "buyer_corrected": "C’est noté, je corrige : le client est {buyer}.",
    "deadline_ok": "Vous êtes dans les temps : vous avez jusqu’au {deadline_date} pour déclarer.",
    "summary": (
        "Je récapitule. Client : {buyer}. Facture : {invoice}. Montant : {amount}. Échéance : {due_date}. "
        "Je transmets cette déclaration ?"
    ),
    "corrected": "C’est noté, je corrige.",
    "cancelled": "J’ai annulé la déclaration. Rien n’a été transmis. Que puis-je faire pour vous ?",
    "nothing_pending": "Je n’ai pas de déclaration en cours à transmettre. Voulez-vous en faire une ?",
    "created": "C’est fait. Votre déclaration est enregistrée sous la référence {ref}.",
    "replayed": "Vous avez déjà fait cette déclaration. Elle a pour référence {ref}.",
    "created_late": "Elle est arrivée après le délai du contrat. Nous vous dirons si nous pouvons l’accepter.",
    "next_waiting": (
        "La suite : nous allons relancer votre client. Si rien n’est payé, le délai de carence, le temps "
        "d’attente prévu par votre contrat, se termine le {step_date}. La perte sera alors reconnue."
    ),
    "next_waiting_late": (
        "La suite : nous allons relancer votre client, et voir d’abord si nous pouvons prendre en charge "
        "cette déclaration. Le délai de carence, le temps d’attente prévu par votre contrat, se termine "
        "le {step_date}."
    ),
    "next_decision": "La suite : une décision sur votre indemnité est prévue vers le {step_date}.",
    "next_keep": "Gardez les pièces : la facture, le bon de livraison et vos relances.",
    "duplicate": "Cette facture est déjà dans le dossier {ref}. Je n’en crée pas un deuxième.",
    "buyer_unknown": (
        "Je ne trouve pas ce client parmi ceux que votre contrat couvre. "
        "Vérifiez son nom, ou parlez-en à votre gestionnaire."
    ),
    "buyer_ambiguous": "J’ai trouvé plusieurs clients proches{names}. Lequel est le bon ?",
    "buyer_ambiguous_one": "Parlez-vous de votre client {name} ?",
    "below_minimum": "Le montant est sous le minimum de votre contrat, qui est de {amount}. Je ne peux pas le déclarer.",
    "no_contract": "Je ne trouve pas de contrat en cours à votre nom. Un conseiller peut regarder avec vous.",
    "invalid": "Il manque une information pour déclarer. Reprenons, si vous voulez.",
}

BUTTONS = {"yes": "Oui, transmettre", "no": "Non, corriger ou annuler"}


def visitor() -> List[Reply]:
    # signing in (what lets the person declare here) before the list of what to have at hand
    return [Reply(TEMPLATES["visitor_how"]), Reply(TEMPLATES["visitor_sign_in"]), Reply(TEMPLATES["visitor_what"])]


def start() -> Reply:
    return Reply(TEMPLATES["start"])


def ask(slot: str) -> Reply:
    return Reply(TEMPLATES[f"ask_{slot}"])


def problem(key: str, **values) -> Reply:
    return Reply(TEMPLATES[key].format(**values))


def deadline(deadline_date, passed: bool) -> Reply:
    key = "deadline_passed" if passed else "deadline_ok"
    return Reply(TEMPLATES[key].format(deadline_date=day(deadline_date)))


def amount_ambiguous(readings) -> Reply:
    """ "12,300": 12,30 € (French) or 12 300 € (English)? One button per reading; the form asks again."""
    first, second = readings[0], readings[1]
    return Reply(TEMPLATES["amount_ambiguous"].format(first_amount=money(first), second_amount=money(second)),
                 [Button(money(first), money(first)), Button(money(second), money(second))])


def not_yet_due(due_date) -> Reply:
    return Reply(TEMPLATES["not_yet_due"].format(due_date=day(due_date)))


def summary(buyer: str, invoice: str, amount, due_date) -> Reply:
    text = TEMPLATES["summary"].format(buyer=buyer, invoice=invoice, amount=money(amount), due_date=day(due_date))
    return Reply(text, [Button(BUTTONS["yes"], "/affirm"), Button(BUTTONS["no"], "/deny")])


def late_question() -> Reply:
    """« j'ai dépassé ? c'est grave ? » at a late declaration: we decide; send it anyway."""
    return Reply(TEMPLATES["late_question"])


def buyer_corrected(buyer: str) -> Reply:
    return Reply(TEMPLATES["buyer_corrected"].format(buyer=buyer))


def corrected() -> Reply:
    return Reply(TEMPLATES["corrected"])


def cancelled() -> Reply:
    return Reply(TEMPLATES["cancelled"])


def nothing_pending() -> Reply:
    return Reply(TEMPLATES["nothing_pending"], [Button("Déclarer un impayé", "/declare_unpaid")])


def result(res) -> List[Reply]:
    """French replies for a bot.store.views.DeclarationResult."""
    if res.outcome in ("created", "replayed"):
        claim = res.claim
        replies = [Reply(TEMPLATES[res.outcome].format(ref=claim.ref))]
        if res.late:
            replies.append(Reply(TEMPLATES["created_late"]))
        if claim.next_step_date is not None:
            key = "next_decision" if claim.next_step_code == "indemnity_decision" else \
                ("next_waiting_late" if res.late else "next_waiting")
            replies.append(Reply(TEMPLATES[key].format(step_date=day(claim.next_step_date))))
        replies.append(Reply(TEMPLATES["next_keep"], [HUMAN_BUTTON]))
        return replies
    if res.outcome == "duplicate_invoice" and res.claim is not None:
        return [Reply(TEMPLATES["duplicate"].format(ref=res.claim.ref))]
    if res.outcome == "buyer_ambiguous":
        buttons = [Button(c.name, c.name) for c in res.candidates[:5]]
        if len(res.candidates) == 1:  # one name close to what was typed: "did you mean"
            return [Reply(TEMPLATES["buyer_ambiguous_one"].format(name=res.candidates[0].name), buttons)]
        return [Reply(TEMPLATES["buyer_ambiguous"].format(names=choices_fr([c.name for c in res.candidates[:5]])),
                      buttons)]
    if res.outcome == "below_minimum" and res.minimum is not None:
        return [Reply(TEMPLATES["below_minimum"].format(amount=money(res.minimum)), [HUMAN_BUTTON])]
    if res.outcome == "buyer_unknown":
        return [Reply(TEMPLATES["buyer_unknown"], [HUMAN_BUTTON])]
    if res.outcome == "no_contract":
        return [Reply(TEMPLATES["no_contract"], [HUMAN_BUTTON])]
    return [Reply(TEMPLATES["invalid"], [HUMAN_BUTTON])]
