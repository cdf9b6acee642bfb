"""bot.logmask: secrets and contact details never reach a log line (message, arguments, exception)."""
from __future__ import annotations

import io
import json
import logging
import random

import pytest

from bot import logmask
from bot.pairing import ALPHABET, new_code
from bot.logmask import mask
from bot.settings import load_settings

SECRETS = [
    # (text, the secret that must disappear, the placeholder expected)
    ("mon numéro : 06 12 34 56 78", "06 12 34 56 78", "[PHONE]"),
    ("rappelez-moi au 0612345678 svp", "0612345678", "[PHONE]"),
    ("tel 06.12.34.56.78", "06.12.34.56.78", "[PHONE]"),
    ("fixe 01-42-68-53-00", "01-42-68-53-00", "[PHONE]"),
    ("+33 6 12 34 56 78", "6 12 34 56 78", "[PHONE]"),
    ("+33612345678", "612345678", "[PHONE]"),
    ("0033 6 12 34 56 78", "6 12 34 56 78", "[PHONE]"),
    ("+33 (0)6 12 34 56 78", "12 34 56 78", "[PHONE]"),
    ("From whatsapp:+447911123456", "447911123456", "[PHONE]"),
    ("From=%2B33612345678", "33612345678", None),
    ("écrivez à claire.durand@menuiserie-durand.fr.", "claire.durand@menuiserie-durand.fr", "[EMAIL]"),
    ("mail: J.Morel+chat@transports-morel.co.uk", "J.Morel+chat@transports-morel.co.uk", "[EMAIL]"),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "3000 6000 0112 3456 7890 189", "[IBAN]"),
    ("iban fr7630006000011234567890189", "30006000011234567890189", "[IBAN]"),
    ("virement sur DE89 3704 0044 0532 0130 00", "3704 0044 0532 0130 00", "[IBAN]"),
    ("GB29NWBK60161331926819", "60161331926819", "[IBAN]"),
    ("carte 4970 1012 3456 7890", "4970 1012 3456 7890", "[CARD]"),
    ("card 4111111111111111 exp", "4111111111111111", "[CARD]"),
    ("code 4F7-K2Q", "4F7-K2Q", "[CODE]"),
    ("'4f7k2q'", "4f7k2q", "[CODE]"),
    ("Authorization: Bearer abcdef123456789xyz", "abcdef123456789xyz", None),
    ("GET /socket.io/?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl&EIO=4", "eyJzdWIiOiIxIn0", None),
    ("GET /webhook?token=s3cr3t-action-token&x=1", "s3cr3t-action-token", "token=[REDACTED]"),
    ('{"token": "abc.def.ghi", "x": 1}', "abc.def.ghi", '"token": "[REDACTED]"'),
    ("{'identity': 'v1.1.web.9f8e7d6c5b4a'}", "9f8e7d6c5b4a", None),
    ("password=hunter2&user=x", "hunter2", None),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJhbGciOiJIUzI1NiJ9", "[JWT]"),
    ("X-Telegram-Bot-Api-Secret-Token: t0k3n-v4lue", "t0k3n-v4lue", None),
]

KEPT = [
    # ordinary log content stays readable
    "SIN-2021-000123 du 01.02.2025 pour 40 000 €, montant 27000.00",
    "socketio-ph12-3fa9c2b1e4d5a6b7c8d9e0f1 action_claim_status",
    "le 12/03/2025 à 14:30, 1 500 000 €",
    "2026-11-25 06:37:14,123 INFO rasa.core.processor",
    "ts 1732512345678 took 0.12 s",
    "POST /webhook 200 1532 bytes",
    "Menuiserie Durand SARL, SIREN 552100554",
    "MENUISERIE DURAND action_listen",
]


@pytest.mark.parametrize("text,secret,placeholder", SECRETS)
def test_secrets_are_masked(text, secret, placeholder):
    out = mask(text)
    assert secret not in out, out
    if placeholder:
        assert placeholder in out


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_content_is_kept(text):
    assert mask(text) == text


def test_masking_is_idempotent():
    for text, _, _ in SECRETS:
        once = mask(text)
        assert mask(once) == once


def test_every_pairing_code_is_masked():
    """Generated codes, in every form bot.pairing accepts them."""
    for _ in range(300):
        code = new_code()
        assert set(code) <= set(ALPHABET)
        for typed in (code, code.lower(), f"{code[:3]}-{code[3:]}", f"{code[:3]} {code[3:]}"):
            out = mask(f"Received user message '{typed}' with intent")
            assert typed not in out and "[CODE]" in out, (typed, out)


