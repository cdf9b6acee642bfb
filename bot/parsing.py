"""Parse what people type: amounts, dates, scheme names and countries (French first).

Pure functions, no I/O, no Rasa. They return ``None`` when the text holds nothing usable;
they never guess a figure that is not in the text.

Amounts (:func:`parse_amount`)
    "45 000 €", "45 000€", "12 300 euros", "80k€", "80 k€", "80K", "1,5 M€", "1.5M", "200 000",
    "€ 5000", "12.300,50 €", "deux cent mille euros", "douze mille trois cents", "1,2 million d'euros".
    Separators: spaces (also no-break and thin spaces) group thousands. When both "." and "," appear,
    the last one is the decimal mark. A lone "." or "," followed by exactly three digits groups
    thousands ("12.300" = 12 300); otherwise it is the decimal mark ("1,5" = 1.5).
    Dates, percentages and durations ("15/03", "90 %", "30 jours", "il y a 2 semaines") are not
    amounts. If several amounts appear, the first one marked as money (€, euros, k, M…) wins, then
    the first bare number. The sign is ignored (amounts are magnitudes).

Dates (:func:`parse_date`)
    "15/03/2026", "15-03-26", "15/03", "15 mars", "le 3 mars 2026", "1er mars", "2026-03-15",
    "hier", "avant-hier", "aujourd'hui", "demain", "il y a 2 semaines", "il y a un mois", "dans 10 jours".
    **Year rule** when the year is missing: the current year of ``today`` is used, unless that puts the
    date more than 183 days after ``today``, in which case the previous year is used. A missing year
    is never guessed as next year. Two-digit years are 20xx. Impossible dates ("31/02") give None.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Dict, List, Optional, Tuple

from bot.text import fold as _fold_text

__all__ = ["parse_amount", "parse_date", "normalise_scheme", "normalise_country", "COUNTRIES",
           "SCHEME_NAMES"]


def _fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes and spaces made plain."""
    text = text.replace("\u02bc", "'")
    text = re.sub(r"[\u00a0\u202f\u2009\u2007]", " ", text)
    return _fold_text(text)


# ================================================================================================
# Amounts

_SP = r"[ \u00a0\u202f\u2009\u2007]"
_NUM = (r"(?<![\d.,])(?P<num>\d{1,3}(?:" + _SP + r"\d{3})+(?:[.,]\d{1,2})?"   # 45 000 / 12 300,50
        r"|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"                                      # 12.300,50
        r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"                                      # 12,300.50
        r"|\d+(?:[.,]\d+)?)(?![\d])")                                             # 5000 / 1,5 / 1.5
_MULT = (r"(?P<mult>milliards?|mds?(?![a-z])|millions?|mille|k(?![a-z])|m(?![a-z]))")
_CUR = r"(?:€|euros?\b|eur\b)"
_AMOUNT_RE = re.compile(
    r"(?P<pre>" + _CUR + _SP + r"?)?" + _NUM + r"(?:" + _SP + r"?" + _MULT + r")?"
    r"(?P<post>" + _SP + r"?(?:d')?" + _CUR + r")?",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1000, "mille": 1000, "m": 10**6, "million": 10**6, "millions": 10**6,
                "md": 10**9, "mds": 10**9, "milliard": 10**9, "milliards": 10**9}

# things that look like numbers but are not amounts
_NOT_AMOUNT = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[/-]\d{1,2}(?:[/.-]\d{2,4})?\b"),
    re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"),
    re.compile(r"\b\d{1,2}(?:er)?\s+(?:janv\w*|fevr?\w*|mars|avr\w*|mai|juin|juil\w*|aout|sept\w*|oct\w*|nov\w*|dec\w*)"
               r"(?:\s+\d{4})?", re.IGNORECASE),
    re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|pour\s*cent|pourcents?)", re.IGNORECASE),
    re.compile(r"\b\d+\s*(?:jours?|j\b|semaines?|mois|ans?\b|annees?|heures?|h\b|minutes?|min\b)", re.IGNORECASE),
    re.compile(r"\b(?:19|20)\d{2}\b(?!\s*(?:€|eur|k\b))", re.IGNORECASE),  # a bare year
]


