"""The internal watchlist reader: both formats, aliases in one entry, and errors naming file, row, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions.internal import read_internal
from screening.sanctions.model import EntryName, ListEntry

FIXTURES = Path(__file__).parent / "fixtures" / "internal"
HEADER = (
    "list_name,entry_id,kind,name,aliases,date_of_birth,nationality,identifiers,address,programme,remarks\n"
)


def _entries(name: str) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in read_internal(FIXTURES / name)}


def test_csv_fields() -> None:
    entries = list(read_internal(FIXTURES / "watchlist.csv"))
    assert [(e.list_name, e.entry_id, e.kind) for e in entries] == [
        ("FIU-BROKERS", "BRK-0001", "person"),
        ("FIU-MEDICAL", "MED-0042", "person"),
        ("FIU-FACILITIES", "FAC-0007", "organisation"),
    ]
    broker = entries[0]
    assert broker.names == (
        EntryName(full="Viktor Testenko"),
        EntryName(full="Dr. V. Testenko", is_alias=True),
        EntryName(full="Viktor T.", is_alias=True),
    )
    assert broker.dates_of_birth == ("1968-03-14", "1969")
    assert broker.nationalities == ("UA", "MD")
    assert broker.identifiers == (("passport", "EK123456"), ("phone", "+373 555 0101"))
    assert broker.addresses == ("12 Harbour Lane, Chisinau, Moldova",)
    assert broker.programmes == ("organ-brokering",)
    assert broker.remarks == "Arranges kidney transplants abroad; see case 2024/117."


def test_csv_empty_fields_and_facility_aliases() -> None:
    entries = _entries("watchlist.csv")
    doctor = entries["MED-0042"]
    assert [n.full for n in doctor.names] == ["Anna Example"]
    assert doctor.nationalities == ("TR",)
    assert doctor.identifiers == (("licence", "TTB 765432"),)
    assert doctor.addresses == ()
    facility = entries["FAC-0007"]
    assert [(n.full, n.is_alias) for n in facility.names] == [
        ("Sunrise Transplant Clinic", False),
        ("Sunrise Medical Centre", True),
        ("Klinika Sunrise", True),
    ]
    assert facility.dates_of_birth == ()
    assert facility.remarks is None


def test_jsonl_lists_strings_and_numbers() -> None:
    entries = _entries("watchlist.jsonl")
    broker = entries["BRK-0002"]
    assert broker.kind == "person"
    assert [n.full for n in broker.names] == ["Omar Testi", "Abu Testi", "O. Testi"]
    assert broker.dates_of_birth == ("1970/1975",)
    assert broker.nationalities == ("EG",)
    assert broker.identifiers == (("passport", "A0001111"),)
    assert broker.addresses == ()
    assert broker.remarks == "Recruits donors."
    clinic = entries["17"]
    assert clinic.kind == "organisation"
    assert [n.full for n in clinic.names] == ["Harbour Dialysis Ltd", "Harbour Dialysis", "HDL"]
    assert clinic.identifiers == (("company", "12345678"),)


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("list_name,entry_id,name\nFIU,1,Someone\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"list\.csv, row 1, field kind: missing required column 'kind'"):
        list(read_internal(path))


def test_bad_kind_names_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "FIU,1,person,Good Row,,,,,,,\nFIU,2,persn,Typo Row,,,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"list\.csv, row 3, field kind: kind 'persn' is not one of"):
        list(read_internal(path))


def test_empty_name_and_bad_identifier(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "FIU,1,person,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, field name: name is empty"):
        list(read_internal(path))
    path.write_text(HEADER + "FIU,1,person,X,,,,A123,,,\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"row 2, field identifiers: identifier 'A123' is not written as type:value"
    ):
        list(read_internal(path))


def test_duplicate_entry_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        HEADER + "FIU,1,person,A,,,,,,,\nFIU,1,person,B,,,,,,,\nOTHER,1,person,C,,,,,,,\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"row 3, field entry_id: entry_id '1' repeats in list 'FIU'"):
        list(read_internal(path))


def test_jsonl_errors(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text('{"list_name": "FIU", "entry_id": "1", "kind": "person"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"list\.jsonl, row 1, field name: missing required field 'name'"):
        list(read_internal(path))
    path.write_text(
        '{"list_name": "FIU", "entry_id": "1", "kind": "person", "name": "A"}\n{oops\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"list\.jsonl, row 2: not valid JSON"):
        list(read_internal(path))
    path.write_text(
        '{"list_name": "FIU", "entry_id": "1", "kind": "ship", "name": "A", "aliases": [1]}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"row 1, field kind: kind 'ship'"):
        list(read_internal(path))


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"list\.xlsx: unknown internal watchlist format"):
        list(read_internal(tmp_path / "list.xlsx"))
    with pytest.raises(InputError, match=r"absent\.csv: cannot read the internal watchlist"):
        list(read_internal(tmp_path / "absent.csv"))
