"""Code lists the loader validates against: ISO 4217, ISO 3166 and the engine's enums.

Built from pycountry (kept current by its maintainers) rather than home-made
tables, plus the few codes in real use that ISO does not assign.
"""

from __future__ import annotations

from functools import cache

import pycountry

from screening.schema import CHANNELS, PARTY_TYPES

# Kosovo is not in ISO 3166 but appears in payments and in organ-trafficking cases (Medicus).
_EXTRA_COUNTRIES = {"XK": "XK", "XKX": "XK"}

CHANNEL_SYNONYMS: dict[str, str] = {
    **{c: c for c in CHANNELS},
    "swift": "wire",
    "sepa": "wire",
    "transfer": "wire",
    "wire transfer": "wire",
    "bank transfer": "wire",
    "trf": "wire",
    "direct debit": "ach",
    "standing order": "ach",
    "pos": "card",
    "debit card": "card",
    "credit card": "card",
    "atm": "cash",
    "remittance": "msb",
    "money transfer": "msb",
    "hawala": "msb",
    "mobile money": "mobile",
    "wallet": "mobile",
    "vasp": "crypto",
    "check": "cheque",
    "chq": "cheque",
    "book transfer": "internal",
    "own account": "internal",
}
"""Spellings of channels seen in bank exports, keyed in lower case."""

PARTY_TYPE_SYNONYMS: dict[str, str] = {
    **{t: t for t in PARTY_TYPES},
    "individual": "person",
    "natural person": "person",
    "natural": "person",
    "private": "person",
    "p": "person",
    "i": "person",
    "organization": "organisation",
    "org": "organisation",
    "company": "organisation",
    "business": "organisation",
    "corporate": "organisation",
    "entity": "organisation",
    "legal person": "organisation",
    "legal entity": "organisation",
    "o": "organisation",
    "c": "organisation",
    "e": "organisation",
}
"""Spellings of party types seen in bank exports, keyed in lower case."""


@cache
def currency_codes() -> dict[str, str]:
    """ISO 4217 alphabetic codes, each mapped to itself."""
    return {c.alpha_3: c.alpha_3 for c in pycountry.currencies}


@cache
def country_codes() -> dict[str, str]:
    """ISO 3166 alpha-2 and alpha-3 codes, each mapped to its alpha-2 code."""
    codes = dict(_EXTRA_COUNTRIES)
    for country in pycountry.countries:
        codes[country.alpha_2] = country.alpha_2
        codes[country.alpha_3] = country.alpha_2
    return codes
