"""Domain library of the "Assistant indemnisation".

Framework-free on purpose: nothing in ``bot/`` imports Rasa (the Rasa extensions live in the
top-level ``rasa_ext/``; ``tests/rasa_ext/test_layering.py`` checks it), so the domain runs and is
tested on Python 3.10 (the Rasa server imports part of it) and 3.12 (the action and web servers).
"""
