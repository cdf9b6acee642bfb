"""What the assistant says on the phone, built from the same replies as the page and SMS.

The wording layer (:mod:`bot.wording`, ``domain.yml``) writes for the eye: Babel amounts
("18 400 €"), percentages, dates, claim references, buttons, a little markdown. A voice would
read "€" or "SIN-2021-000123" badly and cannot show a button. :func:`render` turns the messages of
one turn (text + buttons, as the channel receives them) into :class:`Speech`:

- every figure in words with num2words (French): ``18 400 €`` -> "dix-huit mille quatre cents
  euros", ``90 %`` -> "quatre-vingt-dix pour cent", ``10 juin 2021`` -> "dix juin deux mille vingt
  et un", ``1er mars`` -> "premier mars", ``14 h 30`` -> "quatorze heures trente";
- a claim reference group by group ("S I N, deux mille vingt et un, cent vingt-trois": the way a
  person says it, which :mod:`bot.voice.hearing` reads back), a phone number pair by pair;
- no markdown, no symbol a voice reads out ("€", "%", "«", "*", "+", "&", "/"), links replaced;
- short chunks: at most :data:`MAX_CHUNK_WORDS` words, cut at a sentence or a comma, each message
  of the turn starting a new one; the channel puts an SSML pause between chunks (and the caller can
  speak over any of them);
- buttons become spoken options: "Vous pouvez dire : mes dossiers, ou : parler à un conseiller."
  (numbered when there are more than :data:`MAX_NAMED_OPTIONS`; the keypad works too), kept
  with their payloads so that the caller's answer can be matched back (:func:`bot.voice.hearing.choose`).

num2words (a kept library) says the numbers; what is left here is finding the figures in French
text, which no library does for Babel's output. No Rasa import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from num2words import num2words

MAX_CHUNK_WORDS = 25
MAX_NAMED_OPTIONS = 3
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_SEP = "[\u202f\u00a0 ]"  # a thousands separator in Babel's output (narrow no-break space), or a space
_NUM = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"
_MONTHS_RE = "|".join(MONTHS)

# Babel's short forms (callback slot titles: "lun. 7 déc., 9 h")
DAYS = {"lun": "lundi", "mar": "mardi", "mer": "mercredi", "jeu": "jeudi", "ven": "vendredi", "sam": "samedi",
        "dim": "dimanche"}
MONTH_ABBREVIATIONS = {"janv": "janvier", "févr": "février", "avr": "avril", "juil": "juillet", "sept": "septembre",
                       "oct": "octobre", "nov": "novembre", "déc": "décembre"}
_DAY_ABBR = re.compile(r"\b(lun|mar|mer|jeu|ven|sam|dim)\.\s*(?=\d)", re.IGNORECASE)
_MONTH_ABBR = re.compile(r"(\d[ \u00a0\u202f])(janv|févr|avr|juil|sept|oct|nov|déc)\.", re.IGNORECASE)

# letters said one by one; names said as words
ACRONYMS = {"DMS": "D M S", "CCR": "C C R", "SIN": "S I N", "BODACC": "Bodacc", "SIREN": "Siren", "SIRET": "Siret",
            "TPE": "T P E", "PME": "P M E", "ETI": "E T I", "SMS": "S M S", "URL": "adresse", "BCE": "B C E",
            "TVA": "T V A", "IBAN": "I BAN", "EUR": "euros", "USD": "dollars", "N°": "numéro", "n°": "numéro"}


@dataclass(frozen=True)
class Option:
    """A choice the caller can say: the words spoken, and what is sent to the assistant when chosen."""

    title: str
    payload: str


@dataclass(frozen=True)
class Speech:
    chunks: Tuple[str, ...]
    options: Tuple[Option, ...] = field(default=())

    @property
    def text(self) -> str:
        return " ".join(self.chunks)

    @property
    def words(self) -> int:
        return sum(len(c.split()) for c in self.chunks)


# --- numbers ------------------------------------------------------------------------------------

def _decimal(text: str) -> Optional[Decimal]:
    try:
        return Decimal(re.sub(_SEP, "", text).replace(",", "."))
    except InvalidOperation:
        return None


def say_number(value: Any) -> str:
    """``18400`` -> "dix-huit mille quatre cents"; ``2.5`` -> "deux virgule cinq"."""
    number = value if isinstance(value, Decimal) else _decimal(str(value))
    if number is None:
        return str(value)
    if number == number.to_integral_value():
        return num2words(int(number), lang="fr")
    whole, _, frac = format(number.normalize(), "f").partition(".")
    # "zéro cinq" for ",05": each leading zero said, then the rest as a number
    zeros = len(frac) - len(frac.lstrip("0"))
    rest = frac.lstrip("0")
    tail = " ".join(["zéro"] * zeros + ([num2words(int(rest), lang="fr")] if rest else []))
    return f"{num2words(int(whole), lang='fr')} virgule {tail}"


def say_amount(value: Decimal, currency: str = "euros") -> str:
    """An amount in words: "dix-huit mille quatre cents euros", "un million d’euros", "cinq euros et dix centimes"."""
    euros = int(value)
    cents = int(((value - euros) * 100).to_integral_value())
    if euros == 0 and cents:
        return f"{num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}"
    unit = currency if euros > 1 or currency != "euros" else "euro"
    words = num2words(euros, lang="fr")
    if euros and euros % 1_000_000 == 0:
        unit = "d’euros" if currency == "euros" else f"de {currency}"
    text = f"{words} {unit}"
    if cents:
        text += f" et {num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}"
    return text


def say_digits(digits: str, *, pairs: bool = False) -> str:
    """Digit by digit ("zéro, six, un, deux"), or pair by pair for a French phone number."""
    only = re.sub(r"\D", "", digits)
    if pairs and len(only) == 10:
        groups = [only[i:i + 2] for i in range(0, 10, 2)]
        return ", ".join(("zéro " + num2words(int(g[1]), lang="fr")) if g[0] == "0" else num2words(int(g), lang="fr")
                         for g in groups)
    return ", ".join(num2words(int(d), lang="fr") for d in only)


def say_reference(ref: str) -> str:
    """``SIN-2021-000123`` -> "S I N, deux mille vingt et un, cent vingt-trois" (how people say it)."""
    match = re.fullmatch(r"SIN-(\d{4})-(\d{6})", ref.strip())
    if not match:
        return ref
    number = int(match.group(2))
    return f"S I N, {num2words(int(match.group(1)), lang='fr')}, {num2words(number, lang='fr')}"


def _ordinal(number: int, feminine: bool = False) -> str:
    if number == 1:
        return "première" if feminine else "premier"
    return num2words(number, lang="fr", to="ordinal")


# --- text ---------------------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|/)[^)\s]*\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_REF = re.compile(r"\bSIN-\d{4}-\d{6}\b")
# other references of the wording ("REL-2026-T3", a fee statement): letters spelled, groups said
_CODE = re.compile(r"\b([A-Z]{2,5})-(\d{4})-([A-Z]?)(\d{1,6})\b")
_SHORT_CODE = re.compile(r"\b([A-Z]{2,5})-(\d{1,6})\b")  # "DEM-12", a handoff ticket
_LETTER_DIGITS = re.compile(r"\b([A-Z])(\d{1,3})\b")
_PHONE = re.compile(r"(?<![\d+])(?:\+33[ \u00a0\u202f]?|0)[1-9](?:[ .\u00a0\u202f]?\d{2}){4}(?!\d)")
_DATE = re.compile(rf"\b(1er|[1-9]|[12]\d|3[01])[ \u00a0\u202f]({_MONTHS_RE})(?:[ \u00a0\u202f](\d{{4}}))?\b",
                   re.IGNORECASE)
_BIG_MONEY = re.compile(rf"({_NUM})[ \u00a0\u202f](milliards?|millions?) d[’']euros")
_MONEY = re.compile(rf"({_NUM})[ \u00a0\u202f]?(€|euros?\b|EUR\b|USD\b|\$)")
_PERCENT = re.compile(rf"({_NUM})[ \u00a0\u202f]?%")
_TIME = re.compile(r"\b([01]?\d|2[0-3])(?:[ \u00a0\u202f]?h(?:[ \u00a0\u202f]?([0-5]\d))?\b|:([0-5]\d)\b)")
_ORDINAL = re.compile(r"\b(\d+)(er|re|ère|e|ème|eme)\b")
_RANGE = re.compile(rf"({_NUM})[ \u00a0\u202f]?[/–-][ \u00a0\u202f]?({_NUM})")
_NUMBER = re.compile(rf"(?<![\w,])({_NUM})(?![\w])")
_ACRONYM = re.compile(r"(?<![\w])(" + "|".join(re.escape(k) for k in sorted(ACRONYMS, key=len, reverse=True))
                      + r")(?![\w])")


def _money(match: "re.Match[str]") -> str:
    value = _decimal(match.group(1))
    if value is None:
        return match.group(0)
    currency = "dollars" if match.group(2) in ("USD", "$") else "euros"
    return say_amount(value, currency)


def _big_money(match: "re.Match[str]") -> str:
    value = _decimal(match.group(1))
    if value is None:
        return match.group(0)
    size = 10 ** 9 if match.group(2).startswith("milliard") else 10 ** 6
    return say_amount(value * size)


def _date(match: "re.Match[str]") -> str:
    day = 1 if match.group(1).lower() == "1er" else int(match.group(1))
    text = f"{'premier' if day == 1 else num2words(day, lang='fr')} {match.group(2).lower()}"
    if match.group(3):
        text += " " + num2words(int(match.group(3)), lang="fr")
    return text


def _time(match: "re.Match[str]") -> str:
    hours = int(match.group(1))
    text = f"{num2words(hours, lang='fr')} heure{'s' if hours > 1 else ''}"
    minutes = match.group(2) or match.group(3)
    if minutes and int(minutes):
        text += " " + num2words(int(minutes), lang="fr")
    return text


def _plain_markup(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("notre site internet", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?<![\w*])\*(\S[^*\n]*?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?m)^\s*(?:[-*•]|\d+[.)])\s+", "", text)
    text = text.replace("`", "").replace("#", "")
    return text


def spoken(text: str) -> str:
    """One text said in French: figures in words, no symbol a voice would read out, no markup."""
    text = _plain_markup(text or "")
    text = _REF.sub(lambda m: say_reference(m.group(0)), text)
    text = _CODE.sub(lambda m: f"{' '.join(m.group(1))}, {num2words(int(m.group(2)), lang='fr')}, "
                     f"{(m.group(3) + ' ') if m.group(3) else ''}{num2words(int(m.group(4)), lang='fr')}", text)
    text = _SHORT_CODE.sub(lambda m: f"{' '.join(m.group(1))}, {num2words(int(m.group(2)), lang='fr')}", text)
    text = _LETTER_DIGITS.sub(lambda m: f"{m.group(1)} {num2words(int(m.group(2)), lang='fr')}", text)
    text = _PHONE.sub(lambda m: say_digits(m.group(0).replace("+33", "0").replace(" ", ""), pairs=True), text)
    text = _DAY_ABBR.sub(lambda m: DAYS[m.group(1).lower()] + " ", text)
    text = _MONTH_ABBR.sub(lambda m: m.group(1) + MONTH_ABBREVIATIONS[m.group(2).lower()], text)
    text = _DATE.sub(_date, text)
    text = _BIG_MONEY.sub(_big_money, text)
    text = _MONEY.sub(_money, text)
    text = _PERCENT.sub(lambda m: f"{say_number(_decimal(m.group(1)))} pour cent", text)
    text = _TIME.sub(_time, text)
    text = _ORDINAL.sub(lambda m: _ordinal(int(m.group(1)), m.group(2) in ("re", "ère")), text)
    text = _RANGE.sub(lambda m: f"{say_number(_decimal(m.group(1)))} sur {say_number(_decimal(m.group(2)))}"
                      if "/" in m.group(0) else f"{say_number(_decimal(m.group(1)))} à {say_number(_decimal(m.group(2)))}",
                      text)
    text = _NUMBER.sub(lambda m: say_number(_decimal(m.group(1))), text)
    text = _ACRONYM.sub(lambda m: ACRONYMS[m.group(1)], text)
    text = re.sub(r"(?i)\b(cap)\s?\+", r"\1 plus", text)
    text = text.replace("&", " et ").replace("€", " euros").replace("%", " pour cent").replace("+", " plus ")
    text = text.replace("/", " ou ").replace("«", "").replace("»", "").replace("“", "").replace("”", "")
    text = re.sub(r"\s*[–—]\s*", ", ", text)
    text = re.sub(r"[()\[\]{}<>|_~^=\\]", " ", text)
    text = re.sub(r"[\u00a0\u202f\u2009\s]+", " ", text)
    text = re.sub(r"\s+([,.;:!?…])", r"\1", text)
    text = re.sub(r"\n", " ", text)
    return text.strip()


# --- turns --------------------------------------------------------------------------------------

def _sentences(text: str) -> List[str]:
    parts: List[str] = []
    for paragraph in re.split(r"\n+", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if not re.search(r"[.!?…:;]$", paragraph):
            paragraph += "."
        parts += [s for s in re.split(r"(?<=[.!?…])\s+", paragraph) if s.strip()]
    return parts


def _split_long(sentence: str, limit: int) -> List[str]:
    words = sentence.split()
    if len(words) <= limit:
        return [sentence]
    # cut after a comma or a colon near the middle, else at the limit
    best, best_gap = None, len(words)
    for i, word in enumerate(words[:-1], 1):
        if word.endswith((",", ":", ";")) and 4 <= i <= limit:
            gap = abs(i - len(words) / 2)
            if gap < best_gap:
                best, best_gap = i, gap
    cut = best or limit
    return [" ".join(words[:cut])] + _split_long(" ".join(words[cut:]), limit)


def chunk(sentences: Iterable[str], limit: int = MAX_CHUNK_WORDS) -> List[str]:
    """Sentences packed into chunks of at most ``limit`` words (a long sentence is cut at a comma)."""
    chunks: List[str] = []
    current: List[str] = []
    count = 0
    for sentence in sentences:
        for piece in _split_long(sentence, limit):
            n = len(piece.split())
            if current and count + n > limit:
                chunks.append(" ".join(current))
                current, count = [], 0
            current.append(piece)
            count += n
    if current:
        chunks.append(" ".join(current))
    return chunks


def options_prompt(options: Sequence[Option]) -> str:
    """The spoken form of buttons: named when there are few, numbered (keypad too) otherwise."""
    if not options:
        return ""
    if len(options) == 1:
        return f"Vous pouvez dire : {options[0].title}."
    if len(options) <= MAX_NAMED_OPTIONS:
        names = [o.title for o in options]
        return "Vous pouvez dire : " + ", ".join(names[:-1]) + f", ou : {names[-1]}."
    lines = [f"{num2words(i, lang='fr')} : {o.title}" for i, o in enumerate(options, 1)]
    return "Dites le numéro de votre choix, ou tapez-le. " + ". ".join(lines) + "."


def _option_title(title: str) -> str:
    text = spoken(title).rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def phone_wording(text: str) -> str:
    """The common wording's few words about the page or typing, said the phone's way
    (:data:`bot.wording.voice.PHONE_REWORDING`)."""
    from bot.wording.voice import PHONE_REWORDING

    for pattern, replacement in PHONE_REWORDING:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"(^|[.!?]\s+)([a-zé])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text


def render(messages: Iterable[Mapping[str, Any]], limit: int = MAX_CHUNK_WORDS) -> Speech:
    """The speech of one turn: every message's text, then the options of its buttons."""
    chunks: List[str] = []
    options: List[Option] = []
    for message in messages:  # one message (a bubble on the page) starts a new chunk: a pause before it
        text = message.get("text") or ""
        if text.strip():
            chunks += chunk(_sentences(spoken(phone_wording(text))), limit)
        for button in message.get("buttons") or message.get("quick_replies") or []:
            title = _option_title(str(button.get("title") or ""))
            payload = str(button.get("payload") or button.get("title") or "")
            if title and payload and all(o.title.lower() != title.lower() for o in options):
                options.append(Option(title, payload))
    if options:
        chunks += chunk(_sentences(options_prompt(options)), limit)
    return Speech(tuple(chunks), tuple(options))


def render_text(text: str, limit: int = MAX_CHUNK_WORDS) -> Speech:
    """The speech of a sentence the channel says itself (prompts of the phone flow)."""
    return render([{"text": text}], limit)
