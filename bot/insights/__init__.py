"""Insights for the claims desk: how the assistant is doing, and a review loop that turns real
conversations into training data. No Rasa import.

Everything is computed in the databases the product already has, never in a parallel log:

- :mod:`bot.insights.sql`      dialect helpers (SQLite and PostgreSQL): channel, day, week, JSON fields;
- :mod:`bot.insights.schema`   the aggregate tables kept next to Rasa's ``events`` table (one row per
  conversation, one per message), rebuilt from the events by SQL;
- :mod:`bot.insights.refresh`  the incremental refresh (``INSERT … SELECT`` over the new events);
- :mod:`bot.insights.metrics`  the page's figures per day / week and per channel (tracker store
  aggregates + tickets, CSAT answers, complaints, pairings and referrals of the claims store);
- :mod:`bot.insights.review`   the review queue (messages worth a look, grouped by similarity,
  masked), reviewers' decisions (claims store, ``insights_reviews``) and the Rasa NLU export;
- ``python -m bot.insights refresh|export-nlu`` (:mod:`bot.insights.__main__`).

What each figure means, and its limits: docs/insights.md.
"""
