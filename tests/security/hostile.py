"""Hostile inputs: what people and robots may type or post, generated (no network, no randomness)."""
from __future__ import annotations

from typing import List

XSS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload=window.__pwned=3>',
    "<iframe src=javascript:window.__pwned=4></iframe>",
    "[cliquez](javascript:window.__pwned=5)",
    "![x](x onerror=window.__pwned=6)",
    "<a href='javascript:alert(1)'>dossier</a>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "</div><b>gras</b><div>",
    "javascript:/*--></title></style></textarea></script><svg/onload=window.__pwned=7>",
]
SQL = [
    "SIN-2021-000123' OR '1'='1",
    "'; DROP TABLE claims; --",
    "SIN-2021-000456\" UNION SELECT * FROM policyholders --",
    "1; UPDATE claims SET policyholder_id=1",
    "%' AND 1=1 --",
    "SIN-2021-00012%",
    "SIN-2021-______",
    "\\x00' || pg_sleep(10) --",
]
CONTROL = [
    "\x00", "bonjour\x00SIN-2021-000123", "\x00" * 50, "\x07\x08\x1b[31mrouge\x1b[0m", "ligne1\r\nligne2\rligne3",
    "\t\t\t", "\u200b\u200b\u200b", "\ufeffbonjour", "\ud7ff\ue000\uffff", "a\u0301\u0301\u0301\u0301",
]
RTL = [
    "\u202eSIN-2021-000123\u202c", "\u202dbonjour\u202c", "مرحبا، أين ملفي؟", "שלום", "\u2066dossier\u2069 \u200f",
]
EMOJI = [
    "😀" * 50, "👨‍👩‍👧‍👦 dossier 💶", "🏳️‍🌈🇫🇷", "\U0001F4A9 SIN-2021-000123 \U0001F4A9", "𝕯𝖔𝖘𝖘𝖎𝖊𝖗",
]
BROKEN = [
    "/ask_claim_status{", '/ask_claim_status{"claim_ref": ', '/ask_claim_status{"claim_ref": [1,2,{}]}',
    '/ask_claim_status{"claim_ref": null}', "/nonexistent_intent", "/", "//", '/greet{"a": "' + "b" * 500 + '"}',
    "/request_human@0.99", '/ask_guarantee{"buyer": {"$ne": null}}', '{"message": "x"}', "[]", "null",
    '/ask_claim_status{"claim_ref": "SIN-2021-000123", "__proto__": {"x": 1}}',
]
SIZES = ["a" * 999, "a" * 1000, "a" * 1001, "a" * 4001, "mot " * 2500, "A" * 10000, "é" * 10000,
         "SIN-2021-000123 " * 600, "1" * 1000, "1" * 4000]
MISC = [
    "", " ", "?", "...", "0", "-1", "99999999999999999999999999", "1e308", "NaN", "None", "true",
    "../../../../etc/passwd", "%00%0d%0a", "%s%s%s%n", "{0}{1}{__class__}", "${jndi:ldap://x/a}",
    "SIN-2021-000123" * 3, "sin-2021-000123", "S I N - 2 0 2 1", "code 4F7K2Q", "4F7-K2Q", "AAAAAA", "22222B",
]


def texts() -> List[str]:
    """Every hostile text once (about 80)."""
    return XSS + SQL + CONTROL + RTL + EMOJI + BROKEN + SIZES + MISC


def short_texts(limit: int = 1500) -> List[str]:
    """The hostile texts that fit in one SMS-sized message (what a messaging provider would deliver)."""
    return [t for t in texts() if len(t) <= limit]


NOT_JSON_BODIES = [
    b"", b"{", b"}", b"[", b"null", b"42", b'"string"', b"[1,2,3]", b"{'single': 'quotes'}", b"\xff\xfe\xfd",
    b'{"sender": "a", "message": "b"', b'{"sender": "a", "message": "b"}}', b"\x00" * 100,
    b'{"a":' * 1000 + b"1" + b"}" * 1000,  # deeply nested
]
WRONG_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                       "application/xml", "application/json; charset=latin-1", "", "image/png", "*/*"]
