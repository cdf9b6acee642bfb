"""French wording of the public top-up schemes (CAP, CAP+, Cap Francexport, Cap Relais).

``decision_reply(decision)`` turns a :class:`bot.cap.engine.Decision` into a reply;
``scheme_reply(name, as_of)`` explains one scheme in general (what it was, whether it is closed).
``what_then(decision)``, when the scheme was closed at the sale date, asks for the sale date and the
limit then (it never computes a figure on a date nobody gave); the eligibility form's questions are
:func:`ask` and its neighbours. Never quotes a price: the price depends on the contract.

Modules: :mod:`~bot.wording.cap.texts` (every sentence, :data:`TEMPLATES`),
:mod:`~bot.wording.cap.decision`, :mod:`~bot.wording.cap.schemes`, :mod:`~bot.wording.cap.form`.
"""
from bot.wording.cap.decision import CHECK_KEY, WHY_KEY, decision_reply, what_then
from bot.wording.cap.form import (ASK_BUTTONS, amount_ambiguous, ask, buyer_ambiguous, buyer_unknown, form_back,
                                  form_stopped, from_store, limit_unknown_then, problem)
from bot.wording.cap.knowledge import country_note, knowledge_reply
from bot.wording.cap.schemes import overview_reply, price_reply, scheme_reply
from bot.wording.cap.texts import HUMAN_BUTTON, INTRO_KEY, TEMPLATES, ratio_words

__all__ = ["TEMPLATES", "INTRO_KEY", "WHY_KEY", "CHECK_KEY", "ASK_BUTTONS", "HUMAN_BUTTON", "ratio_words",
           "decision_reply", "what_then", "scheme_reply", "overview_reply", "price_reply", "ask", "form_stopped",
           "form_back", "problem", "from_store", "buyer_unknown", "buyer_ambiguous", "amount_ambiguous",
           "limit_unknown_then", "knowledge_reply", "country_note"]
