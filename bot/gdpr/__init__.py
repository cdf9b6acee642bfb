"""Data protection (GDPR): retention purge, a policyholder's export and erasure, the daily job.

- :mod:`bot.gdpr.retention`: ``purge`` — conversation data older than ``RETENTION_DAYS`` (default
  90), audit rows older than ``AUDIT_RETENTION_DAYS`` (default 365); what is kept and why is in
  that module's docstring;
- :mod:`bot.gdpr.subject`: ``export`` / ``erase`` for one policyholder;
- :mod:`bot.gdpr.tracker`: Rasa's tracker store (``events`` table) on SQLite or PostgreSQL;
- :mod:`bot.gdpr.schedule`: the purge in a background thread of a long-running process;
- ``python -m bot.gdpr purge|export|erase``: the command line (:mod:`bot.gdpr.__main__`).

Why 90 days for conversations: long enough to follow a claim conversation through handoff,
callback and a complaint about it (a claim moves from declaration to collection within weeks),
short enough that transcripts typed with contact or bank details do not pile up; the claims
themselves live in the claims store, not in conversations. Why 365 days for the audit log: the
CNIL's recommendation on logging (délibération n° 2021-122) is six months to one year for access
traces; a year covers an annual control. Both are settings, to be confirmed by the DPO.

No Rasa import.
"""
