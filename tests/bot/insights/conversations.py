"""Seeded conversations with known outcomes, written to an ``events`` table the way Rasa's
SQLTrackerStore writes them (type_name, timestamp, intent_name, action_name = the event's
``name``, data = the event as JSON). tests/rasa_ext/test_insights_rasa_events.py checks the shape
against Rasa's own store."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from bot.gdpr.tracker import events

D1 = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc).timestamp()   # a Monday
D2 = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc).timestamp()    # Tuesday, same week
D3 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc).timestamp()     # Monday, next week
PHONE = "06 12 34 56 78"


class Conversation:
    """One conversation id; ``at`` moves forward with each event."""

    def __init__(self, sender_id: str, at: float, channel: str = "") -> None:
        self.sender_id, self.at, self.rows = sender_id, at, []
        self.channel = channel or sender_id.split("-", 1)[0]

    def _add(self, type_name: str, data: Dict[str, Any], step: float, intent: Optional[str] = None) -> "Conversation":
        self.at += step
        data = {"event": type_name, "timestamp": self.at, **data}
        self.rows.append({"sender_id": self.sender_id, "type_name": type_name, "timestamp": self.at,
                          "intent_name": intent, "action_name": data.get("name"), "data": json.dumps(data)})
        return self

    def session(self, at: Optional[float] = None) -> "Conversation":
        if at is not None:
            self.at = at
        self._add("action", {"name": "action_session_start", "policy": None, "confidence": 1.0}, 0)
        self._add("session_started", {}, 0)
        return self.action("action_listen", 0)

    def user(self, said: str, intent: str, confidence: float, ranking: Optional[List[tuple]] = None,
             entities: Optional[list] = None, step: float = 5) -> "Conversation":
        ranking = ranking or [(intent, confidence)]
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [], "text": said,
                 "message_id": f"m{len(self.rows)}", "metadata": {},
                 "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
        self._add("user", {"text": said, "parse_data": parse, "input_channel": self.channel,
                           "message_id": f"m{len(self.rows)}", "metadata": {}}, step, intent)
        return self.action("action_extract_slots", 0)

    def action(self, name: str, step: float = 0.5) -> "Conversation":
        return self._add("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0,
                                    "action_text": None, "hide_rule_turn": False}, step)

    def bot(self, said: str, step: float = 0.5) -> "Conversation":
        return self._add("bot", {"text": said, "data": {"elements": None, "buttons": None}, "metadata": {}}, step)

    def slot(self, name: str, value: Any) -> "Conversation":
        return self._add("slot", {"name": name, "value": value}, 0)

    def loop(self, name: Optional[str]) -> "Conversation":
        return self._add("active_loop", {"name": name}, 0)

    def answer(self, action: str, said: str, step: float = 0.5) -> "Conversation":
        return self.action(action, step).bot(said, 0).action("action_listen", 0)


def seeded() -> List[Conversation]:
    """Seven conversations (six conversation ids, one with two sessions), outcomes known."""
    # 1. web, signed in, claim status, thanks, CSAT 5 and a comment. First answer: 1 s.
    c1 = (Conversation("web-ph1-aaaa01", D1).session()
          .user("Où en est mon dossier SIN-2021-000123 ?", "ask_claim_status", 0.95)
          .answer("action_claim_status", "Votre dossier est en phase de recouvrement.", 0.5)
          .user("merci", "thank", 0.99).answer("action_ask_csat", "Êtes-vous satisfait ?")
          .user('/affirm{"csat_score":"5"}', "affirm", 1.0).slot("csat_score", "5")
          .answer("action_record_csat", "Merci pour votre avis.")
          .user("Réponse rapide, bravo.", "out_of_scope", 0.42))
    c1.answer("utter_out_of_scope", "Je ne sais pas répondre à cela.")
    # 2. web visitor: not understood, rephrased, then fees with low confidence. First answer: 2 s.
    c2 = (Conversation("web-anon-bbbb02", D1 + 600).session()
          .user("combien ca me coute votre truc la", "nlu_fallback", 0.4,
                ranking=[("nlu_fallback", 0.4), ("ask_fees", 0.31), ("ask_cap", 0.2)])
          .answer("action_fallback", "Je n’ai pas compris.", 2)
          .user("quels sont les frais de recouvrement", "ask_fees", 0.55)
          .answer("action_fees", "Les frais de recouvrement sont…"))
    # 3. SMS, paired account: a declaration started and completed. First answer: 3 s.
    c3 = (Conversation("sms-ph2-cccc03", D1 + 1200).session()
          .user("je veux declarer un impaye", "declare_unpaid", 0.9)
          .action("action_declare_start", 3).bot("Quel est l’acheteur ?", 0).loop("declare_unpaid_form")
          .action("declare_unpaid_form", 0).action("action_listen", 0)
          .user("Bois & Co", "inform_buyer_unknown", 0.3)
          .action("declare_unpaid_form").loop(None).slot("requested_slot", None)
          .answer("action_submit_declaration", "Votre déclaration est enregistrée."))
    # 4. web, signed in: a vague message, then a person (ticket, reason request). First answer: 4 s.
    c4 = (Conversation("web-ph1-dddd04", D2).session()
          .user("c'est trop compliqué votre histoire", "express_worry", 0.5)
          .answer("action_express_worry", "Je comprends.", 4)
          .user("je veux parler à un conseiller", "request_human", 0.97)
          .action("action_handoff").slot("handoff_reason", "request").slot("handoff_outcome", "ticket")
          .bot("Un conseiller va vous répondre.", 0).action("action_listen", 0))
    # 5. web, referral link, CAP form stopped, CSAT 2. First answer: 1 s.
    c5 = (Conversation("web-ph3-eeee05", D2 + 300).session()
          .user("/referral_greet", "referral_greet", 1.0).answer("action_referral_greet", "Bonjour, votre conseiller…", 1)
          .user("et pour le CAP alors ?", "ask_cap", 0.88)
          .action("cap_form").loop("cap_form").bot("Quel acheteur ?", 0).action("action_listen", 0)
          .user("stop", "deny", 0.9).action("cap_form").slot("cap_mode", "stopped").loop(None)
          .action("action_cap_evaluate").action("action_listen", 0)
          .user("au revoir", "goodbye", 0.99).answer("action_ask_csat", "Votre avis ?")
          .user('/affirm{"csat_score":"2"}', "affirm", 1.0).slot("csat_score", "2")
          .answer("action_record_csat", "Merci, désolé."))
    # 6. Telegram visitor, next week: a callback asked (closed hours), phone typed, submitted. First answer: 5 s.
    c6 = (Conversation("telegram-anon-ffff06", D3).session()
          .user("rappelez moi", "request_human", 0.9).action("action_handoff", 5)
          .slot("handoff_reason", "request").slot("handoff_outcome", "callback").bot("Nous sommes fermés.", 0)
          .action("callback_form").loop("callback_form").bot("Votre numéro ?", 0).action("action_listen", 0)
          .user(f"mon numero c'est le {PHONE}", "affirm", 0.45).action("callback_form").loop(None)
          .answer("action_callback_submit", "C’est noté, nous vous rappelons."))
    # 7. conversation 1's id, a new session next week: hello. First answer: 1 s.
    c7 = Conversation("web-ph1-aaaa01", D3 + 3600).session().user("bonjour", "greet", 0.99) \
        .answer("utter_greet", "Bonjour !", 1)
    return [c1, c2, c3, c4, c5, c6, c7]


def write(engine, conversations: List[Conversation]) -> None:
    """Insert the rows in time order (as Rasa would, one conversation after another)."""
    rows = sorted((r for c in conversations for r in c.rows), key=lambda r: r["timestamp"])
    with engine.begin() as conn:
        conn.execute(events.insert(), rows)
