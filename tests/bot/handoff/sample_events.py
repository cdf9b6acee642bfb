"""Tracker events (as Rasa sends them to the action server) of a short conversation."""

SECRET_META = {"identity": {"policyholder_id": 1, "sig": "deadbeef", "sender_id": "conv-9"}, "auth_status": "verified"}


def user(text, intent, ts, entities=()):
    return {"event": "user", "timestamp": ts, "text": text, "metadata": SECRET_META,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9},
                           "entities": [{"entity": e, "value": v} for e, v in entities]}}


def bot(text, ts, buttons=()):
    return {"event": "bot", "timestamp": ts, "text": text,
            "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons]}}


def action(name, ts):
    return {"event": "action", "timestamp": ts, "name": name}


def conversation():
    return [
        action("action_session_start", 1772442000.0),
        {"event": "session_started", "timestamp": 1772442000.1},
        action("action_listen", 1772442000.2),
        user("Bonjour, où en est mon dossier SIN-2021-000123 ?", "ask_claim_status", 1772442010.0,
             [("claim_ref", "SIN-2021-000123")]),
        action("action_claim_status", 1772442010.5),
        {"event": "slot", "timestamp": 1772442010.6, "name": "claim_ref", "value": "SIN-2021-000123"},
        bot("Votre dossier SIN-2021-000123 est indemnisé. Le recouvrement continue.", 1772442010.7),
        action("action_listen", 1772442010.8),
        user("et le dossier sin 2021 000456 de mon voisin ?", "ask_claim_status", 1772442030.0),
        action("action_claim_status", 1772442030.5),
        bot("Je ne trouve pas ce dossier parmi les vôtres.", 1772442030.7,
            [("Parler à un conseiller", "/request_human")]),
        action("action_listen", 1772442030.8),
        user("/request_human", "request_human", 1772442040.0),
    ]
