"""The UN consolidated list reader: fields, safety against hostile XML, and the real list's counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screening.errors import InputError
from screening.sanctions import EntryName, ListEntry, read_un

FIXTURES = Path(__file__).parent / "fixtures"
REAL_UN = Path(__file__).resolve().parents[3] / "shared" / "data" / "sanctions" / "un"


def _entries() -> dict[str, ListEntry]:
    return {e.entry_id: e for e in read_un(FIXTURES / "un_small.xml")}


def test_reads_individuals_and_entities_in_order() -> None:
    entries = list(read_un(FIXTURES / "un_small.xml"))
    assert [(e.entry_id, e.kind) for e in entries] == [
        ("QDi.901", "person"),
        ("CDi.901", "person"),
        ("KPe.901", "organisation"),
    ]
    assert {e.list_name for e in entries} == {"UN"}


def test_primary_name_original_script_and_aliases() -> None:
    person = _entries()["QDi.901"]
    assert person.names == (
        EntryName(full="ABDUL RAHMAN AL- TESTI", parts=("ABDUL", "RAHMAN", "AL-", "TESTI")),
        EntryName(full="عبد الرحمن التستي", script="original"),
        EntryName(full="Abu Testi", quality="good", is_alias=True),
        EntryName(full="Abdul", quality="low", is_alias=True),
    )


def test_person_details() -> None:
    person = _entries()["QDi.901"]
    assert person.dates_of_birth == ("1961-06-20", "1960/1965")
    assert person.nationalities == ("IQ",)
    assert person.identifiers == (("Passport", "A1234567"),)
    assert person.addresses == ("Baghdad, Iraq",)
    assert person.programmes == ("Al-Qaida",)
    assert person.remarks == "Fictitious entry for tests."


def test_empty_alias_and_year_only_birth() -> None:
    person = _entries()["CDi.901"]
    assert [n.full for n in person.names] == ["JANE EXAMPLE"]
    assert person.dates_of_birth == ("1971",)
    assert person.nationalities == ("CD",)
    assert person.identifiers == ()
    assert person.remarks is None


def test_entity_alias_without_quality_flag() -> None:
    entity = _entries()["KPe.901"]
    assert entity.names[1] == EntryName(full="ETC Ltd", quality=None, is_alias=True)
    assert entity.addresses == ("1 Harbour Road, Pyongyang, Democratic People's Republic of Korea",)


def test_html_file_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    page.write_text("<html><body><p>Consolidated list</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"list\.html: not a UN consolidated list: root element is <html>"):
        list(read_un(page))


def test_broken_xml_names_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(
        "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n</CONSOLIDATED_LIST>\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"broken\.xml, row 4: not well-formed XML"):
        list(read_un(broken))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the UN list"):
        list(read_un(tmp_path / "absent.xml"))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>&lol4;</FIRST_NAME><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>&secret;</FIRST_NAME><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external"])
def test_entity_declarations_are_refused_not_expanded(tmp_path: Path, document: str) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(document, encoding="utf-8")
    entries: list[ListEntry] = []
    with pytest.raises(InputError, match=r"hostile\.xml: refused: the file declares entities") as caught:
        entries.extend(read_un(hostile))
    assert entries == []
    assert "lollol" not in str(caught.value)
    assert "root:" not in str(caught.value)


@pytest.mark.skipif(not REAL_UN.is_dir(), reason=f"real UN list not found at {REAL_UN} (shared data absent)")
def test_real_consolidated_list() -> None:
    (path,) = REAL_UN.glob("consolidated-*.xml")
    entries = list(read_un(path))
    assert Counter(e.kind for e in entries) == {"person": 730, "organisation": 273}
    assert len({e.entry_id for e in entries}) == len(entries)
    names = [n for e in entries for n in e.names]
    assert sum(n.is_alias for n in names) == 2752
    assert sum(n.script == "original" for n in names) == 378
    assert all(e.names[0].parts and not e.names[0].is_alias for e in entries)
    saddam = next(e for e in entries if e.entry_id == "IQi.001")
    assert saddam.names[0].full == "SADDAM HUSSEIN AL-TIKRITI"
    assert saddam.nationalities == ("IQ",)
    assert saddam.dates_of_birth == ("1937-04-28",)
