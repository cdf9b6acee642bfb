"""Custom Rasa NLU components for the French claims assistant.

Use them in config.yml by their module path, e.g.
``- name: rasa_ext.nlu.tokenizer.FrenchTokenizer``.
"""
