"""The CAP eligibility form: one question per slot, the answers checked, side questions and "stop".

The form's questions are ``action_ask_cap_*``; ``validate_cap_form`` reads the raw answer to the
question just asked (never a side question), answers a question on the schemes asked instead,
and leaves the form when the person says "stop". Shared helpers live in :mod:`actions.cap`.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cap import ALL_SLOTS, DIGRESSIONS, FORM_SLOTS, _entities, _text, _today, knowledge, limit_on
from actions.common import answer_next, audited_call, identity, parse, say
from bot import dialogue as reading
from bot.cap import dialogue
from bot.store import queries
from bot.wording import cap as wording
from bot.wording import dialogue as dialogue_wording


class _AskSlot(Action):
    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.ask(self.slot))
        return []


# action_ask_cap_buyer, action_ask_cap_requested, ... (one class per question of the form)
for _slot in FORM_SLOTS:
    _cls = type(f"ActionAsk{_slot.title().replace('_', '')}", (_AskSlot,), {"slot": _slot, "__module__": __name__})
    globals()[_cls.__name__] = _cls


class ValidateCapForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_cap_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """"stop" leaves the form (Rasa ends a form whose validation returns ``ActiveLoop(None)``)."""
        text = _text(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        asking = tracker.get_slot("requested_slot") in FORM_SLOTS and text and not text.startswith("/")
        goodbye = reading.is_goodbye(text) and intent in ("goodbye", "thank")
        requested = tracker.get_slot("requested_slot")
        cancel = reading.is_cancel(text) and (requested == "cap_buyer" or not dialogue.answers(requested, text, _today()))
        if asking and (dialogue.wants_to_stop(text) or cancel or goodbye):
            say(dispatcher, dialogue_wording.form_goodbye() if goodbye and not cancel
                else wording.form_stopped())
            return [SlotSet(s, None) for s in ALL_SLOTS] + [SlotSet("cap_mode", "stopped"), ActiveLoop(None)] \
                + answer_next(tracker)
        if asking and reading.wants_to_declare(text):  # a clear wish to declare: leave for the declaration
            return [SlotSet(s, None) for s in ALL_SLOTS] + [SlotSet("cap_mode", "stopped"), ActiveLoop(None),
                                                             FollowupAction("action_declare_start")]
        if asking and (reading.asks_if_machine(text) or intent == "bot_challenge"):
            say(dispatcher, dialogue_wording.machine())
            return [SlotSet("cap_mode", "eligibility")]  # a slot event: the form goes on and asks again
        if asking and reading.is_thanks(text) and not any(c.isdigit() for c in text) \
                and len(text.split()) <= 6 and not reading.is_question(text):
            # "merci c'est clair": the person has what they wanted; the form lets go (nothing was asked for)
            say(dispatcher, dialogue_wording.form_goodbye())
            return [SlotSet(s, None) for s in ALL_SLOTS] + [SlotSet("cap_mode", "stopped"), ActiveLoop(None)]
        if asking and intent == "greet" and reading.is_greeting(text) and not any(c.isdigit() for c in text) \
                and len(text.split()) <= 6:
            say(dispatcher, dialogue_wording.form_hello())
            return [SlotSet("cap_mode", "eligibility")]
        return await super().run(dispatcher, tracker, domain)

    async def get_extraction_events(self, dispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """The raw answer to the question just asked (never a question on the side).

        A question on the schemes that does not answer the question asked is answered, then the
        form asks its question again."""
        slot = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = _text(tracker)
        if slot not in FORM_SLOTS or not text or text.startswith("/"):
            return []
        if intent in DIGRESSIONS:
            if slot == "cap_buyer" and await self._known_buyer(tracker, text):
                tracker.slots[slot] = text  # a buyer's name NLU took for something else
                return [SlotSet(slot, text)]
            if slot != "cap_buyer" and len(text.split()) <= 6 and not reading.is_question(text) \
                    and dialogue.answers(slot, text, _today()):
                tracker.slots[slot] = text  # "31/03/2021", "600 000": the answer, whatever the intent
                return [SlotSet(slot, text)]
            return []
        if slot == "cap_buyer" and len(text.split()) > 4:
            text = (_entities(tracker).get("buyer") or [text])[0]  # « c'est plutôt pour X, eux ... »
        if intent != "ask_cap" and reading.is_question(text) and not dialogue.answers(slot, text, _today()):
            return []  # a question is never an answer: the rules answer it, then the form asks again
        if intent == "ask_cap" and not dialogue.answers(slot, text, _today()) or (
                reading.is_question(text) and await parse(knowledge, tracker, text, _entities(tracker), _today())):
            answer = await parse(knowledge, tracker, text, _entities(tracker), _today())
            if answer is None:
                scheme = dialogue.scheme_from(text, (_entities(tracker).get("cap_scheme") or [None])[0])
                answer = wording.scheme_reply(scheme, as_of=_today()) if scheme else wording.overview_reply(_today())
            say(dispatcher, answer)  # the fact asked; the form then asks its question again
            say(dispatcher, wording.form_back())
            tracker.slots[slot] = None
            return [SlotSet(slot, None)]
        tracker.slots[slot] = text
        return [SlotSet(slot, text)]

    async def _known_buyer(self, tracker: Tracker, text: str) -> bool:
        """A short reply, not a question nor a stop, that names one of the policyholder's buyers."""
        who = identity(tracker)
        if who is None or not text or len(text.split()) > 4 or any(c.isdigit() for c in text) \
                or reading.is_question(text) or reading.is_cancel(text):
            return False
        found = await audited_call(CollectingDispatcher(), who, queries.guarantee_on_buyer, text)
        return found is not None and found.outcome == "match"

    async def validate_cap_buyer(self, value: Any, dispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # a side question or "stop": nothing to check
            return {"cap_buyer": None}
        name = " ".join(str(value or "").split())
        who = identity(tracker)
        if who is None or dialogue.is_no_buyer(name) or not 2 <= len(name) <= 120:
            return {"cap_buyer": dialogue.NO_BUYER}
        found = await audited_call(dispatcher, who, queries.guarantee_on_buyer, name)
        if found is None:  # the store apologised: go on with typed figures
            return {"cap_buyer": dialogue.NO_BUYER}
        if found.outcome == "ambiguous":
            say(dispatcher, wording.buyer_ambiguous(found.candidates))
            return {"cap_buyer": None}
        if found.outcome != "match":
            say(dispatcher, wording.buyer_unknown())
            return {"cap_buyer": dialogue.NO_BUYER}
        if tracker.get_slot("cap_requested") and (tracker.get_slot("cap_granted") or tracker.get_slot("cap_refused")):
            # the person typed the figures of the sale: they win over the agrément's
            country = tracker.get_slot("cap_country") or found.limit.buyer_country or "FR"
            return {"cap_buyer": dialogue.NO_BUYER, "cap_country": country}
        on = dialogue.parse_tx_date(tracker.get_slot("cap_transaction_date"), _today()) \
            if tracker.get_slot("cap_transaction_date") else None
        if on is not None and on >= _today():
            on = None  # a sale to come: today's agrément
        values = dialogue.limit_slots(found.limit, on=on)  # the agrément as it stood on the sale date
        if values is None:
            say(dispatcher, wording.limit_unknown_then(found.limit.buyer_name, on))
            return {"cap_buyer": dialogue.NO_BUYER}
        say(dispatcher, wording.from_store(found.limit.buyer_name, Decimal(values["cap_requested"]),
                                           Decimal(values["cap_granted"]), values["cap_refused"], on=on))
        return {k: v for k, v in values.items() if k == "cap_buyer" or not tracker.get_slot(k)}

    async def validate_cap_requested(self, value: Any, dispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # a side question or "stop": nothing to check
            return {"cap_requested": None}
        readings = await parse(dialogue.ambiguous_amount, str(value))
        if readings:  # "600,000": 600 € or 600 000 €? ask, never guess
            say(dispatcher, wording.amount_ambiguous(readings))
            return {"cap_requested": None}
        amounts = await parse(dialogue.amounts_in, str(value or ""))
        if not amounts:
            say(dispatcher, wording.problem("bad_cap_amount"))
            return {"cap_requested": None}
        return {"cap_requested": str(amounts[0])}

    async def validate_cap_granted(self, value: Any, dispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # a side question or "stop": nothing to check
            return {"cap_granted": None}
        readings = await parse(dialogue.ambiguous_amount, str(value))
        if readings:  # "200,000": 200 € or 200 000 €? ask, never guess
            say(dispatcher, wording.amount_ambiguous(readings))
            return {"cap_granted": None}
        parsed = await parse(dialogue.parse_granted, str(value or ""))
        if parsed is None:
            say(dispatcher, wording.problem("bad_cap_granted"))
            return {"cap_granted": None}
        return {"cap_granted": str(parsed[0]), "cap_refused": parsed[1]}

    async def validate_cap_country(self, value: Any, dispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # a side question or "stop": nothing to check
            return {"cap_country": None}
        code = await parse(dialogue.parse_country, str(value or ""))
        if code is None:
            say(dispatcher, wording.problem("bad_cap_country"))
        return {"cap_country": code}

    async def validate_cap_transaction_date(self, value: Any, dispatcher, tracker: Tracker,
                                            domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # a side question or "stop": nothing to check
            return {"cap_transaction_date": None}
        day = await parse(dialogue.parse_tx_date, str(value or ""), _today())
        if day is None:
            say(dispatcher, wording.problem("bad_cap_date"))
            return {"cap_transaction_date": None}
        if day >= _today():  # a sale to come: the figures already taken (today's agrément, or typed) stand
            return {"cap_transaction_date": day.isoformat()}
        then = await limit_on(dispatcher, tracker, day)  # figures from the agrément: as they stood that day
        if then is None:  # no limit known at that date: ask for the figures of then
            say(dispatcher, wording.limit_unknown_then(tracker.get_slot("cap_buyer"), day))
            return {"cap_transaction_date": day.isoformat(), "cap_buyer": dialogue.NO_BUYER,
                    "cap_requested": None, "cap_granted": None, "cap_refused": None}
        changed = {k: v for k, v in then.items() if k != "cap_buyer" and tracker.get_slot(k) != v}
        if changed:
            say(dispatcher, wording.from_store(then["cap_buyer"], Decimal(then["cap_requested"]),
                                               Decimal(then["cap_granted"]), then["cap_refused"], on=day))
        return {"cap_transaction_date": day.isoformat(), **changed}