def _to_decimal(num: str) -> Optional[Decimal]:
    s = re.sub(_SP, "", num)
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        grp = "," if dec == "." else "."
        s = s.replace(grp, "").replace(dec, ".")
    elif "," in s or "." in s:
        mark = "," if "," in s else "."
        parts = s.split(mark)
        if len(parts) > 2 or (len(parts[1]) == 3 and 1 <= len(parts[0]) <= 3):
            s = "".join(parts)  # thousands grouping
        else:
            s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _normalise(value: Decimal) -> Decimal:
    value = value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value.to_integral_value()
    return value


# --- French number words -------------------------------------------------------------------------
_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}
_SCALES = {"mille": 1000, "million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9}
_NUMBER_WORDS = set(_UNITS) | set(_SCALES) | {"cent", "cents", "et"}


def _words_value(words: List[str]) -> Optional[int]:
    total, current, prev = 0, 0, None
    seen = False
    for w in words:
        if w == "et":
            continue
        seen = True
        if w in ("vingt", "vingts") and prev == "quatre":
            current += 80 - 4
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in ("cent", "cents"):
            current = (current or 1) * 100
        elif w in _SCALES:
            scale = _SCALES[w]
            if scale == 1000:
                total += (current or 1) * 1000
            else:
                total = (total + (current or 1)) * scale if total and total < scale else total + (current or 1) * scale
            current = 0
        prev = w
    return total + current if seen else None


_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _word_amounts(folded: str) -> List[Tuple[int, Decimal, bool, bool]]:
    """(position, value, money-marked, strong) for each run of French number words."""
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[a-z]+|€", folded.replace("-", " "))]
    runs: List[Tuple[int, Decimal, bool, bool]] = []
    i = 0
    while i < len(tokens):
        if tokens[i][2] in _NUMBER_WORDS and tokens[i][2] != "et":
            j = i
            words = []
            while j < len(tokens) and tokens[j][2] in _NUMBER_WORDS:
                words.append(tokens[j][2])
                j += 1
            while words and words[-1] == "et":
                words.pop()
            value = _words_value(words)
            nxt = tokens[j][2] if j < len(tokens) else ""
            nxt2 = tokens[j + 1][2] if j + 1 < len(tokens) else ""
            money = nxt in ("euro", "euros", "eur", "€") or (nxt == "d" and nxt2 in ("euro", "euros"))
            strong = len(words) >= 2 or any(w in ("cent", "cents", "mille") or w in _SCALES for w in words)
            if value is not None:
                runs.append((tokens[i][0], Decimal(value), money, strong))
            i = j
        else:
            i += 1
    return runs


def parse_amount(text: Optional[str]) -> Optional[Decimal]:
    """An amount of money found in ``text`` as a Decimal (euros or the currency written), or None."""
    if not text or not isinstance(text, str):
        return None
    folded = _fold(text)
    masked = folded
    for pattern in _NOT_AMOUNT:
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    candidates: List[Tuple[int, int, Decimal]] = []  # (rank, position, value); lower rank wins
    for m in _AMOUNT_RE.finditer(masked):
        value = _to_decimal(m.group("num"))
        if value is None:
            continue
        mult = (m.group("mult") or "").lower()
        if mult:
            value *= _MULTIPLIERS.get(mult, 1)
        money = bool(mult or m.group("pre") or m.group("post"))
        candidates.append((0 if money else 2, m.start(), value))
    for pos, value, money, strong in _word_amounts(masked):
        if money:
            candidates.append((1, pos, value))
        elif strong:
            candidates.append((3, pos, value))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    return _normalise(candidates[0][2])


# ================================================================================================
# Dates

MONTHS: Dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBERS_SMALL = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
                  "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
                  "trente": 30, "quelques": None}
FUTURE_TOLERANCE_DAYS = 183

_ISO_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_RE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/]|[.-]\d)")
_WORDY_RE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + _MONTH_ALT + r")\.?(?:\s+(\d{4}))?\b")
_RELATIVE_RE = re.compile(r"\b(il y a|dans)\s+(\d+|[a-z]+)\s+(jours?|semaines?|mois|ans?|annees?)\b")