def test_random_french_mobile_numbers_are_masked():
    rng = random.Random(3)
    for _ in range(300):
        digits = "0" + rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(8))
        sep = rng.choice(["", " ", ".", "-"])
        typed = sep.join(digits[i:i + 2] for i in range(0, 10, 2))
        assert "[PHONE]" in mask(f"appelez le {typed} demain"), typed
        e164 = "+33" + digits[1:]
        assert digits[1:] not in mask(f"numéro {e164}")


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)


def test_record_message_args_and_exception_are_masked():
    try:
        raise ValueError("bad phone 06 12 34 56 78 for claire@example.fr")
    except ValueError:
        import sys
        record = _record("user %s typed %r", "claire@example.fr", {"iban": "FR7630006000011234567890189"},
                         exc_info=sys.exc_info())
    logmask.mask_record(record)
    text = logging.Formatter().format(record)
    for secret in ("claire@example.fr", "06 12 34 56 78", "FR7630006000011234567890189"):
        assert secret not in text
    assert "[EMAIL]" in text and "[IBAN]" in text and "ValueError" in text and "[PHONE]" in text


def use_settings(monkeypatch, **env):
    """This process's settings for one test: those of ``env`` (settings are read once per process)."""
    monkeypatch.setattr("bot.settings._cached", load_settings({"JWT_SECRET": "j" * 40, "RASA_API_TOKEN": "t" * 40,
                                                              **env}))


def test_filter_on_a_handler_and_json_lines(monkeypatch):
    use_settings(monkeypatch, LOG_FORMAT="json")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logmask.MaskingFilter("test", install_factory=False))
    handler.setFormatter(logmask.formatter_from_env("test"))
    logger = logging.getLogger("tests.logmask.json")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.info("callback to %s", "+33 6 12 34 56 78")
        try:
            raise RuntimeError("token=abcdef123456")
        except RuntimeError:
            logger.exception("failed for %s", "x@y.fr")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["level"] for line in lines] == ["INFO", "ERROR"]
    assert lines[0]["message"] == "callback to [PHONE]" and lines[0]["service"] == "test"
    assert "abcdef123456" not in lines[1]["exception"] and "RuntimeError" in lines[1]["exception"]
    assert lines[1]["message"] == "failed for [EMAIL]"


def test_record_factory_masks_records_for_handlers_added_later(monkeypatch):
    """What the Rasa server relies on: handlers installed by libraries after our config see masked records."""
    monkeypatch.setattr(logmask, "_base_factory", None)
    original = logging.getLogRecordFactory()
    try:
        logmask.install_record_factory()
        stream = io.StringIO()
        foreign = logging.StreamHandler(stream)  # no filter, plain formatter: like coloredlogs / Sanic
        logger = logging.getLogger("tests.logmask.factory")
        logger.addHandler(foreign)
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        logger.debug("Received user message 'mon iban FR76 3000 6000 0112 3456 7890 189, tel 0612345678'")
        logger.removeHandler(foreign)
        out = stream.getvalue()
        assert "3000 6000" not in out and "0612345678" not in out and "[IBAN]" in out and "[PHONE]" in out
    finally:
        logging.setLogRecordFactory(original)


def test_configure_installs_one_masked_handler(monkeypatch):
    use_settings(monkeypatch)  # LOG_FORMAT unset: text
    monkeypatch.setattr(logmask, "_base_factory", None)
    root = logging.getLogger()
    saved_handlers, saved_level, factory = root.handlers[:], root.level, logging.getLogRecordFactory()
    stream = io.StringIO()
    try:
        logmask.configure("svc", level="INFO", stream=stream)
        assert len(root.handlers) == 1
        logging.getLogger("tests.logmask.configure").warning("paired %s", "4F7K2Q")
        assert stream.getvalue().rstrip().endswith("svc WARNING paired [CODE]")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        logging.setLogRecordFactory(factory)
        logging.captureWarnings(False)


@pytest.fixture
def no_memory(monkeypatch):
    monkeypatch.setattr(logmask, "_recent", logmask.deque(maxlen=256))


