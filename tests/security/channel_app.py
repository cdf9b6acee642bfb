"""The two web channels (REST, socket.io) on a bare Sanic app whose "bot" echoes: for rate-limit tests.

    python tests/security/channel_app.py PORT

No model and no action server: the channels' own code (token check, sender id, rate limits) is what
is tested; each message that gets through is answered ``echo <sender id> <auth status>``.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from rasa_ext import patches
from rasa_ext.channels.secure_rest import SecureRestInput
from rasa_ext.channels.secure_socketio import SecureSocketIOInput


async def echo(message: UserMessage) -> None:
    status = (message.metadata or {}).get("auth_status")
    await message.output_channel.send_response(message.sender_id, {"text": f"echo {message.sender_id} {status}"})


def build() -> Sanic:
    app = Sanic("security_channels")
    sio = SecureSocketIOInput.from_credentials({"session_persistence": True, "metadata_key": "customData"})
    app.blueprint(SecureRestInput().blueprint(echo), url_prefix="/webhooks/secure_rest")
    app.blueprint(sio.blueprint(echo), url_prefix="/webhooks/secure_socketio")
    return app


if __name__ == "__main__":
    patches.install()  # as the Rasa server launcher does (scripts/rasa_server.py)
    build().run("127.0.0.1", int(sys.argv[1]), workers=1, access_log=False)
