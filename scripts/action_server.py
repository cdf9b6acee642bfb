"""Start the action server bound to BIND_HOST (default 127.0.0.1), optionally requiring a token.

`rasa run actions` always listens on every interface and accepts any caller. This launcher uses
rasa_sdk's own app but binds to localhost by default and, when ACTION_SERVER_TOKEN is set,
refuses webhook calls without it (Rasa sends it as `?token=` when endpoints.yml has `token:`).

It runs on the app environment (.venv-app, Python 3.12, rasa-sdk 3.21; see docs/runtimes.md), called
by Rasa 3.6 on Python 3.10: the wire protocol (POST /webhook, {"events", "responses"}) is the same, and
the end-to-end suites prove it.
"""
from __future__ import annotations

import argparse
import hmac
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import response
from sanic.exceptions import MethodNotAllowed, NotFound

# Rasa 3.6 calls this server with its version (3.6.x) and rasa-sdk 3.21 warns that "A.B" differ. The pairing
# is deliberate (Rasa 3.6 is the last Rasa Open Source; rasa-sdk stays maintained) and tested end to end.
warnings.filterwarnings("ignore", message=r"Your versions of rasa and rasa_sdk might not be compatible")


def build(token: str = ""):
    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins=None)

    # rasa_sdk's catch-all exception handler answers 500 (with the request body) for an unknown URL or method
    @app.exception(NotFound)
    async def not_found(request, _exception):
        return response.json({"error": "Cette adresse n’existe pas."}, status=404)

    @app.exception(MethodNotAllowed)
    async def wrong_method(request, _exception):
        return response.json({"error": "Méthode non autorisée pour cette adresse."}, status=405)

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
    from bot import logmask, startup
    from bot.gdpr import schedule

    logmask.configure("actions")  # masked records (tokens, phones, e-mails, IBANs...), LOG_FORMAT=json for JSON lines
    startup.refuse_unsafe_start(settings, "action server")  # APP_ENV=production: no demo mode, no sample secret...
    schedule.start_from_settings()  # the daily retention purge (PURGE_INTERVAL_HOURS=0: left to a CronJob)
    app = build(settings.actions.token)
    # One process, as before Sanic 22.9's worker manager: the actions are async and send blocking store calls
    # to a thread pool; scale with replicas.
    app.run(args.host, args.port, single_process=True, access_log=False)


if __name__ == "__main__":
    main()