def _safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        result = _safe_date(year, month, d)
        if result:
            return result
    raise ValueError("unreachable")


def _year_for(day: int, month: int, today: date) -> Optional[date]:
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        if month == 2 and day == 29:  # 29/02 without a year: the latest leap year not in the future
            year = today.year - 1
            while _safe_date(year, 2, 29) is None:
                year -= 1
            return date(year, 2, 29)
        return None
    if (candidate - today).days > FUTURE_TOLERANCE_DAYS:
        return _safe_date(today.year - 1, month, day)
    return candidate


def _full_year(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_date(text: Optional[str], today: Optional[date] = None) -> Optional[date]:
    """A calendar date found in ``text`` (French), relative to ``today``; None when there is none."""
    if not text or not isinstance(text, str):
        return None
    today = today or date.today()
    s = _fold(text)

    m = _ISO_RE.search(s)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC_RE.search(s)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), _full_year(m.group(3))
        if not 1 <= month <= 12:
            return None
        return _safe_date(year, month, day) if year else _year_for(day, month, today)
    m = _WORDY_RE.search(s)
    if m:
        day, month, year = int(m.group(1)), MONTHS[m.group(2)], _full_year(m.group(3))
        return _safe_date(year, month, day) if year else _year_for(day, month, today)
    if re.search(r"\bavant[ -]hier\b", s):
        return today - timedelta(days=2)
    if re.search(r"\bapres[ -]demain\b", s):
        return today + timedelta(days=2)
    if re.search(r"\bhier\b", s):
        return today - timedelta(days=1)
    if re.search(r"\baujourd'? ?hui\b|\bce jour\b", s):
        return today
    if re.search(r"\bdemain\b", s):
        return today + timedelta(days=1)
    m = _RELATIVE_RE.search(s)
    if m:
        qty_text = m.group(2)
        qty = int(qty_text) if qty_text.isdigit() else _NUMBERS_SMALL.get(qty_text)
        if qty is None:
            return None
        sign = -1 if m.group(1) == "il y a" else 1
        unit = m.group(3)
        if unit.startswith("jour"):
            return today + timedelta(days=sign * qty)
        if unit.startswith("semaine"):
            return today + timedelta(weeks=sign * qty)
        if unit == "mois":
            return _add_months(today, sign * qty)
        return _add_months(today, sign * 12 * qty)
    return None


# ================================================================================================
# Scheme names

SCHEME_NAMES = ("CAP", "CAP+", "CAP Francexport", "CAP+ Francexport", "Cap Relais")
_SCHEME_RE = re.compile(
    r"(?<![a-z])cap(?:\s*[-_.]?\s*(?P<plus1>\+|plus(?![a-z])))?"
    r"(?:\s*[-_.]?\s*(?P<kind>france\s*[-_]?\s*x?export|francexport|franceexport|export|relais))?"
    r"(?:\s*(?P<plus2>\+|plus(?![a-z])))?(?![a-z])"
)


def normalise_scheme(text: Optional[str]) -> Optional[str]:
    """Map a free-text scheme name to one of :data:`SCHEME_NAMES`, or None."""
    if not text or not isinstance(text, str):
        return None
    s = _fold(text)
    m = _SCHEME_RE.search(s)
    if m:
        plus = bool(m.group("plus1") or m.group("plus2"))
        kind = (m.group("kind") or "").replace(" ", "")
        if kind == "relais":
            return "Cap Relais"
        if kind:
            return "CAP+ Francexport" if plus else "CAP Francexport"
        return "CAP+" if plus else "CAP"
    m = re.search(r"(?<![a-z])franc(?:e\s*-?\s*)?export(?P<plus>\s*(?:\+|plus(?![a-z])))?", s)
    if m:
        return "CAP+ Francexport" if m.group("plus") else "CAP Francexport"
    if re.search(r"complement d'?\s*assurance[ -]credit public", s):
        return "CAP"
    return None


# ================================================================================================
# Countries: ISO2 -> (names, adjectives and aliases), folded (lower case, no accents)

