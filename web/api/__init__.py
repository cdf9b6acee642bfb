"""The web APIs and what they share.

Shared by every API (and by ``web/server.py``'s sign-in):

- :mod:`web.api.errors`    one JSON error response (``{"error": "<French sentence>"}``, never cached)
- :mod:`web.api.auth`      the bearer token of a request -> a policyholder or an agent (``bot.auth``), or 401
- :mod:`web.api.limits`    rate limits per client IP / identity (``bot.ratelimit``) -> 429 with ``Retry-After``
- :mod:`web.api.db`        one unit of work on the claims store, off the event loop
- :mod:`web.api.jsonbody`  the JSON object of a request body (415/413/400 otherwise)

The APIs, each with an ``add_routes(app)`` called by ``web/server.py``:

- :mod:`web.api.agent`     the agent desk (``/agent/``, ``/api/agent/*``)
- :mod:`web.api.insights`  the desk's insights page and review queue (``/agent/insights``, supervisors)
- :mod:`web.api.referral`  agent → bot referral links (``/api/referral/*``)
- :mod:`web.api.pairing`   messaging-account pairing (``/api/pairing/*``)
"""
