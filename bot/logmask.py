"""Logs never carry secrets or contact details: a masking filter, a JSON formatter, one set-up call.

What is masked (:func:`mask`), in this order:

- JWTs (``eyJ…``), ``Bearer …`` / ``Basic …`` credentials, the value of ``token=``, ``password=``,
  ``secret=``, ``api_key=``, ``signature=``, ``identity=`` … (query strings, ``key: value``, JSON);
- e-mail addresses;
- IBANs (FR and every other country: two letters, two check digits, 11 to 30 letters/digits,
  spaces allowed every four characters);
- card-like numbers: 13 to 19 digits written in groups (``4970 1012 3456 7890``), or written
  bare when they pass the Luhn check (a bare millisecond timestamp stays readable);
- phone numbers: French (``06 12 34 56 78``, ``+33 6 12 34 56 78``, ``0033612345678``) and E.164
  (``+447911123456``, ``whatsapp:+33…``);
- pairing codes (``bot.pairing``: 6 characters of its alphabet, with a letter and a digit,
  optionally written ``4F7-K2Q``).
- pieces of any of the above seen in the last 15 minutes (``FRAGMENT_TTL``), when they stand as a
  quoted value or a ``key: value``: the NLU cuts a typed phone number or IBAN into entities
  (``"06 12 34"``, ``'FR76'``, ``amount: 3000 6000``) that Rasa logs apart from the message.

How it is applied, so that no handler can be forgotten:

- :func:`install_record_factory` masks every :class:`logging.LogRecord` when it is created: the
  message with its arguments, the exception text and the stack. Handlers that libraries add on
  their own (Sanic's, coloredlogs' in the Rasa server) only ever see masked records.
- :class:`MaskingFilter` does the same on a handler (and installs the factory). It is the filter
  of the Rasa logging config (``scripts/logging.yml``); coloredlogs, which Rasa installs after
  reading that file, keeps a replaced handler's filters, and with ``LOG_FORMAT=json`` the filter
  puts the JSON formatter back on the handler it filters for.
- :func:`configure` sets up a process (action server, web server, CLI): one stderr handler,
  text or JSON lines (``LOG_FORMAT``), level from ``LOG_LEVEL``.

No Rasa import.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections import deque
from datetime import datetime, timezone
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

from bot.settings import Settings, get_settings

_PAIRING_ALPHABET = "A-HJ-KMNP-Za-hj-kmnp-z2-9"  # bot.pairing.ALPHABET, either case
_SECRET_KEYS = (r"access_token|refresh_token|id_token|auth_token|token|api[_-]?key|client_secret|secret|password"
                r"|passwd|pwd|signature|sig|identity|authorization|jwt")

def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban(text: str) -> bool:
    compact = text.replace(" ", "")
    # 15 (NO) to 34 characters; the body must hold digits (a run of words is not an IBAN).
    return 15 <= len(compact) <= 34 and sum(c.isdigit() for c in compact[4:]) >= 6


def _code(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


# (pattern, replacement, check or None, remember the secret for its fragments)
_RULES = [
    # credentials
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "[JWT]", None, False),
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE), r"\1 [TOKEN]", None, False),
    (re.compile(r"""(?P<key>(?<![A-Za-z0-9])(?:%s)["']?\s*[=:]\s*["']?)(?P<value>(?!\[)[^\s"'&,;}\]]+)""" % _SECRET_KEYS,
                re.IGNORECASE), r"\g<key>[REDACTED]", None, False),
    # contact details and bank data
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[EMAIL]", None, True),
    (re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}\b"), "[IBAN]", _iban, True),
    # groups of four digits: a card, or the digits of an IBAN the NLU cut out as an amount (every group, so no
    # tail such as "7890 189" is left behind)
    (re.compile(r"(?<![\d.,])\d{4}(?:[ -]\d{4}){2,7}(?:[ -]\d{1,7})?(?![\d.,])"), "[CARD]", None, True),
    (re.compile(r"(?<![\d.,])\d{13,19}(?![\d.,])"), "[CARD]", _luhn, True),
    (re.compile(r"(?<![\w+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"), "[PHONE]",
     None, True),
    (re.compile(r"(?<![\w])\+[1-9](?:[\s.-]?\d){7,14}(?!\d)"), "[PHONE]", None, True),
    (re.compile(r"%2B[1-9]\d{7,14}(?!\d)", re.IGNORECASE), "[PHONE]", None, True),  # URL-encoded (webhook bodies)
    # pairing codes
    (re.compile(r"(?<![A-Za-z0-9])[%s]{3}[\s-]?[%s]{3}(?![A-Za-z0-9])" % (_PAIRING_ALPHABET, _PAIRING_ALPHABET)),
     "[CODE]", _code, False),
]

# Fragments. The NLU cuts what people type into entities ("06 12 34", "FR76", "3000"...), logged
# apart from the message. Every secret masked is remembered (in memory only, FRAGMENT_TTL), and a
# quoted value (or a ``key: value``) that is a piece of one — 4 characters or more — is masked too.
FRAGMENT_TTL = 900.0
_recent: Deque[Tuple[float, str]] = deque(maxlen=256)
_FRAGMENTS = (re.compile(r"""(?<=["'])(?P<v>[^"'\n]{4,60})(?=["'])"""),      # 'FR76', "06 12 34"
              re.compile(r"""(?<=: )(?P<v>[^,;)\]}{\n\\"']{4,60})"""))      # value: 3000 6000 / amount: 56 78