COUNTRIES: Dict[str, Tuple[str, ...]] = {
    "FR": ("france", "francais", "francaise", "francaises", "hexagone", "metropole"),
    "DE": ("allemagne", "allemand", "allemande", "allemands", "allemandes", "rfa"),
    "BE": ("belgique", "belge", "belges"),
    "NL": ("pays-bas", "pays bas", "hollande", "neerlandais", "neerlandaise", "neerlandaises", "hollandais",
           "hollandaise"),
    "LU": ("luxembourg", "luxembourgeois", "luxembourgeoise"),
    "IT": ("italie", "italien", "italienne", "italiens", "italiennes"),
    "ES": ("espagne", "espagnol", "espagnole", "espagnols", "espagnoles"),
    "PT": ("portugal", "portugais", "portugaise", "portugaises"),
    "IE": ("irlande", "irlandais", "irlandaise", "irlandaises"),
    "AT": ("autriche", "autrichien", "autrichienne", "autrichiens", "autrichiennes"),
    "CH": ("suisse", "suisses", "helvetique", "helvetiques"),
    "GB": ("royaume-uni", "royaume uni", "angleterre", "grande-bretagne", "grande bretagne", "uk",
           "britannique", "britanniques", "anglais", "anglaise", "anglaises", "ecosse", "pays de galles"),
    "US": ("etats-unis", "etats unis", "etats-unis d'amerique", "usa", "us", "amerique", "americain",
           "americaine", "americains", "americaines", "etats unis d'amerique"),
    "CA": ("canada", "canadien", "canadienne", "canadiens", "canadiennes", "quebec", "quebecois", "quebecoise"),
    "MX": ("mexique", "mexicain", "mexicaine", "mexicains", "mexicaines"),
    "BR": ("bresil", "bresilien", "bresilienne", "bresiliens", "bresiliennes"),
    "AR": ("argentine", "argentin", "argentins", "argentines"),
    "CL": ("chili", "chilien", "chilienne", "chiliens", "chiliennes"),
    "CO": ("colombie", "colombien", "colombienne", "colombiens", "colombiennes"),
    "PE": ("perou", "peruvien", "peruvienne", "peruviens", "peruviennes"),
    "CN": ("chine", "chinois", "chinoise", "chinoises", "rpc"),
    "HK": ("hong kong", "hong-kong", "hongkongais"),
    "TW": ("taiwan", "taiwanais", "taiwanaise"),
    "JP": ("japon", "japonais", "japonaise", "japonaises"),
    "KR": ("coree du sud", "coree", "sud-coreen", "sud-coreenne", "coreen", "coreenne"),
    "IN": ("inde", "indien", "indienne", "indiens", "indiennes"),
    "ID": ("indonesie", "indonesien", "indonesienne"),
    "VN": ("vietnam", "viet nam", "vietnamien", "vietnamienne"),
    "TH": ("thailande", "thailandais", "thailandaise"),
    "MY": ("malaisie", "malaisien", "malaisienne", "malais"),
    "SG": ("singapour", "singapourien", "singapourienne"),
    "PH": ("philippines", "philippin", "philippine", "philippins"),
    "AU": ("australie", "australien", "australienne", "australiens", "australiennes"),
    "NZ": ("nouvelle-zelande", "nouvelle zelande", "neo-zelandais", "neo-zelandaise", "neozelandais"),
    "PL": ("pologne", "polonais", "polonaise", "polonaises"),
    "CZ": ("republique tcheque", "tchequie", "tcheque", "tcheques"),
    "SK": ("slovaquie", "slovaque", "slovaques"),
    "HU": ("hongrie", "hongrois", "hongroise", "hongroises"),
    "RO": ("roumanie", "roumain", "roumaine", "roumains", "roumaines"),
    "BG": ("bulgarie", "bulgare", "bulgares"),
    "GR": ("grece", "grec", "grecque", "grecs", "grecques"),
    "HR": ("croatie", "croate", "croates"),
    "SI": ("slovenie", "slovene", "slovenes"),
    "SE": ("suede", "suedois", "suedoise", "suedoises"),
    "NO": ("norvege", "norvegien", "norvegienne", "norvegiens", "norvegiennes"),
    "DK": ("danemark", "danois", "danoise", "danoises"),
    "FI": ("finlande", "finlandais", "finlandaise", "finlandaises"),
    "IS": ("islande", "islandais", "islandaise"),
    "EE": ("estonie", "estonien", "estonienne"),
    "LV": ("lettonie", "letton", "lettone"),
    "LT": ("lituanie", "lituanien", "lituanienne"),
    "CY": ("chypre", "chypriote", "chypriotes"),
    "MT": ("malte", "maltais", "maltaise"),
    "MC": ("monaco", "monegasque", "monegasques"),
    "TR": ("turquie", "turc", "turque", "turcs", "turques"),
    "RU": ("russie", "russe", "russes"),
    "UA": ("ukraine", "ukrainien", "ukrainienne", "ukrainiens", "ukrainiennes"),
    "BY": ("bielorussie", "belarus", "bielorusse"),
    "RS": ("serbie", "serbe", "serbes"),
    "MA": ("maroc", "marocain", "marocaine", "marocains", "marocaines"),
    "DZ": ("algerie", "algerien", "algerienne", "algeriens", "algeriennes"),
    "TN": ("tunisie", "tunisien", "tunisienne", "tunisiens", "tunisiennes"),
    "EG": ("egypte", "egyptien", "egyptienne"),
    "SN": ("senegal", "senegalais", "senegalaise"),
    "CI": ("cote d'ivoire", "cote divoire", "ivoirien", "ivoirienne", "ivoiriens"),
    "CM": ("cameroun", "camerounais", "camerounaise"),
    "GA": ("gabon", "gabonais", "gabonaise"),
    "NG": ("nigeria", "nigerian", "nigeriane"),
    "ZA": ("afrique du sud", "sud-africain", "sud-africaine", "sud africain"),
    "KE": ("kenya", "kenyan", "kenyane"),
    "SA": ("arabie saoudite", "arabie", "saoudien", "saoudienne"),
    "AE": ("emirats arabes unis", "emirats", "eau", "dubai", "emirati", "emiratie"),
    "QA": ("qatar", "qatari", "qatarie"),
    "IL": ("israel", "israelien", "israelienne"),
    "LB": ("liban", "libanais", "libanaise"),
    "IR": ("iran", "iranien", "iranienne"),
    "SY": ("syrie", "syrien", "syrienne"),
    "KP": ("coree du nord", "nord-coreen", "nord-coreenne"),
}

