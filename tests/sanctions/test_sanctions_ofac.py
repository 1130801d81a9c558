"""The OFAC legacy SDN CSV reader: joins, name order, remarks parsing, errors and the real 2019 list."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions import EntryName, ListEntry, read_ofac_csv

FIXTURES = Path(__file__).parent / "fixtures" / "ofac"
REAL_OFAC = Path(__file__).resolve().parents[3] / "shared" / "data" / "sanctions" / "ofac-2019"


def _entries() -> dict[str, ListEntry]:
    return {e.entry_id: e for e in read_ofac_csv(FIXTURES)}


def test_kinds_and_order() -> None:
    entries = list(read_ofac_csv(FIXTURES))
    assert [(e.entry_id, e.kind) for e in entries] == [
        ("1001", "person"),
        ("1002", "organisation"),
        ("1003", "vessel"),
    ]
    assert {e.list_name for e in entries} == {"OFAC-SDN"}


def test_individual_names_are_turned_round() -> None:
    person = _entries()["1001"]
    assert person.names == (
        EntryName(full="Ivan Petrovich TESTOV", parts=("Ivan Petrovich", "TESTOV")),
        EntryName(full="Ivan TESTOV", parts=("Ivan", "TESTOV"), is_alias=True),
        EntryName(full="IVO", quality="low", is_alias=True),
    )


def test_remarks_give_birth_dates_nationality_and_documents() -> None:
    person = _entries()["1001"]
    assert person.dates_of_birth == ("12 Jan 1960", "1961")
    assert person.nationalities == ("IR",)
    assert person.identifiers == (("Passport", "Z1234567"),)
    assert person.programmes == ("SDGT", "IRGC")
    assert person.addresses == ("Tehran",)


def test_organisation_keeps_comma_in_name_and_joins_address() -> None:
    company = _entries()["1002"]
    assert [n.full for n in company.names] == ["EXAMPLE SHIPPING CO., LTD.", "EXAMPLE MARINE CO."]
    assert company.names[0].parts == ()
    assert company.addresses == ("12 Dock Street, Bandar Abbas, Iran",)
    assert company.remarks is None
    assert company.dates_of_birth == ()


def test_vessel_identifiers() -> None:
    vessel = _entries()["1003"]
    assert vessel.identifiers == (("Call Sign", "9BAB4"), ("IMO", "9079066"))


def test_folder_without_sdn_csv(tmp_path: Path) -> None:
    for name in ("add.csv", "alt.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with pytest.raises(InputError, match=r"sdn\.csv: missing: the OFAC legacy CSV needs sdn\.csv"):
        list(read_ofac_csv(tmp_path))


def test_wrong_shape_names_file_and_row(tmp_path: Path) -> None:
    for name in ("add.csv", "alt.csv", "sdn.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with (tmp_path / "sdn.csv").open("a", encoding="utf-8") as sdn:
        sdn.write("txn_id,ts,amount\n")
    with pytest.raises(InputError, match=r"sdn\.csv, row 4: expected 12 comma-separated fields, found 3"):
        list(read_ofac_csv(tmp_path))


def test_non_numeric_ent_num(tmp_path: Path) -> None:
    for name in ("add.csv", "sdn.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "alt.csv").write_text('x,1,"aka","NAME",-0- \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"alt\.csv, row 1, field ent_num: ent_num 'x' is not a number"):
        list(read_ofac_csv(tmp_path))


@pytest.mark.skipif(
    not REAL_OFAC.is_dir(), reason=f"real OFAC 2019 list not found at {REAL_OFAC} (shared data absent)"
)
def test_real_2019_list() -> None:
    entries = list(read_ofac_csv(REAL_OFAC))
    assert len(entries) == 7379
    assert len({e.entry_id for e in entries}) == len(entries)
    assert Counter(e.kind for e in entries) == {
        "person": 3845,
        "organisation": 2994,
        "vessel": 323,
        "aircraft": 217,
    }
    assert (
        sum(n.is_alias and n.quality is None for e in entries for n in e.names) == 9682
    )  # alt.csv: 9,681 lines plus a last one without a newline
    cuba = next(e for e in entries if e.entry_id == "306")
    assert cuba.names[0].full == "BANCO NACIONAL DE CUBA"
    assert cuba.addresses[0] == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    assert len(cuba.addresses) == 4
    assert EntryName(full="BNC", quality="low", is_alias=True) in cuba.names
    abbas = next(e for e in entries if e.entry_id == "2674")
    assert abbas.names[0] == EntryName(full="Abu ABBAS", parts=("Abu", "ABBAS"))
    assert abbas.dates_of_birth == ("10 Dec 1948",)
    assert sum(bool(e.nationalities) for e in entries) > 1000
