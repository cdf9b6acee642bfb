"""Thin rasa_sdk adapters: parse the tracker, call ``bot/`` off the event loop, utter the wording."""
