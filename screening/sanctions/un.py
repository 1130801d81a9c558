"""Reader for the UN Security Council Consolidated List (XML).

The file comes from outside the unit (published by the UN, passed on by others), so it is parsed
with defusedxml: a file carrying entity declarations (billion laughs) or external references is refused
instead of expanded. It is streamed with ``iterparse`` and each record dropped once read, so memory
stays flat however long the list grows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, country_code

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
    try:
        with path.open("rb") as stream:
            yield from _records(path, stream)
    except OSError as exc:
        raise InputError(f"cannot read the UN list: {exc.strerror or exc}", path=str(path)) from exc


def _records(path: Path, stream: BinaryIO) -> Iterator[ListEntry]:
    parents: list[Element] = []
    try:
        for event, elem in iterparse(stream, events=("start", "end")):
            if event == "start":
                if not parents and elem.tag != ROOT_TAG:
                    raise InputError(
                        f"not a UN consolidated list: root element is <{elem.tag}>, expected <{ROOT_TAG}>",
                        path=str(path),
                    )
                parents.append(elem)
                continue
            parents.pop()
            if elem.tag in RECORD_TAGS and parents:
                yield _entry(path, elem)
                # Drop the record once read: the list is long and nothing refers back to it.
                parents[-1].remove(elem)
    except ParseError as exc:
        raise InputError(f"not well-formed XML: {exc}", path=str(path), row=exc.position[0]) from exc
    except DefusedXmlException as exc:
        raise InputError(
            f"refused: the file declares entities or external references ({exc})", path=str(path)
        ) from exc


def _text(elem: Element | None) -> str:
    if elem is None or elem.text is None:
        return ""
    return " ".join(elem.text.split())


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
