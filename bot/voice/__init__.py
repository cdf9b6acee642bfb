"""The phone: what the assistant says (:mod:`bot.voice.speech`), what it hears (:mod:`bot.voice.hearing`),
the call state the channel keeps between two webhooks (:mod:`bot.voice.state`) and the one-time code a
direct caller proves who they are with (:mod:`bot.voice.verify`).

No Rasa import: the Twilio Voice channel (``rasa_ext/channels/voice.py``) is the only adapter.
"""