def test_pieces_of_a_secret_cut_into_entities_are_masked_in_the_same_record(no_memory):
    line = ('{"parse_data_text": "Mon numéro est le 06 12 34 56 78", "parse_data_entities": '
            '[{"entity": "amount", "value": "06 12 34"}, {"entity": "amount", "value": "56 78"}], '
            '"buyer": "Menuiserie Durand", "confidence": "0.98"}')
    out = mask(line)
    assert "06 12 34" not in out and '"56 78"' not in out and out.count("[MASKED]") == 2
    assert '"Menuiserie Durand"' in out and '"0.98"' in out  # other values stay


def test_pieces_are_masked_in_later_records_for_a_while(no_memory, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(logmask.time, "monotonic", lambda: clock[0])
    assert mask("Mon IBAN est FR76 3000 6000 0112 3456 7890 189") == "Mon IBAN est [IBAN]"
    assert mask("SlotSet(key: amount, value: 3000 6000)") == "SlotSet(key: amount, value: [MASKED])"
    assert mask("entities: [{'value': 'FR76'}, {'value': '7890 189'}]") == \
        "entities: [{'value': '[MASKED]'}, {'value': '[MASKED]'}]"
    assert mask("{'value': '2025'}") == "{'value': '2025'}"  # not a piece of the IBAN
    clock[0] += logmask.FRAGMENT_TTL + 1
    assert mask("SlotSet(key: amount, value: 3000 6000)") == "SlotSet(key: amount, value: 3000 6000)"


def test_pieces_of_an_email_are_masked(no_memory):
    out = mask('{"text": "écrivez à claire.durand@example.fr", "value": "claire.durand"}')
    assert "claire" not in out


def test_pieces_in_rasa_slot_dumps_are_masked(no_memory):
    mask("Mon IBAN est FR76 3000 6000 0112 3456 7890 189")
    events = mask('{"rasa_events": ["SlotSet(key: amount, value: 7890 189)"], "event": "processor.extract.slots"}')
    assert "7890" not in events and "SlotSet(key: amount, value: [MASKED])" in events
    dump = mask('{"slot_values": "\\tclaim_ref: None\\n\\tamount: 3000 6000\\n\\tbuyer: Durand"}')
    assert "3000" not in dump and "claim_ref: None" in dump and "buyer: Durand" in dump


# --- issue #17, finding 4: one record is one line, and warnings are records too ---------------------------

FORGERY = "bonjour\n2026-12-04 12:00:00 rasa ERROR forged line\r\x1b[31mred\u2028x"


def test_a_message_cannot_forge_a_log_line():
    record = _record("user said %r then %s", "x", FORGERY)
    logmask.mask_record(record)
    line = logging.Formatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert "bonjour\\n2026-12-04 12:00:00 rasa ERROR forged line\\r" in line and "\\u2028x" in line


def test_a_line_break_in_an_exception_message_does_not_start_a_record_line():
    try:
        raise ValueError("parse failed: " + FORGERY)
    except ValueError:
        import sys
        record = _record("failed", exc_info=sys.exc_info())
    logmask.mask_record(record)
    lines = logging.Formatter("%(asctime)s %(levelname)s %(message)s").format(record).split("\n")
    assert not any(line.startswith("2026-12-04") for line in lines[1:]), lines
    assert all(line.startswith("  ") for line in lines[2:]), lines  # the traceback, indented under its record


def test_warnings_become_masked_one_line_records(monkeypatch):
    """Rasa reports an unparsable ``/intent{…}`` text with warnings.warn, which wrote it raw to stderr."""
    import warnings

    monkeypatch.setattr(logmask, "_base_factory", None)
    original = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("py.warnings")
    logger.addHandler(handler)
    try:
        logmask.install_record_factory()
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("Failed to parse arguments in line '/greet{\"a\": \"06 12 34 56 78\"}\nFORGED claire@ex.fr'",
                          UserWarning, stacklevel=1)
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(original)
        logging.captureWarnings(False)
    out = stream.getvalue()
    assert "Failed to parse" in out and "[PHONE]" in out and "[EMAIL]" in out
    assert "06 12 34 56 78" not in out and "\nFORGED" not in out


def test_the_digits_of_an_iban_cut_out_as_an_amount_leave_no_tail():
    # the NLU may take the digits of a typed IBAN as an amount; Rasa logs the slot apart from the message
    from bot.logmask import mask
    assert mask("SlotSet(key: amount, value: 3000 6000 0112 3456 7890 189)") == "SlotSet(key: amount, value: [CARD])"
    assert mask("montant 1 000 000 €") == "montant 1 000 000 €"
