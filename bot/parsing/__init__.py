"""Parse what people type: amounts, dates, scheme names and countries (French first).

Pure functions, no I/O, no Rasa. They return ``None`` when the text holds nothing usable;
they never guess a figure that is not in the text.

One module per kind of value: :mod:`~bot.parsing.amounts` (:func:`parse_amount`, and
:func:`read_amount` when a text can be read two ways, "600,000"),
:mod:`~bot.parsing.dates` (:func:`parse_date`), :mod:`~bot.parsing.schemes`
(:func:`normalise_scheme`), :mod:`~bot.parsing.countries` (:func:`normalise_country`); they all
read the text through :func:`bot.parsing.text.fold` first.
"""
from bot.parsing.amounts import AmountReading, parse_amount, read_amount
from bot.parsing.countries import COUNTRIES, normalise_country
from bot.parsing.dates import FUTURE_TOLERANCE_DAYS, MONTHS, parse_date  # noqa: F401  (public names)
from bot.parsing.schemes import SCHEME_NAMES, normalise_scheme

__all__ = ["parse_amount", "read_amount", "AmountReading", "parse_date", "normalise_scheme", "normalise_country", "COUNTRIES",
           "SCHEME_NAMES"]
