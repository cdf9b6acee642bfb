"""bot.markdown: an agent's reply keeps only http(s) / mailto / tel links (issue #17, finding 9).

The rendering side is proved with the real widget in tests/security/test_browser_escaping.py; here
every Markdown way of writing a link is checked with a CommonMark parser (markdown-it-py, links not
filtered): after :func:`safe_links`, the only links left have an allowed scheme.
"""
from __future__ import annotations

import pytest

from bot.markdown import allowed_url, plain, safe_links

HOSTILE = [
    "[cliquez ici](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x]( javascript:alert(1) )",
    "[x](java\tscript:alert(1))", "[x](javascript&#58;alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>", "<data:text/html,<script>alert(1)</script>>", "![img](javascript:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)", "[r]\n\n[r]: data:text/html,x", "[x](<javascript:alert(1)>)",
    "[x](javascript:alert(1) \"titre\")", "[a [b](javascript:alert(1))](https://ok.fr)", "[x](//evil.example/)",
    "[x](/relative)", "[x](file:///etc/passwd)", "[x](https:evil)", "[[x]](javascript:alert(1))",
    "<javascript&#58;alert(1)>", "<JAVASCRIPT:alert(1)>", "<https://ok.fr> puis <javascript:alert(1)>",
    "<vbscript:msgbox(1)>", "<data:,x>",
]


def _links(text: str):
    MarkdownIt = pytest.importorskip("markdown_it").MarkdownIt  # in the app environment (app-dev.txt), not Rasa's

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # like rasa-webchat: no URL filter of its own
    hrefs = []
    for block in md.parse(text):
        for token in block.children or []:
            if token.type in ("link_open", "image"):
                hrefs.append(token.attrGet("href") or token.attrGet("src"))
    return hrefs


@pytest.mark.parametrize("text", HOSTILE)
def test_no_dangerous_link_survives(text):
    cleaned = safe_links(text)
    assert all(allowed_url(h) for h in _links(cleaned)), (text, cleaned, _links(cleaned))
    assert _links(text) == [] or not all(allowed_url(h) for h in _links(text)) or text.startswith("[a [b]")


@pytest.mark.parametrize("text, links", [
    ("Voir [notre page](https://www.example.fr/sinistres) ou [écrivez-nous](mailto:sinistres@example.fr).",
     ["https://www.example.fr/sinistres", "mailto:sinistres@example.fr"]),
    ("Appelez le [01 23 45 67 89](tel:+33123456789).", ["tel:+33123456789"]),
    ("[lien](http://example.fr/a?b=1&c=2)", ["http://example.fr/a?b=1&c=2"]),
])
def test_allowed_links_stay_links(text, links):
    assert _links(safe_links(text)) == links


def test_the_words_stay_readable():
    assert plain(safe_links("[cliquez ici](javascript:alert(1)) puis <b>")) == "cliquez ici puis <b>"
    assert plain(safe_links("Dossier [SIN-2021-000123] : 3 < 4")) == "Dossier [SIN-2021-000123] : 3 < 4"
    assert safe_links("Bonjour, voici votre dossier.") == "Bonjour, voici votre dossier."
    # "<" cannot be escaped for the widget's Markdown (the backslash would show): HTML is left as typed (the widget
    # shows it as text), an autolink to an allowed address stays one
    assert safe_links("Je regarde <b>tout de suite</b>.") == "Je regarde <b>tout de suite</b>."
    assert safe_links("<https://ex.fr/a> <javascript:alert(1)>") == "<https://ex.fr/a> javascript:alert(1)"


def test_the_agent_reply_event_carries_the_cleaned_text():
    from bot.auth import AUD_AGENT, Principal
    from bot.handoff import desk

    agent = Principal(subject="agent:1", audience=AUD_AGENT, name="Léa Martin")
    [event] = desk.reply_events(agent, "Voici [le formulaire](javascript:alert(1)) et [le site](https://ex.fr).")
    assert "javascript" not in event["text"] and "](https://ex.fr)" in event["text"]
