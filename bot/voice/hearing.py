"""What the caller said, made readable for the assistant.

Speech recognition gives text such as "euh S I N deux mille vingt et un, cent vingt-trois" or
"dix-huit mille quatre cents euros". :func:`normalise` turns it into what a person would have
typed ("SIN-2021-000123", "18400 euros") so that the same understanding (NLU, reference and
amount parsers, forms) works for the phone:

- hesitations ("euh", "heu", "hum", "bah") are dropped;
- numbers said in words become digits (:func:`numbers_in`): "deux mille vingt et un" -> 2021,
  "quatre-vingt-dix-huit" -> 98, "zéro six douze" -> 0 6 12 (a number starts again where French
  cannot go on: "douze trente-quatre" is 12 then 34); a lone "un"/"une" stays a word ("un conseiller");
- a reference said group by group ("S I N", "s.i.n.", "sinistre numéro" ... year, number) becomes
  ``SIN-YYYY-NNNNNN`` (the number padded to six digits);
- "le premier juin" becomes "le 1er juin".

The phone flow's own questions are read here too: a wish to hear again (:func:`wants_repeat`), the
rest of a long answer (:func:`wants_more`), a person ("0", "conseiller", "un humain":
:func:`wants_person`), yes / no (:func:`yes_no`), one of the spoken options (:func:`choose`), a
French phone number (:func:`phone_number`), digits of a code or SIREN (:func:`digits`).
No Rasa import.
"""
from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from rapidfuzz import fuzz, process

from bot.text import fold

HESITATIONS = ("euh", "heu", "euhm", "hum", "hmm", "mmh", "mh", "bah", "beh", "ben euh")
_HESITATION = re.compile(r"(?i)(?<![\w’'])(?:" + "|".join(HESITATIONS) + r")+(?![\w’'])[,.…]*\s*")

UNITS = {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
         "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
         "seize": 16}
TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        "septante": 70, "huitante": 80, "octante": 80, "nonante": 90}
HUNDRED = {"cent", "cents"}
SCALES = {"mille": 1000, "million": 10 ** 6, "millions": 10 ** 6, "milliard": 10 ** 9, "milliards": 10 ** 9}
NUMBER_WORDS = set(UNITS) | set(TENS) | HUNDRED | set(SCALES)
MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
          "novembre", "decembre")


# --- numbers in words -----------------------------------------------------------------------------

class _Number:
    """A number being read word by word; ``accepts`` says whether the next word can continue it."""

    def __init__(self) -> None:
        self.total = 0      # thousands, millions... already closed
        self.group = 0      # the current group below 1000
        self.last = ""      # kind of the last word: unit, teen, ten, et, hundred, scale, digits
        self.last_value = 0
        self.words = 0
        self.scale = 10 ** 12  # the smallest scale word used so far (mille < million < milliard)

    @property
    def value(self) -> int:
        return self.total + self.group

    def accepts(self, word: str) -> bool:
        if self.last == "digits":
            return False
        if word == "et":
            return self.last == "ten" and self.last_value in (20, 30, 40, 50, 60)
        if word in SCALES:
            return self.last != "scale" and self.group > 0 and SCALES[word] < self.scale
        if word in HUNDRED:
            return self.last in ("unit",) and self.group < 10 and self.last_value >= 2 or self.last == "scale"
        if word in TENS:
            if word.startswith("vingt") and self.last == "unit" and self.last_value == 4 and self.group % 100 == 4:
                return True  # quatre-vingt(s)
            return self.last in ("hundred", "scale")
        value = UNITS[word]
        if value == 0:
            return False
        if self.last == "et":
            return value in (1, 11)
        if self.last == "teen" and self.last_value == 10:
            return value in (7, 8, 9)  # dix-sept, soixante-dix-huit
        if self.last == "ten":
            tens = self.last_value
            if tens in (60, 80):
                return value < 20 and value != 0
            return value < 10
        return self.last in ("hundred", "scale")

    def add(self, word: str) -> None:
        self.words += 1
        if word == "et":
            self.last = "et"
            return
        if word in SCALES:
            self.total += max(self.group, 1) * SCALES[word]
            self.group = 0
            self.scale = SCALES[word]
            self.last, self.last_value = "scale", SCALES[word]
            return
        if word in HUNDRED:
            units = self.group % 100 if self.last == "unit" else 0
            self.group = self.group - units + max(units, 1) * 100
            self.last, self.last_value = "hundred", 100
            return
        if word in TENS:
            if word.startswith("vingt") and self.last == "unit" and self.last_value == 4:
                self.group += 80 - 4
                self.last, self.last_value = "ten", 80
                return
            self.group += TENS[word]
            self.last, self.last_value = "ten", TENS[word]
            return
        value = UNITS[word]
        self.group += value
        self.last, self.last_value = ("teen" if value >= 10 else "unit"), value


