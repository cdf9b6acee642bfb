"""Domain library of the "Assistant indemnisation".

Framework-free on purpose: nothing in ``bot/`` (except ``bot/channels/``, which holds
Rasa extensions) imports Rasa, so the domain runs and is tested on Python 3.10 and 3.11.
"""
