"""The OFAC SDN XML reader: fields, aliases in one entry, namespaces, and hostile or broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions.model import EntryName, ListEntry
from screening.sanctions.ofac_xml import read_ofac_xml

FIXTURE = Path(__file__).parent / "fixtures" / "ofac_sdn_small.xml"


def _entries(path: Path = FIXTURE) -> dict[str, ListEntry]:
    return {e.entry_id: e for e in read_ofac_xml(path)}


def test_kinds_and_order_in_namespaced_file() -> None:
    entries = list(read_ofac_xml(FIXTURE))
    assert [(e.entry_id, e.kind) for e in entries] == [
        ("9001", "person"),
        ("9002", "organisation"),
        ("9003", "vessel"),
    ]
    assert {e.list_name for e in entries} == {"OFAC-SDN"}


def test_individual_fields_and_aliases_in_one_entry() -> None:
    person = _entries()["9001"]
    assert person.names == (
        EntryName(full="Ivan Petrovich TESTOV", parts=("Ivan Petrovich", "TESTOV")),
        EntryName(full="Ivan TESTOFF", parts=("Ivan", "TESTOFF"), quality="good", is_alias=True),
        EntryName(full="IVO", quality="low", is_alias=True),
    )
    assert person.dates_of_birth == ("12 Jan 1960", "1961")
    assert person.nationalities == ("IR",)
    assert person.identifiers == (("Passport", "Z1234567"),)
    assert person.addresses == ("Tehran, Iran",)
    assert person.programmes == ("SDGT", "IRGC")
    assert person.remarks == "Fictitious entry for tests."


def test_entity_and_vessel() -> None:
    entries = _entries()
    company = entries["9002"]
    assert company.names == (
        EntryName(full="EXAMPLE SHIPPING CO., LTD."),
        EntryName(full="EXAMPLE MARINE CO.", quality="good", is_alias=True),
    )
    assert company.addresses == ("12 Dock Street, Bandar Abbas, 79100, Iran",)
    assert company.dates_of_birth == ()
    assert company.remarks is None
    vessel = entries["9003"]
    assert vessel.identifiers == (
        ("Vessel Registration Identification", "IMO 9079066"),
        ("Call Sign", "9BAB4"),
    )


def test_file_without_namespace_reads_the_same(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    plain = tmp_path / "sdn.xml"
    plain.write_text(
        text.replace(
            ' xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"', ""
        ),
        encoding="utf-8",
    )
    assert "xmlns=" not in plain.read_text(encoding="utf-8")
    assert _entries(plain) == _entries()


def test_wrong_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text("<CONSOLIDATED_LIST/>", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"un\.xml: not an OFAC SDN list: root element is <CONSOLIDATED_LIST>"
    ):
        list(read_ofac_xml(path))


def test_broken_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<sdnList>\n<sdnEntry>\n<uid>1</uid>\n</sdnList>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.xml, row 4: not well-formed XML"):
        list(read_ofac_xml(path))


def test_entry_without_name_or_uid(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text("<sdnList><sdnEntry><uid>5</uid><sdnType>Entity</sdnType></sdnEntry></sdnList>", "utf-8")
    with pytest.raises(InputError, match=r"sdn\.xml: <sdnEntry> 5 has no lastName"):
        list(read_ofac_xml(path))
    path.write_text("<sdnList><sdnEntry><lastName>X</lastName></sdnEntry></sdnList>", "utf-8")
    with pytest.raises(InputError, match=r"sdn\.xml: <sdnEntry> has no uid"):
        list(read_ofac_xml(path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the OFAC SDN XML"):
        list(read_ofac_xml(tmp_path / "absent.xml"))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE sdnList [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<sdnList><sdnEntry><uid>1</uid><lastName>&lol3;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE sdnList [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<sdnList><sdnEntry><uid>1</uid><lastName>&secret;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external"])
def test_entity_declarations_are_refused_not_expanded(tmp_path: Path, document: str) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(document, encoding="utf-8")
    entries: list[ListEntry] = []
    with pytest.raises(InputError, match=r"hostile\.xml: refused: the file declares entities") as caught:
        entries.extend(read_ofac_xml(hostile))
    assert entries == []
    assert "lollol" not in str(caught.value)
    assert "root:" not in str(caught.value)
