"""The OFSI consolidated CSV reader: scattered rows grouped by Group ID, fields, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions.model import EntryName, ListEntry
from screening.sanctions.uk import read_ofsi_csv

FIXTURE = Path(__file__).parent / "fixtures" / "ofsi_conlist_small.csv"
HEADER = (
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Nationality,Group Type,Alias Type,Regime,Group ID\n"
)


def _entries() -> dict[str, ListEntry]:
    return {e.entry_id: e for e in read_ofsi_csv(FIXTURE)}


def test_one_entry_per_group_in_first_seen_order() -> None:
    entries = list(read_ofsi_csv(FIXTURE))
    assert [(e.entry_id, e.kind) for e in entries] == [
        ("90001", "person"),
        ("90002", "organisation"),
        ("90003", "vessel"),
        ("90004", "person"),
    ]
    assert {e.list_name for e in entries} == {"UK-OFSI"}


def test_primary_name_first_then_scattered_aliases() -> None:
    person = _entries()["90001"]
    assert person.names == (
        EntryName(full="Abdul Rahman AL-TESTI", parts=("Abdul", "Rahman", "AL-TESTI")),
        EntryName(full="Abu AL-ALIAS", parts=("Abu", "AL-ALIAS"), is_alias=True),
        EntryName(full="Abdul TESTI", parts=("Abdul", "TESTI"), is_alias=True),
    )


def test_person_details_are_not_repeated_per_row() -> None:
    person = _entries()["90001"]
    assert person.dates_of_birth == ("1961",)
    assert person.nationalities == ("IQ", "SY")
    assert person.identifiers == (
        ("Passport", "A1234567"),
        ("Passport", "B7654321"),
        ("National Identification Number", "IQ-99887766"),
    )
    assert person.addresses == ("12 Test Street, Baghdad, Iraq",)
    assert person.programmes == ("Iraq",)
    assert person.remarks == "Fictitious entry for tests."


def test_entity_ship_and_differing_alias_rows() -> None:
    entries = _entries()
    company = entries["90002"]
    assert [(n.full, n.is_alias) for n in company.names] == [
        ("EXAMPLE SHIPPING CO LTD", False),
        ("EXAMPLE MARINE", True),
    ]
    assert company.addresses == ("1 Harbour Road, Bandar Abbas, 79100, Iran",)
    assert company.dates_of_birth == ()
    assert company.remarks is None
    assert entries["90003"].remarks == "IMO 9079066"
    jane = entries["90004"]
    assert [n.full for n in jane.names] == ["Jane TESTOVA"]  # the same spelling twice is one name
    assert jane.dates_of_birth == ("1970-06-15", "1971-06")
    assert jane.nationalities == ("RU",)


def test_group_without_primary_uses_its_first_row(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text(
        "Last Updated,01/02/2026\n"
        + HEADER
        + "ONE,,,,,,,,,Entity,AKA,Iran,7\nTWO,,,,,,,,,Entity,AKA,Iran,7\n",
        encoding="utf-8",
    )
    (entry,) = read_ofsi_csv(path)
    assert [(n.full, n.is_alias) for n in entry.names] == [("ONE", False), ("TWO", True)]


def test_windows_1252_file(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    text = "Last Updated,01/02/2026\n" + HEADER + "MÜLLER,José,,,,,,,,Individual,Primary name,Russia,8\n"
    path.write_bytes(text.encode("cp1252"))
    (entry,) = read_ofsi_csv(path)
    assert entry.names[0].full == "José MÜLLER"


def test_missing_last_updated_line(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text(HEADER + "ONE,,,,,,,,,Entity,AKA,Iran,7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"conlist\.csv, row 1: expected a 'Last Updated' line"):
        list(read_ofsi_csv(path))


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text("Last Updated,01/02/2026\nName 6,Name 1,Group Type,Alias Type\nX,,Entity,AKA\n", "utf-8")
    with pytest.raises(InputError, match=r"conlist\.csv, row 2, field Group ID: missing column 'Group ID'"):
        list(read_ofsi_csv(path))


def test_bad_group_type_and_empty_group_id(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text(
        "Last Updated,01/02/2026\n" + HEADER + "ONE,,,,,,,,,Entity,AKA,Iran,7\nTWO,,,,,,,,,Boat,AKA,Iran,8\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"row 4, field Group Type: Group Type 'Boat' is not Individual"):
        list(read_ofsi_csv(path))
    path.write_text("Last Updated,01/02/2026\n" + HEADER + "ONE,,,,,,,,,Entity,AKA,Iran,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3, field Group ID: Group ID is empty"):
        list(read_ofsi_csv(path))


def test_empty_primary_name_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text("Last Updated,01/02/2026\n" + HEADER + ",,,,,,,,,Entity,Primary name,Iran,9\n", "utf-8")
    with pytest.raises(InputError, match=r"row 3, field Name 6: the primary name of group 9 is empty"):
        list(read_ofsi_csv(path))
    with pytest.raises(InputError, match=r"absent\.csv: cannot read the OFSI list"):
        list(read_ofsi_csv(tmp_path / "absent.csv"))
