"""Readers for official sanctions lists, turning each format into the same `ListEntry` records.

Kept apart from the rest of the engine so that the list store and name matching can be built on a
single, format-free model: every quirk of a publisher stays inside its own reader.
"""

from screening.sanctions.model import EntryName, ListEntry
from screening.sanctions.ofac import read_ofac_csv
from screening.sanctions.un import read_un

__all__ = ["EntryName", "ListEntry", "read_ofac_csv", "read_un"]
