"""The format-free record every sanctions reader yields.

Matching needs names split the same way whatever list they came from, and an FIU analyst needs the
list's own reference to cite, so both are kept; everything else is carried as the list gives it,
because dates like "1961" or "1960/1965" lose meaning if forced into a full date.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pycountry

EntryKind = Literal["person", "organisation", "vessel", "aircraft", "other"]
Script = Literal["latin", "original"]
Quality = Literal["good", "low"]


@dataclass(frozen=True, slots=True)
class EntryName:
    """One way of writing a listed party's name.

    ``quality`` keeps the publisher's own judgement ("low" aliases are often too common to match
    on alone); ``None`` means the list says nothing about it.
    """

    full: str
    parts: tuple[str, ...] = ()
    script: Script = "latin"
    quality: Quality | None = None
    is_alias: bool = False


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One listed party, with the list's own reference so a hit can be traced back to the source."""

    list_name: str
    entry_id: str
    kind: EntryKind
    names: tuple[EntryName, ...]
    dates_of_birth: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    addresses: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    remarks: str | None = None


# Names the lists use that ISO 3166 (as pycountry spells it) does not recognise.
COUNTRY_ALIASES = {
    "korea, north": "KP",
    "korea, south": "KR",
    "russia": "RU",
    "democratic republic of the congo": "CD",
    "congo, democratic republic of the": "CD",
    "turkey": "TR",
    "iran (islamic republic of)": "IR",
    "state of palestine": "PS",
    "palestinian": "PS",
    "the gambia": "GM",
    "burma": "MM",
    "macedonia, the former yugoslav republic of": "MK",
}


@lru_cache(maxsize=1024)
def country_code(text: str) -> str:
    """ISO 3166 alpha-2 code for a country name, or the text itself when it is not recognised.

    Lists write countries as prose ("Iran", "Syrian Arab Republic", "Korea, North"); a code lets
    nationalities from different lists be compared, and the raw text is kept rather than guessed.
    """
    cleaned = text.strip()
    if code := COUNTRY_ALIASES.get(cleaned.lower()):
        return code
    try:
        country = pycountry.countries.lookup(cleaned)
    except LookupError:
        return cleaned
    return str(country.alpha_2)
