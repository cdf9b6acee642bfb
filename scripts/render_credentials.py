"""Write the effective Rasa credentials file from the environment.

The two secure channels (web socket.io, REST) are always enabled. Each messaging channel is
enabled only when all of its required variables are set. The file holds no secret: values are
written as ``${VAR}`` references that Rasa resolves from the environment when it reads the file.

    python scripts/render_credentials.py var/credentials.yml   # prints the path written
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Tuple

ROOT = Path(__file__).resolve().parent.parent

# channel class -> [(credential key, env var, required)]
MESSAGING: Dict[str, List[Tuple[str, str, bool]]] = {
    "rasa_ext.channels.twilio.PairedTwilioInput": [
        ("account_sid", "TWILIO_ACCOUNT_SID", True), ("auth_token", "TWILIO_AUTH_TOKEN", True),
        ("twilio_number", "TWILIO_NUMBER", True), ("webhook_url", "TWILIO_WEBHOOK_URL", True),
        ("whatsapp_number", "TWILIO_WHATSAPP_NUMBER", False)],
    "rasa_ext.channels.telegram.PairedTelegramInput": [
        ("access_token", "TELEGRAM_TOKEN", True), ("secret_token", "TELEGRAM_SECRET_TOKEN", True),
        ("verify", "TELEGRAM_BOT_NAME", False), ("webhook_url", "TELEGRAM_WEBHOOK_URL", False)],
    "rasa_ext.channels.messenger.PairedMessengerInput": [
        ("verify", "MESSENGER_VERIFY_TOKEN", True), ("secret", "MESSENGER_APP_SECRET", True),
        ("page-access-token", "MESSENGER_PAGE_ACCESS_TOKEN", True)],
    "rasa_ext.channels.slack.PairedSlackInput": [
        ("slack_token", "SLACK_BOT_TOKEN", True), ("slack_signing_secret", "SLACK_SIGNING_SECRET", True)],
}


def render(env: Mapping[str, str]) -> str:
    base = (ROOT / "credentials.yml").read_text(encoding="utf-8").rstrip() + "\n"
    lines = [base]
    for cls, keys in MESSAGING.items():
        if not all((env.get(var) or "").strip() for _, var, required in keys if required):
            continue
        lines.append(f"\n{cls}:")
        for key, var, _required in keys:
            if (env.get(var) or "").strip():
                lines.append(f"  {key}: ${{{var}}}")
    return "\n".join(lines) + "\n"


def main(argv: List[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "var" / "credentials.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(os.environ), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