_SEPARATORS = re.compile(r"[\s.()+-]")


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text).lower()


def _mask_fragments(text: str, secrets: List[str]) -> str:
    def repl(match: "re.Match[str]") -> str:
        value = match.group("v")
        piece = _compact(value)
        if len(piece) >= 4 and piece.replace("@", "").isalnum() and any(piece in s for s in secrets):
            return "[MASKED]"
        return value

    for pattern in _FRAGMENTS:
        text = pattern.sub(repl, text)
    return text


def mask(text: Any) -> str:
    """``text`` (anything: it is turned into a string) with every secret and contact detail masked."""
    out = text if isinstance(text, str) else str(text)
    found: List[str] = []
    for pattern, replacement, check, remember in _RULES:
        def repl(match: "re.Match[str]", replacement=replacement, check=check, remember=remember) -> str:
            if check is not None and not check(match.group(0)):
                return match.group(0)
            if remember:
                found.append(_compact(match.group(0)))
            return match.expand(replacement)

        out = pattern.sub(repl, out)
    now = time.monotonic()
    for secret in found:
        _recent.append((now + FRAGMENT_TTL, secret))
    secrets = found + [secret for until, secret in list(_recent) if until > now]
    return _mask_fragments(out, secrets) if secrets else out


# --- escaping: one record, one line -----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r"}
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]{0,20}m")  # Rasa colours its warnings


def _escaped(match: "re.Match[str]") -> str:
    char = match.group(0)
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escape(text: str) -> str:
    """``text`` on one line: line breaks and other control characters written as ``\\n``, ``\\x1b``...
    (a message typed by someone cannot forge a log line nor send terminal escapes)."""
    return _CONTROL.sub(_escaped, _ANSI_COLOUR.sub("", text))


def escape_block(text: str) -> str:
    """A traceback or stack keeps its lines, each indented, and each line escaped: a line break inside an
    exception message cannot start a line that looks like a record."""
    return "\n".join(("  " + escape(line)) if i else escape(line) for i, line in enumerate(text.split("\n")))


# --- records -------------------------------------------------------------------------------------

_MASKED = "_masked"
_exception_formatter = logging.Formatter()


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask a record in place (message + arguments, exception, stack); idempotent."""
    if getattr(record, _MASKED, False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string must not hide the rest
        message = f"{record.msg!r} % {record.args!r}"
    record.msg = escape(mask(message))
    record.args = None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = _exception_formatter.formatException(record.exc_info)
    record.exc_info = None
    if record.exc_text:
        record.exc_text = escape_block(mask(record.exc_text))
    if record.stack_info:
        record.stack_info = escape_block(mask(record.stack_info))
    setattr(record, _MASKED, True)
    return record


_base_factory: Optional[Callable[..., logging.LogRecord]] = None


def install_record_factory() -> None:
    """Mask every log record of this process when it is created (idempotent).

    Python warnings become log records too (``logging.captureWarnings``): Rasa reports a message it
    cannot parse as ``/intent{…}`` with :func:`warnings.warn`, which otherwise writes the raw text
    (phone number, e-mail, IBAN, line breaks) straight to stderr, past every logging filter."""
    global _base_factory
    logging.captureWarnings(True)
    if _base_factory is not None:
        return
    _base_factory = logging.getLogRecordFactory()
    base = _base_factory

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(base(*args, **kwargs))

    logging.setLogRecordFactory(factory)


# --- formatters ------------------------------------------------------------------------------------

class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, service, message, exception."""

    def __init__(self, service: str = "") -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        mask_record(record)
        line: Dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self.service:
            line["service"] = self.service
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def log_format(settings: Optional[Settings] = None) -> str:
    return "json" if (settings or get_settings()).logging.format.strip().lower() == "json" else "text"


def formatter_from_env(service: str = "", fmt: Optional[str] = None) -> logging.Formatter:
    """The formatter ``LOG_FORMAT`` asks for (``json`` or text); usable as a ``()`` in a dictConfig."""
    if log_format() == "json":
        return JsonFormatter(service)
    return logging.Formatter(fmt or f"%(asctime)s {service} %(levelname)s %(message)s".replace("  ", " "))


class MaskingFilter(logging.Filter):
    """Masks every record it sees (and installs :func:`install_record_factory`).

    ``service``: name written in JSON lines. With ``LOG_FORMAT=json``, the filter also makes sure
    the root handlers it is attached to keep the JSON formatter (Rasa's coloredlogs replaces the
    handler of the logging config, keeping its filters but not its formatter).
    """

    def __init__(self, service: str = "", install_factory: bool = True) -> None:
        super().__init__()
        self.service = service
        self._json = JsonFormatter(service) if log_format() == "json" else None
        if install_factory:
            install_record_factory()

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        if self._json is not None:
            for handler in logging.getLogger().handlers:
                if self in handler.filters and handler.formatter is not self._json:
                    handler.setFormatter(self._json)
        return True


def configure(service: str, level: Optional[str] = None, stream=None) -> logging.Handler:
    """Set up logging of a process: masked records, one handler on stderr, text or JSON lines."""
    install_record_factory()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(MaskingFilter(service, install_factory=False))
    handler.setFormatter(formatter_from_env(service))
    root.addHandler(handler)
    root.setLevel((level or get_settings().logging.level or "INFO").upper())
    logging.captureWarnings(True)  # warnings raised from now on are log records too (masked, JSON)
    return handler
