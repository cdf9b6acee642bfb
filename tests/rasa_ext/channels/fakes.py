"""A local fake of the providers' outbound APIs (Twilio, Telegram, Messenger, Slack).

The Rasa server runs in another process, so its outbound calls are redirected here through the
``*_API_BASE`` variables and recorded; nothing of the bot's code is patched.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List
from urllib.parse import parse_qs, urlencode


class FakeProviders:
    def __init__(self) -> None:
        self.calls: List[Dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    data = json.loads(body or "{}")
                else:
                    data = {k: v[0] for k, v in parse_qs(body).items()}
                fake.calls.append({"path": self.path, "data": data})
                if "Messages.json" in self.path:
                    out = {"sid": "SM" + "0" * 32, "status": "queued", "to": data.get("To"), "body": data.get("Body")}
                    code = 201
                elif "/sendMessage" in self.path:
                    out = {"ok": True, "result": {"message_id": len(fake.calls), "date": int(time.time()),
                                                  "chat": {"id": int(data.get("chat_id", 0)), "type": "private"},
                                                  "text": data.get("text", "")}}
                    code = 200
                elif "chat.postMessage" in self.path:
                    out = {"ok": True, "channel": data.get("channel"), "ts": "1.0"}
                    code = 200
                else:
                    out = {"recipient_id": "1", "message_id": "m"}
                    code = 200
                raw = json.dumps(out).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def clear(self) -> None:
        self.calls.clear()

    def texts(self, kind: str) -> List[str]:
        key = {"twilio": "Messages.json", "telegram": "/sendMessage", "messenger": "/me/messages",
               "slack": "chat.postMessage"}[kind]
        out = []
        for call in self.calls:
            if key not in call["path"]:
                continue
            d = call["data"]
            if kind == "twilio":
                out.append(d.get("Body", ""))
            elif kind == "messenger":
                msg = d.get("message") or {}
                out.append(msg.get("text") or json.dumps(msg.get("attachment"), ensure_ascii=False))
            else:
                out.append(d.get("text", ""))
        return out

    def stop(self) -> None:
        self.server.shutdown()


# --- signing helpers, as the providers do it ------------------------------------------------------

def twilio_signature(token: str, url: str, params: Dict[str, str]) -> str:
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio_form(sender: str, body: str, to: str = "+33700000000") -> Dict[str, str]:
    return {"ToCountry": "FR", "SmsMessageSid": "SM" + "1" * 32, "NumMedia": "0", "SmsSid": "SM" + "1" * 32,
            "SmsStatus": "received", "Body": body, "To": to, "NumSegments": "1", "MessageSid": "SM" + "1" * 32,
            "AccountSid": "AC" + "a" * 32, "From": sender, "ApiVersion": "2010-04-01"}


def messenger_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def slack_headers(secret: str, body: bytes, ts: int = None) -> Dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sig}


def telegram_update(user_id: int, text: str, update_id: int = 1) -> Dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "from": {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "fr"},
        "chat": {"id": user_id, "type": "private", "first_name": "Test"}}}


def messenger_event(psid: str, text: str) -> Dict:
    return {"object": "page", "entry": [{"id": "PAGE", "time": int(time.time() * 1000), "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": int(time.time() * 1000),
         "message": {"mid": "m_1", "text": text}}]}]}


def slack_event(user: str, channel: str, text: str) -> Dict:
    return {"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": "Ev1",
            "event_time": int(time.time()), "event": {"type": "message", "channel_type": "im", "user": user,
                                                       "channel": channel, "text": text, "ts": "1.1"}}


def form(params: Dict[str, str]) -> str:
    return urlencode(params)
