"""The UK Sanctions List (FCDO) XML reader, on a small fixture written in the published layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions.lists import detect_format
from screening.sanctions.model import EntryName
from screening.sanctions.uk_fcdo import read_uk_xml

FIXTURE = Path(__file__).parent / "fixtures" / "uk_sanctions_list_small.xml"


def test_one_entry_per_designation_with_its_kind() -> None:
    entries = list(read_uk_xml(FIXTURE))
    assert [(e.list_name, e.entry_id, e.kind) for e in entries] == [
        ("UK", "TST0001", "person"),
        ("UK", "TST0002", "organisation"),
        ("UK", "TST0003", "vessel"),
    ]


def test_names_primary_first_then_variations_aliases_and_other_scripts() -> None:
    person = next(read_uk_xml(FIXTURE))
    assert person.names == (
        EntryName(full="Abdul Rahman AL-TESTI", parts=("Abdul", "Rahman", "AL-TESTI")),
        EntryName(full="Abdulrahman AL TESTI", parts=("Abdulrahman", "AL TESTI")),
        EntryName(full="Abu AL-ALIAS", parts=("Abu", "AL-ALIAS"), quality="low", is_alias=True),
        EntryName(full="عبد الرحمن التستي", script="original"),
    )


def test_dates_nationalities_identifiers_addresses_and_regime() -> None:
    person = next(read_uk_xml(FIXTURE))
    assert person.dates_of_birth == ("1975", "1976-03-14")
    assert person.nationalities == ("SY", "TR")
    assert person.identifiers == (("Passport", "N1234567"), ("National Identification Number", "SY-998877"))
    assert person.addresses == ("Street 4, Idlib, Syria",)
    assert person.programmes == ("ISIL (Da'esh) and Al-Qaida",)
    assert person.remarks == "Facilitator of payments."


def test_the_format_is_recognised_from_the_root() -> None:
    assert detect_format(FIXTURE) == "uk-xml"


def test_an_unknown_kind_names_the_designation_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "uk.xml"
    bad.write_text(FIXTURE.read_text(encoding="utf-8").replace(">Ship<", ">Aircraft<"), encoding="utf-8")
    with pytest.raises(InputError, match=r"TST0003.*IndividualEntityShip") as error:
        list(read_uk_xml(bad))
    assert error.value.field == "IndividualEntityShip"


def test_another_xml_list_is_refused_by_its_root(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<CONSOLIDATED_LIST></CONSOLIDATED_LIST>", encoding="utf-8")
    with pytest.raises(InputError, match="expected <Designations>"):
        list(read_uk_xml(other))
