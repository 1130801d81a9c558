"""Reader for the UN Security Council Consolidated List (XML).

The file comes from outside the unit (published by the UN, passed on by others), so it is parsed
with defusedxml: a file carrying entity declarations (billion laughs) or external references is refused
instead of expanded. It is streamed with ``iterparse`` and each record dropped once read, so memory
stays flat however long the list grows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, country_code
from screening.sanctions.xmlstream import records
from screening.sanctions.xmlstream import text as _text

LIST_NAME = "UN"
ROOT_TAG = "CONSOLIDATED_LIST"
RECORD_TAGS: dict[str, EntryKind] = {"INDIVIDUAL": "person", "ENTITY": "organisation"}
NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
QUALITIES: dict[str, Quality] = {"good": "good", "low": "low"}


def read_un(path: Path) -> Iterator[ListEntry]:
    """Yield every individual and entity on the list, in file order.

    Raises `InputError` naming the file, and the record or line where known, when the file is not
    well-formed XML, is not the consolidated list, or declares entities.
    """
    for record in records(path, root=ROOT_TAG, record_tags=frozenset(RECORD_TAGS), name="the UN list",
                          kind="a UN consolidated list"):  # fmt: skip
        yield _entry(path, record)


def _entry(path: Path, record: Element) -> ListEntry:
    entry_id = _text(record.find("REFERENCE_NUMBER")) or _text(record.find("DATAID"))
    if not entry_id:
        raise InputError(f"<{record.tag}> has neither REFERENCE_NUMBER nor DATAID", path=str(path))
    parts = tuple(p for p in (_text(record.find(tag)) for tag in NAME_TAGS) if p)
    if not parts:
        raise InputError(f"<{record.tag}> {entry_id} has no FIRST_NAME", path=str(path))
    names = [EntryName(full=" ".join(parts), parts=parts)]
    for original in record.iter("NAME_ORIGINAL_SCRIPT"):
        if text := _text(original):
            names.append(EntryName(full=text, script="original"))
    for alias in (*record.iter("INDIVIDUAL_ALIAS"), *record.iter("ENTITY_ALIAS")):
        if alias_name := _text(alias.find("ALIAS_NAME")):
            quality = QUALITIES.get(_text(alias.find("QUALITY")).lower())
            names.append(EntryName(full=alias_name, quality=quality, is_alias=True))
    comments = _text(record.find("COMMENTS1"))
    return ListEntry(
        list_name=LIST_NAME,
        entry_id=entry_id,
        kind=RECORD_TAGS[record.tag],
        names=tuple(names),
        dates_of_birth=tuple(d for d in map(_date_of_birth, record.iter("INDIVIDUAL_DATE_OF_BIRTH")) if d),
        nationalities=tuple(
            country_code(text) for value in record.iterfind("NATIONALITY/VALUE") if (text := _text(value))
        ),
        identifiers=tuple(i for i in map(_document, record.iter("INDIVIDUAL_DOCUMENT")) if i),
        addresses=tuple(
            a
            for a in map(_address, (*record.iter("INDIVIDUAL_ADDRESS"), *record.iter("ENTITY_ADDRESS")))
            if a
        ),
        programmes=(p,) if (p := _text(record.find("UN_LIST_TYPE"))) else (),
        remarks=comments or None,
    )


def _date_of_birth(elem: Element) -> str:
    """Keep the precision the list gives: a full date, a year, or a "from/to" year range."""
    if date := _text(elem.find("DATE")):
        return date
    if year := _text(elem.find("YEAR")):
        return year
    start, end = _text(elem.find("FROM_YEAR")), _text(elem.find("TO_YEAR"))
    if start and end:
        return f"{start}/{end}"
    return start or end


def _document(elem: Element) -> tuple[str, str] | None:
    number = _text(elem.find("NUMBER"))
    if not number:
        return None
    return (_text(elem.find("TYPE_OF_DOCUMENT")) or "document", number)


def _address(elem: Element) -> str:
    fields = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
    return ", ".join(t for t in (_text(elem.find(tag)) for tag in fields) if t)
