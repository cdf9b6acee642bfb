"""Countries in what people type: ISO 3166 alpha-2 code from a French name, adjective or code
(:func:`normalise_country`).

:data:`COUNTRIES`: ISO2 -> (names, adjectives and aliases), folded (lower case, no accents).
"""
from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from bot.parsing.text import fold

__all__ = ["COUNTRIES", "normalise_country"]

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
    s = fold(raw).replace("-", " ")
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
