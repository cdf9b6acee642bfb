"""French wording of the public top-up schemes (CAP, CAP+, Cap Francexport, Cap Relais).

``decision_reply(decision)`` turns a :class:`bot.cap.engine.Decision` into a reply;
``scheme_reply(name, as_of)`` explains one scheme in general (what it was, whether it is closed).
``what_then(decision)`` says what would have applied at another date; the eligibility form's questions
are :func:`ask` and its neighbours. Never quotes a price: no public tariff exists.

Modules: :mod:`~bot.wording.cap.texts` (every sentence, :data:`TEMPLATES`),
:mod:`~bot.wording.cap.decision`, :mod:`~bot.wording.cap.schemes`, :mod:`~bot.wording.cap.form`.
"""
from bot.wording.cap.decision import CHECK_KEY, WHY_KEY, decision_reply, what_then
from bot.wording.cap.form import (ASK_BUTTONS, ask, buyer_ambiguous, buyer_unknown, form_back, form_stopped,
                                  from_store, problem)
from bot.wording.cap.schemes import overview_reply, price_reply, scheme_reply
from bot.wording.cap.texts import HUMAN_BUTTON, INTRO_KEY, TEMPLATES, ratio_words

__all__ = ["TEMPLATES", "INTRO_KEY", "WHY_KEY", "CHECK_KEY", "ASK_BUTTONS", "HUMAN_BUTTON", "ratio_words",
           "decision_reply", "what_then", "scheme_reply", "overview_reply", "price_reply", "ask", "form_stopped",
           "form_back", "problem", "from_store", "buyer_unknown", "buyer_ambiguous"]
