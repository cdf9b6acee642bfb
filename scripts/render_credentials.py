"""Write the effective Rasa credentials file from the settings (``settings.channels``).

The two secure channels (web socket.io, REST) are always enabled. Each messaging channel is
enabled only when all of its required variables are set. The file holds no secret: values are
written as ``${VAR}`` references (the names of ``bot.settings``' registry) that Rasa resolves
from the environment when it reads the file.

    python scripts/render_credentials.py var/credentials.yml   # prints the path written
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.files import write_private  # noqa: E402
from bot.settings import Settings, load_settings, variable  # noqa: E402

# channel class -> (section of settings.channels, [(credential key, setting, required)])
MESSAGING: Dict[str, Tuple[str, List[Tuple[str, str, bool]]]] = {
    "rasa_ext.channels.twilio.PairedTwilioInput": ("twilio", [
        ("account_sid", "account_sid", True), ("auth_token", "auth_token", True),
        ("twilio_number", "number", True), ("webhook_url", "webhook_url", True),
        ("whatsapp_number", "whatsapp_number", False)]),
    "rasa_ext.channels.telegram.PairedTelegramInput": ("telegram", [
        ("access_token", "token", True), ("secret_token", "secret_token", True),
        ("verify", "bot_name", False), ("webhook_url", "webhook_url", False)]),
    "rasa_ext.channels.messenger.PairedMessengerInput": ("messenger", [
        ("verify", "verify_token", True), ("secret", "app_secret", True),
        ("page-access-token", "page_access_token", True)]),
    "rasa_ext.channels.slack.PairedSlackInput": ("slack", [
        ("slack_token", "bot_token", True), ("slack_signing_secret", "signing_secret", True)]),
}


VOICE = "rasa_ext.channels.voice.FrenchTwilioVoiceInput"


def render(settings: Optional[Settings] = None) -> str:
    settings = settings or load_settings()
    channels = settings.channels
    base = (ROOT / "credentials.yml").read_text(encoding="utf-8").rstrip() + "\n"
    lines = [base]
    for cls, (name, keys) in MESSAGING.items():
        section = getattr(channels, name)
        if not all(getattr(section, attr).strip() for _, attr, required in keys if required):
            continue
        lines.append(f"\n{cls}:")
        for key, attr, _required in keys:
            if getattr(section, attr).strip():
                lines.append(f"  {key}: ${{{variable(section, attr).name}}}")
    # the phone (Twilio Voice): the Twilio account and number, and a public address for the signatures
    twilio = channels.twilio
    if twilio.account_sid and twilio.auth_token and twilio.number \
            and channels.voice.effective_webhook_url(settings.web.public_base_url):
        lines.append(f"\n{VOICE}:")
        for key, attr in (("account_sid", "account_sid"), ("auth_token", "auth_token"), ("twilio_number", "number")):
            lines.append(f"  {key}: ${{{variable(twilio, attr).name}}}")
    return "\n".join(lines) + "\n"


def main(argv: List[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "var" / "credentials.yml"
    write_private(target, render())
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
