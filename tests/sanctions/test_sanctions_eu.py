"""The EU Financial Sanctions Files reader: fields, aliases in one entry, and hostile or broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions.eu import read_eu_xml
from screening.sanctions.model import EntryName, ListEntry

FIXTURE = Path(__file__).parent / "fixtures" / "eu_fsf_small.xml"


def _entries() -> dict[str, ListEntry]:
    return {e.entry_id: e for e in read_eu_xml(FIXTURE)}


def test_kinds_and_order() -> None:
    entries = list(read_eu_xml(FIXTURE))
    assert [(e.entry_id, e.kind) for e in entries] == [
        ("EU.9001.01", "person"),
        ("EU.9002.02", "organisation"),
    ]
    assert {e.list_name for e in entries} == {"EU-FSF"}


def test_name_aliases_in_one_entry() -> None:
    person = _entries()["EU.9001.01"]
    assert person.names == (
        EntryName(full="Abdul Rahman Al-Testi", parts=("Abdul", "Rahman", "Al-Testi"), quality="good"),
        EntryName(full="Abu Testi", quality="low", is_alias=True),
        EntryName(full="عبد الرحمن التستي", script="original", quality="good", is_alias=True),
    )


def test_person_details() -> None:
    person = _entries()["EU.9001.01"]
    assert person.dates_of_birth == ("1961-06-20", "1962-03")
    assert person.nationalities == ("IQ", "SY")
    assert person.identifiers == (("National passport", "A1234567"),)
    assert person.addresses == ("12 Test Street, Baghdad, IRAQ",)
    assert person.programmes == ("TAQA",)
    assert person.remarks == "Fictitious entry for tests."


def test_enterprise_programmes_not_repeated() -> None:
    company = _entries()["EU.9002.02"]
    assert [(n.full, n.is_alias) for n in company.names] == [
        ("Example Shipping Co Ltd", False),
        ("Example Marine", True),
    ]
    assert company.programmes == ("IRN",)
    assert company.addresses == ("1 Harbour Road, 79100, Bandar Abbas, IRAN (ISLAMIC REPUBLIC OF)",)
    assert company.dates_of_birth == ()
    assert company.remarks is None


def test_wrong_root_and_broken_xml(tmp_path: Path) -> None:
    path = tmp_path / "eu.xml"
    path.write_text("<sdnList/>", encoding="utf-8")
    with pytest.raises(InputError, match=r"eu\.xml: not an EU sanctions export: root element is <sdnList>"):
        list(read_eu_xml(path))
    path.write_text("<export>\n<sanctionEntity>\n</export>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"eu\.xml, row 3: not well-formed XML"):
        list(read_eu_xml(path))


def test_entity_without_name_or_reference(tmp_path: Path) -> None:
    path = tmp_path / "eu.xml"
    path.write_text('<export><sanctionEntity euReferenceNumber="EU.1.1"/></export>', encoding="utf-8")
    with pytest.raises(InputError, match=r"eu\.xml: <sanctionEntity> EU\.1\.1 has no nameAlias with a name"):
        list(read_eu_xml(path))
    path.write_text('<export><sanctionEntity><nameAlias wholeName="X"/></sanctionEntity></export>', "utf-8")
    with pytest.raises(InputError, match=r"neither euReferenceNumber nor logicalId"):
        list(read_eu_xml(path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the EU list"):
        list(read_eu_xml(tmp_path / "absent.xml"))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE export [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<export><sanctionEntity logicalId="1"><nameAlias wholeName="&lol3;"/></sanctionEntity></export>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE export [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<export><sanctionEntity logicalId="1"><remark>&secret;</remark></sanctionEntity></export>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external"])
def test_entity_declarations_are_refused_not_expanded(tmp_path: Path, document: str) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(document, encoding="utf-8")
    entries: list[ListEntry] = []
    with pytest.raises(InputError, match=r"hostile\.xml: refused: the file declares entities") as caught:
        entries.extend(read_eu_xml(hostile))
    assert entries == []
    assert "lollol" not in str(caught.value)
    assert "root:" not in str(caught.value)
