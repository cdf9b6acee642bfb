"""Start the action server bound to BIND_HOST (default 127.0.0.1), optionally requiring a token.

`rasa run actions` always listens on every interface and accepts any caller. This launcher uses
rasa_sdk's own app but binds to localhost by default and, when ACTION_SERVER_TOKEN is set,
refuses webhook calls without it (Rasa sends it as `?token=` when endpoints.yml has `token:`).
"""
from __future__ import annotations

import argparse
import hmac
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa_sdk.endpoint import create_app  # noqa: E402
from sanic import response  # noqa: E402


def build(token: str = ""):
    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def require_token(request):
        if token and request.path.startswith("/webhook"):
            given = request.args.get("token", "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return response.json({"error": "missing or wrong action server token"}, status=401)
        return None

    return app


def main() -> None:
    from bot.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(description="Run the action server.")
    parser.add_argument("--host", default=settings.runtime.bind_host)
    parser.add_argument("--port", type=int, default=settings.actions.port)
    args = parser.parse_args()
    from bot import logmask
    from bot.gdpr import schedule

    logmask.configure("actions")  # masked records (tokens, phones, e-mails, IBANs...), LOG_FORMAT=json for JSON lines
    schedule.start_from_settings()  # the daily retention purge (PURGE_INTERVAL_HOURS=0: left to a CronJob)
    app = build(settings.actions.token)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
