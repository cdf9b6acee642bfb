"""Reading what a message is for, before anything happens: framework-free, no Rasa import.

The dialogue acts only on a clear wish. These small readers tell, from the text the person typed:

- a wish to stop what we are doing (« stop », « annuler », « laissez tomber », « on verra plus tard »);
- a question (never a form answer, never a side effect), a hypothetical (« et si… »);
- a clear wish to declare an unpaid invoice, to talk to a person, to file a complaint;
- a question on whether one talks to a machine (an honest answer, never a ticket);
- a buyer in insolvency proceedings (what to do: the mandataire, the BODACC).

A button's payload ("/intent...") is always a clear choice: the readers get "" for it (see
:func:`user_text`) and the callers treat it as such.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from bot.text import fold as text_fold

__all__ = [
    "fold", "user_text", "is_button", "is_cancel", "is_question", "is_hypothetical", "wants_to_declare",
    "asks_if_machine", "wants_a_person", "wants_to_complain", "mentions_insolvency", "is_thanks", "is_goodbye",
    "looks_like_phone", "phone_in", "is_greeting", "after_greeting",
]


def fold(text: Optional[str]) -> str:
    """Lower case, no accents, one kind of apostrophe and space (compatibility forms decomposed first)."""
    text = unicodedata.normalize("NFKD", text or "").replace("\u02bc", "'")
    return text_fold(text, squeeze=True).strip()


def is_button(text: Optional[str]) -> bool:
    return (text or "").startswith("/")


def user_text(text: Optional[str]) -> str:
    """What the person typed, stripped; "" for a button payload."""
    text = text or ""
    return "" if is_button(text) else text.strip()


_CANCEL = re.compile(
    r"^\s*(?:stop|stopp?ez|annule[rz]|abandonne[rz]|laisse[rz]? tomber|oublie[rz]?(?: ca| cela| tout)?|"
    r"on arrete|j'arrete|arrete[rz]?)\s*[.!]*\s*$"
    r"|\b(?:laisse[rz]?|laisses) tomber\b|\bannule[rz] (?:tout|la|le|cette|ce|ma|mon)\b|\bon annule\b"
    r"|\b(?:on|je) (?:verra|verrai|ferai|fera|reviendrai|repasserai|regarde(?:rai|ra)) (?:ca |cela )?plus tard\b"
    r"|\bje (?:reviens|repasse|reprendrai) plus tard\b|\b(?:a|pour) plus tard\b|\bplus tard\s*[.!]*\s*$"
    r"|\bpas maintenant\b|\bon arrete\b|\bj'arrete\b|\bon abandonne\b|\bj'abandonne\b|\bstop\b"
    r"|\bje n'ai pas (?:le|les|la|mes|ses) .{0,30}sous la main\b"
    r"|^(?:non,? )?(?:finalement,? |en fait,? )?(?:laisse[zr]?\b(?!-moi| moi| nous)|oublie[zr]\b)"
)


def is_cancel(text: Optional[str]) -> bool:
    """The person wants to stop what we are doing now (a form, a declaration, a callback)."""
    return bool(text) and not is_button(text) and bool(_CANCEL.search(fold(text)))


_QUESTION_START = re.compile(
    r"^(?:et |mais |alors |ok |bon |donc |au fait |sinon |du coup |aussi )*"
    r"(?:qu'est[- ]ce|est[- ]ce|c'est quoi|c'est qui|c'est combien|quel(?:le)?s?\b|combien|comment|pourquoi|pk\b|"
    r"quand|ou en|ou est|qui\b|quoi\b|peut[- ]on|puis[- ]je|dois[- ]je|faut[- ]il|y a[- ]t[- ]il|a[- ]t[- ]on|"
    r"suis[- ]je|sommes[- ]nous|avez[- ]vous|pouvez[- ]vous|etes[- ]vous|"
    r"ca veut dire|ca marche comment|et si|et pour|et en|et le|et la|et les|et mon|et ma|"
    r"et mes|et ce|et celui|et ceux|et l'|et sur|et chez)\b"
)


_QUESTION_ANYWHERE = re.compile(r"\b(?:c'est quoi|c koi|ckoi|ca veut dire quoi|qu'est[- ]ce que c'est|"
                                r"c'est combien|c'est comment|c'est quand)\b")


def is_question(text: Optional[str]) -> bool:
    """A question (a question mark, a question word at the start, or « …, c'est quoi » anywhere)."""
    s = fold(user_text(text))
    return bool(s) and ("?" in s or bool(_QUESTION_START.match(s)) or bool(_QUESTION_ANYWHERE.search(s)))


_HYPOTHETICAL = re.compile(r"^(?:\w+ ){0,3}?(?:et si|si jamais|imaginons|supposons|admettons|en cas de|au cas ou)\b"
                           r"|\b(?:aurait|auraient|avait|avaient|serait|seraient|pourrait|ferait)\b.*\?")


def is_hypothetical(text: Optional[str]) -> bool:
    """« et si l'assureur avait tout refusé ? »: a what-if, never a request."""
    return bool(_HYPOTHETICAL.search(fold(user_text(text))))


_DECLARE_WORD = re.compile(r"\bd[eé]clar|\bdms\b|\bsignal(?:er|e|ez)? (?:un|une|mon|ma|cet|cette|l')\s*(?:impaye|facture)"
                           r"|\bouvr(?:ir|ez|e) (?:un|une|le) (?:dossier|sinistre)")
_WISH = re.compile(
    r"\b(?:je (?:veux|voudrais|souhaite|souhaiterais|vais)|j'aimerais|je voudrai|on (?:veut|voudrait|va)|"
    r"nous (?:voulons|voudrions|souhaitons))\b.{0,40}\b(?:declar|dms|signal|ouvr)"
    r"|^(?:ok |oui |bon |bon ok |alors |d'accord |ben |allez )*(?:declarer|declarons|je declare|on declare|declaration)\b"
    r"|\ballons[- ]y\b|\ballez[- ]y\b|\bc'est parti\b|\bfaisons (?:la|une)\b"
)


_NEED = re.compile(r"\b(?:je dois|il faut que je|j'ai besoin de|je souhaite)\s+(?:vous\s+)?"
                   r"(?:declarer|declare|faire (?:une|la|ma) (?:declaration|dms))"
                   r"\b(?!.{0,40}\b(?:aussi|encore|deja|quand meme|refaire)\b)"
                   r"|\b(?:m'aider|aidez[- ]moi)\b.{0,30}\bdeclar|\bdeclar.{0,60}\b(?:m'aider|aidez[- ]moi)\b")


def wants_to_declare(text: Optional[str]) -> bool:
    """A clear wish to declare an unpaid invoice now (a question about declaring is not one)."""
    s = fold(user_text(text))
    if not s or is_hypothetical(s):
        return False
    if not _DECLARE_WORD.search(s) and not re.search(r"\ballons[- ]y\b|\bc'est parti\b", s):
        return False
    if _WISH.search(s) or _NEED.search(s):
        return True
    return not is_question(s)


_MACHINE = re.compile(
    r"\b(?:robot|bot|chatbot|machine|programme|logiciel|algorithme|algo|ordinateur|automat\w*|ia|i\.a\.?|"
    r"intelligence artificielle|chat ?gpt|virtuel(?:le)?)\b"
    r"|\b(?:vrai(?:e)?|veritable|reel(?:le)?) (?:personne|humain|conseiller|gens)\b"
    r"|\b(?:humain|personne|quelqu'un)\b.{0,30}\b(?:derriere|lit|lis|repond|ecrit|en face)\b"
    r"|\b(?:etes|es|t'es|tes)[- ]?(?:vous|tu)? ?(?:un |une )?(?:humain|personne|homme|femme)\b"
    r"|\b(?:je parle|on parle|je discute|j'ecris) (?:a|avec) (?:qui|quoi|un humain|une personne)\b"
)


def asks_if_machine(text: Optional[str]) -> bool:
    """« vous êtes un robot ? », « y a un humain derrière ? »: a question about who answers."""
    s = fold(user_text(text))
    if not s:
        return False
    if not (is_question(s) or re.search(r"\b(?:etes|es|t'es|tes)\b", s)):
        return False
    return bool(_MACHINE.search(s))


_PERSON = re.compile(
    r"\b(?:conseill\w*|humain|gestionnaire|interlocuteur|collaborateur|operat\w*|agent|standard|responsable|"
    r"manager|superieur|chef|quelqu'un|une personne|vraie personne|personne physique|votre equipe|un collegue)\b"
)
_PERSON_VERB = re.compile(
    r"\b(?:parler|discuter|echanger|joindre|contacter|avoir|passe[rz]?|mettre en relation|transfere[rz]?|rappel\w*|"
    r"appele[rz]?[- ]moi|me rappeler|me faire rappeler|m'appeler|appeler|veux|voudrais|souhaite|prefere|besoin|"
    r"aide|help)\b"
)


def wants_a_person(text: Optional[str]) -> bool:
    """A clear wish to talk to a person (a conseiller, a call back); « je vais appeler le mandataire »
    or a question about the machine is not one."""
    s = fold(user_text(text))
    if not s or asks_if_machine(s) or is_hypothetical(s):
        return False
    if re.search(r"\bje (?:vais|dois) (?:appeler|contacter|voir|joindre)\b", s) and not _PERSON.search(s):
        return False
    if is_question(s) and re.search(r"\b(?:horaires?|heures?|ouvert\w*|disponibles?|joignables?)\b", s):
        return False  # « quels sont vos horaires ? »: a question, answered without a ticket
    if re.search(r"\b(?:rappele[rz]?[- ]moi|me (?:faire )?rappeler|rappel|etre rappele)\b", s):
        return True
    return bool(_PERSON.search(s) and (len(s.split()) <= 4 or _PERSON_VERB.search(s)))


_COMPLAINT = re.compile(
    r"\breclam\w*|\bplainte\b|\bme plaindre\b|\bpas normal\b|\binadmissible\b|\binacceptable\b|\bscandal\w*|"
    r"\bhonte\w*|\bmecontent\w*|\bpas (?:du tout )?satisfait\w*|\binsatisfait\w*|\binjuste\b|\bdecu\w*|"
    r"\bn'importe quoi\b|\bras le bol\b|\bmarre\b|\bnul(?:le|s)?\b|\bpas serieux\b|\bje conteste\b|\bcontester\b|"
    r"\babusé\b|\babuse\b|\bdegoute\w*|\bpas content\w*|\bincompeten\w*|\bmediateur\b"
)


def wants_to_complain(text: Optional[str]) -> bool:
    """A clear complaint (dissatisfaction said, or a complaint asked for); a question or a what-if is not."""
    s = fold(user_text(text))
    if not s or is_hypothetical(s):
        return False
    if re.search(r"\b(?:reclamation|plainte|mediateur)\b", s) and re.search(
            r"\b(?:c'est quoi|qu'est[- ]ce|comment|ca marche|qui est|quel)\b", s) and not re.search(
            r"\b(?:je veux|je voudrais|je souhaite|j'aimerais|faire|deposer|porter)\b", s):
        return False  # « c'est quoi le médiateur ? »: a question on the process
    if "mediateur" in s and not re.search(r"\b(?:saisir|je veux|je voudrais)\b", s):
        return False
    return bool(_COMPLAINT.search(s))


_INSOLVENCY = re.compile(
    r"\bredressement\b|\bliquidation\b|\bsauvegarde\b|\bprocedure collective\b|\bfaillite\b|\bconcurso\b|"
    r"\binsolven\w*|\bdepot de bilan\b|\bdepose le bilan\b|\bmandataire\b|\bcessation de paiements?\b|\bbodacc\b"
)


def mentions_insolvency(text: Optional[str]) -> bool:
    return bool(_INSOLVENCY.search(fold(user_text(text))))


_THANKS = re.compile(r"\b(?:merci|mci|mrc|thanks|thx|super|parfait|top|nickel|genial|c'est clair|tres clair|"
                     r"remercie\w*)\b")
_HELLO = re.compile(r"^\W*(?:bonjour|bonsoir|salut|hello|coucou|bjr|slt|hey|allo|rebonjour|re-?bonjour)\b"
                    r"(?:\W+(?:madame|monsieur|mme|m\.|a vous|a tous|tout le monde))?[\s,.!;:-]*")
_BYE = re.compile(r"\b(?:au revoir|aurevoir|bonne (?:journee|soiree|fin de journee|nuit|semaine|continuation)|"
                  r"a\+|a plus|a bientot|bye|ciao|salut|a la prochaine|adieu|a demain)\b")


def is_thanks(text: Optional[str]) -> bool:
    return bool(_THANKS.search(fold(user_text(text))))


def is_greeting(text: Optional[str]) -> bool:
    """« bonjour », « slt », « bonsoir madame »: the message starts with a greeting."""
    return bool(_HELLO.match(fold(user_text(text))))


def after_greeting(text: Optional[str]) -> str:
    """What follows the greeting (« bonjour, healthline nous a été réduit ? » -> « healthline nous a été
    réduit ? »), folded; "" when the message is only a greeting."""
    s = fold(user_text(text))
    m = _HELLO.match(s)
    return s[m.end():].strip() if m else s


def is_goodbye(text: Optional[str]) -> bool:
    return bool(_BYE.search(fold(user_text(text))))


_PHONE = re.compile(r"(?:\+|00)\s*\d[\d .\-]{7,}\d|\b0\s*[1-9](?:[ .\-]?\d){6,9}\b")


def looks_like_phone(text: Optional[str]) -> bool:
    """« 06 12 34 56 78 », « +44 7700 900123 », even one digit short: a phone number, never an amount."""
    return bool(_PHONE.search(user_text(text)))


def phone_in(text: Optional[str]) -> Optional[str]:
    """The phone number written in a sentence (« pardon : 06 12 34 56 78 »), or None."""
    match = _PHONE.search(user_text(text))
    return match.group().strip() if match else None
