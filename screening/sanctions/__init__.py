"""Readers for official sanctions lists, turning each format into the same `ListEntry` records.

Kept apart from the rest of the engine so that the list store and name matching can be built on a
single, format-free model: every quirk of a publisher stays inside its own reader.
"""

from screening.sanctions.eu import read_eu_xml
from screening.sanctions.internal import read_internal
from screening.sanctions.model import EntryName, ListEntry
from screening.sanctions.ofac import read_ofac_csv
from screening.sanctions.ofac_xml import read_ofac_xml
from screening.sanctions.uk import read_ofsi_csv
from screening.sanctions.uk_fcdo import read_uk_xml
from screening.sanctions.un import read_un

__all__ = [
    "EntryName",
    "ListEntry",
    "read_eu_xml",
    "read_internal",
    "read_ofac_csv",
    "read_ofac_xml",
    "read_ofsi_csv",
    "read_uk_xml",
    "read_un",
]
