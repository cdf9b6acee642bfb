"""Rasa extensions (input channels). The only part of ``bot/`` allowed to import Rasa."""