_COUNTRY_INDEX: Dict[str, str] = {}
for _code, _names in COUNTRIES.items():
    for _name in _names:
        _COUNTRY_INDEX[_name] = _code
        _COUNTRY_INDEX[_name.replace("-", " ")] = _code
# longest aliases first, so "coree du nord" wins over "coree"
_COUNTRY_ALIASES = sorted(_COUNTRY_INDEX, key=len, reverse=True)
_SHORT_ALIASES = {"us", "uk", "eau", "rpc", "rfa"}  # only when they stand alone or in capitals


def normalise_country(text: Optional[str]) -> Optional[str]:
    """ISO 3166 alpha-2 code for a French country name, adjective or code ("Allemagne", "allemand",
    "USA", "DE"); None when no known country is named."""
    if not text or not isinstance(text, str):
        return None
    raw = text.strip()
    if re.fullmatch(r"[A-Za-z]{2}", raw):
        code = raw.upper()
        if code == "UK":
            return "GB"
        if code in COUNTRIES:
            return code
    s = _fold(raw).replace("-", " ")
    s = re.sub(r"[^a-z' ]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    bare = re.sub(r"^(?:en|au|aux|l'|le|la|les|du|de la|des|d')\s*", "", s)
    if bare in _COUNTRY_INDEX and (bare not in _SHORT_ALIASES or bare.upper() in raw):
        return _COUNTRY_INDEX[bare]
    upper_tokens = set(re.findall(r"\b[A-Z]{2,3}\b", raw))
    for alias in _COUNTRY_ALIASES:
        if alias in _SHORT_ALIASES and alias.upper() not in upper_tokens:
            continue
        if re.search(r"(?<![a-z])" + re.escape(alias) + r"(?![a-z])", s):
            return _COUNTRY_INDEX[alias]
    return None