def _tokens(text: str) -> List[Tuple[str, str]]:
    """(original, folded) tokens: words, digit groups and punctuation; hyphens split number words."""
    out: List[Tuple[str, str]] = []
    for match in re.finditer(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?|[^\w\s]", text):
        token = match.group(0)
        out.append((token, fold(token)))
    return out


def numbers_in(text: str) -> List[int]:
    """Every number said in ``text`` (words or digits), in order: "zéro six douze" -> [0, 6, 12]."""
    return [int(v) for kind, v in _segments(text) if kind == "number"]


def _segments(text: str, articles: bool = True) -> List[Tuple[str, str]]:
    """The text cut into ("number", "2021") and ("text", "…") segments; digits keep their leading zeros."""
    segments: List[Tuple[str, str]] = []
    current: Optional[_Number] = None
    source: List[str] = []
    space = ""

    def close() -> None:
        nonlocal current, space
        if current is not None:
            if articles and current.words == 1 and fold(source[0]) in ("un", "une"):
                segments.append(("text", source[0]))  # an article: "un conseiller"
            elif current.last == "et":  # "vingt et" then something else: "et" was a word
                segments.append(("number", str(current.value)))
                segments.append(("text", " " + source[-1]))
            else:
                segments.append(("number", str(current.value)))
        current = None
        source.clear()
        if space:
            segments.append(("text", space))
            space = ""

    for part in re.split(r"(\s+|(?<=[^\W\d_])-(?=[^\W\d_]))", text):
        if not part:
            continue
        if part.isspace() or part == "-":
            if current is None:
                segments.append(("text", part))
            else:
                space += part if part != "-" else ""
                space = space or " "
            continue
        lead = re.match(r"^([^\w]*)(.*?)([^\w]*)$", part, re.S)
        before, core, after = lead.group(1), lead.group(2), lead.group(3)
        word = fold(core)
        if before:
            close()
            segments.append(("text", before))
        if re.fullmatch(r"\d+", core):
            close()
            segments.append(("number", core))
        elif word in NUMBER_WORDS or (word == "et" and current is not None):
            if current is not None and current.accepts(word):
                space = ""
                current.add(word)
                source.append(core)
            elif word == "et":
                close()
                segments.append(("text", core))
            elif word == "zero":
                close()
                segments.append(("number", "0"))
            else:
                close()
                current = _Number()
                if word in SCALES or word in HUNDRED:
                    current.group, current.last, current.last_value = 1, "unit", 1
                current.add(word)
                source.append(core)
        else:
            close()
            segments.append(("text", core))
        if after:
            close()
            segments.append(("text", after))
    close()
    return segments


def words_to_digits(text: str) -> str:
    """Numbers said in words written in digits; a lone "un"/"une" stays a word."""
    return re.sub(r"[ \t]+", " ", "".join(value for _kind, value in _segments(text))).strip()


# --- references, dates ----------------------------------------------------------------------------

_SIN_SAID = re.compile(r"(?i)(?<![\w])(?:s[\s.]*i[\s.]*n\b\.?|sinistre\s+(?:num[eé]ro|n°)?|dossier\s+(?:num[eé]ro|n°)?)"
                       r"[\s,.:-]*((?:\d+[\s,.-]*){1,4})")


def _reference(match: "re.Match[str]") -> str:
    digits_groups = [g for g in re.split(r"[\s,.-]+", match.group(1)) if g]
    joined = "".join(digits_groups)
    year, rest = None, None
    if digits_groups and len(digits_groups[0]) == 4 and 1990 <= int(digits_groups[0]) <= 2099:
        year, rest = digits_groups[0], "".join(digits_groups[1:])
    elif len(joined) >= 5 and 1990 <= int(joined[:4]) <= 2099:
        year, rest = joined[:4], joined[4:]
    if year is None or not rest or len(rest) > 6:
        return match.group(0)
    trailing = " " if match.group(0).endswith((" ", ",")) else ""
    return f"SIN-{year}-{rest.zfill(6)}{trailing}"


def normalise(text: str) -> str:
    """The caller's words as a person would have typed them (see the module docstring)."""
    if not isinstance(text, str):
        return ""
    text = _HESITATION.sub("", text.replace("\u2019", "’")).strip()
    text = re.sub(r"(?i)\ble premier ((?:" + "|".join(MONTHS) + r"|février|août|décembre)\b)", r"le 1er \1", text)
    text = words_to_digits(text)
    text = _SIN_SAID.sub(_reference, text)
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    return text


# --- the phone flow's own questions ---------------------------------------------------------------

_REPEAT = re.compile(r"\b(repete[rz]?|repeter|redi(?:tes|re)|rediriez|encore une fois|pas (?:bien )?(?:compris|entendu)|"
                     r"j ai pas compris)\b")
# alone, these ask to hear again ("pardon ?", "comment ?"); in a sentence they are ordinary words ("c'est quoi...")
_REPEAT_ALONE = re.compile(r"^(?:euh )?(pardon|comment|quoi|hein|pardon quoi|comment ca|vous dites)$")
_MORE = re.compile(r"\b(la suite|suite|continue[rz]?|et apres|allez y|poursuive[rz]?)\b")
_PERSON = re.compile(r"\b(conseiller|conseillere|humain|une personne|quelqu un|un agent|gestionnaire|operat(?:eur|rice)|"
                     r"standard|vraie personne)\b")
_YES = re.compile(r"^(oui|ouais|c est ca|c est bien ca|exact|exactement|tout a fait|d accord|ok|okay|voila|"
                  r"c est exact|c est correct|absolument|bien sur|oui c est ca|oui c est bien ca|oui merci|"
                  r"c est bon|correct|parfait)\b")
_NO = re.compile(r"^(non|pas du tout|c est faux|ce n est pas ca|c est pas ca|negatif|non merci|faux|erreur)\b")


def _short_folded(text: str, max_words: int = 8) -> Optional[str]:
    words = re.sub(r"[^a-z0-9+ ]", " ", fold(text or "")).split()
    if not words or len(words) > max_words:
        return None
    return " ".join(words)


def wants_repeat(text: str) -> bool:
    said = _short_folded(text, 7)
    return bool(said and (_REPEAT.search(said) or _REPEAT_ALONE.match(said)))


def wants_more(text: str) -> bool:
    said = _short_folded(text, 5)
    return bool(said and _MORE.search(said))


def wants_person(text: str) -> bool:
    """"0" (keypad or said), or a short sentence asking for a person."""
    said = _short_folded(text, 10)
    if said is None:
        return False
    if said in ("0", "zero", "le zero", "taper zero", "je tape zero"):
        return True
    return bool(_PERSON.search(said))


def yes_no(text: str) -> Optional[bool]:
    said = _short_folded(text, 8)
    if said is None:
        return None
    if _NO.match(said):
        return False
    if _YES.match(said):
        return True
    return None


def choose(text: str, options: Sequence[str]) -> Optional[int]:
    """The index of the option the caller said: its number ("deux", "le deuxième", keypad 2) or its words."""
    if not options:
        return None
    said = _short_folded(normalise(text), 12)
    if said is None:
        return None
    ordinals = {"premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3,
                "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "dernier": len(options), "derniere": len(options)}
    words = said.split()
    numbers = [int(w) for w in words if w.isdigit()]
    if len(words) <= 3 and len(numbers) == 1 and 1 <= numbers[0] <= len(options):
        return numbers[0] - 1
    for word in words:
        if word in ordinals and len(words) <= 4 and ordinals[word] <= len(options):
            return ordinals[word] - 1
    folded = [" ".join(re.sub(r"[^a-z0-9 ]", " ", fold(o)).split()) for o in options]
    for i, option in enumerate(folded):
        if option and (said == option or f" {option} " in f" {said} "):
            return i
    # a distinctive word of one option alone ("conseiller" for "parler à un conseiller")
    inside = [i for i, option in enumerate(folded) if len(said) > 3 and f" {said} " in f" {option} "]
    if len(inside) == 1:
        return inside[0]
    # the closest option as a whole, when close enough (a word misheard: "conseillé", "le garage martine")
    best = process.extractOne(said, folded, scorer=fuzz.ratio, score_cutoff=75)
    return best[2] if best else None


def digits(text: str) -> str:
    """Every digit said or typed, in order ("zéro six, douze" -> "0612")."""
    return "".join(value for kind, value in _segments(text or "", articles=False) if kind == "number")


def phone_number(text: str) -> Optional[str]:
    """A French phone number said in words or digits, as ten digits ("0612345678"), else None."""
    said = digits(text)
    if said.startswith("33") and len(said) == 11:
        said = "0" + said[2:]
    if re.fullmatch(r"0[1-79]\d{8}", said):
        return said
    return None
