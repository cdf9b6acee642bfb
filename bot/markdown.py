"""Links in text written by a person (agents' replies) that the chat widget renders as Markdown.

rasa-webchat 1.0.1 renders bot messages with react-markdown and turns its URL filter off
(``transformLinkUri: null``): ``[clic](javascript:…)`` or ``<data:text/html,…>`` would become clickable.
:func:`safe_links` keeps only links to ``http``, ``https``, ``mailto`` and ``tel`` written as
``[text](url)`` or ``<url>``; everything else that Markdown could turn into a link (other inline links and
images, reference links and their definitions) loses its link syntax: its square brackets are escaped with a
backslash, and an autolink ``<javascript:…>`` loses its angle brackets, so the text stays readable and nothing
is clickable.

Why our own few lines rather than a Markdown library: the job is not to render but to make sure a
text has *no* link syntax left except the allowed links; escaping every ``[`` and ``]`` outside those
links and unwrapping other autolinks does that whatever the Markdown dialect, without guessing how a given
renderer would parse the rest (raw HTML is shown as text by the widget). The page adds a second guard
(``web/static/app.js``) and a Content-Security-Policy.
"""
from __future__ import annotations

import html
import re

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")

# [text](url) or [text](url "title"); no nested brackets in the text; url without spaces, parentheses one deep
_INLINE_LINK = re.compile(r"(?<![!\\])\[(?P<text>[^\[\]\n]{1,300})\]\(\s*<?(?P<url>(?:[^\s()<>]|\([^\s()<>]{0,200}\)){1,2000})>?"
                          r"(?:\s+\"[^\"\n]{0,200}\")?\s*\)")
_ESCAPE = re.compile(r"([\[\]])")
# <scheme:...> autolinks; "<" itself cannot be escaped for rasa-webchat's Markdown (its backslash would show)
_AUTOLINK = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]{0,31}:[^\s<>]*)>")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def allowed_url(url: str) -> bool:
    """True for an absolute http(s), mailto or tel URL (entities and control characters decoded first, as a
    browser would)."""
    compact = _CONTROL.sub("", html.unescape(url or ""))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", compact)
    if match is None or match.group(1).lower() not in ALLOWED_SCHEMES:
        return False
    return not compact.lower().startswith(("http:", "https:")) or compact[match.end():].startswith("//")


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text.replace("\\", "\\\\"))
    # an autolink to an allowed address stays one; any other loses its angle brackets (plain text then)
    return _AUTOLINK.sub(lambda m: m.group(0) if allowed_url(m.group("url")) else m.group("url"), text)


def safe_links(text: str) -> str:
    """``text`` with only allowed inline links left as links (see the module docstring)."""
    out, last = [], 0
    for match in _INLINE_LINK.finditer(text):
        out.append(_escape(text[last:match.start()]))
        label = _escape(match.group("text"))
        if allowed_url(match.group("url")):
            out.append(f"[{label}]({match.group('url')})")
        else:
            out.append(label)  # the words stay, the link goes
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def plain(text: str) -> str:
    """The text of :func:`safe_links` for channels without Markdown (the escapes removed)."""
    return re.sub(r"\\([\[\]\\])", r"\1", text)
