"""Reader for the EU Financial Sanctions Files consolidated list (XML, ``http://eu.europa.ec/fpi/fsd/export``).

Each ``sanctionEntity`` carries its names as ``nameAlias`` elements (the first is the name the
regulation lists it under; the EU marks no primary), and nearly everything else as attributes. The
EU writes "00" for an unknown country code, so the country description is used then.

The file comes from outside, so it is parsed with defusedxml (entity declarations and external
references are refused, not expanded) and streamed, each entity dropped once read. Elements are
matched on their local name, so the default namespace, or its absence, does not matter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, Script, country_code
from screening.sanctions.xmlstream import records

LIST_NAME = "EU-FSF"
ROOT_TAG = "export"
RECORD_TAG = "sanctionEntity"
KINDS: dict[str, EntryKind] = {"person": "person", "enterprise": "organisation"}
ADDRESS_ATTRIBUTES = ("street", "poBox", "zipCode", "city", "region", "place")
UNKNOWN_COUNTRY = {"", "00"}
# strong="false" marks a weak alias, too broad to match on alone.
QUALITIES: dict[str, Quality] = {"true": "good", "false": "low"}


def read_eu_xml(path: Path) -> Iterator[ListEntry]:
    """Yield every sanction entity, in file order.

    Raises `InputError` naming the file, and the entity or line where known, when the file is not
    well-formed XML, is not an FSF export, has an entity without reference or name, or declares entities.
    """
    for record in records(path, root=ROOT_TAG, record_tags=frozenset({RECORD_TAG}), name="the EU list",
                          kind="an EU sanctions export"):  # fmt: skip
        yield _entry(path, record)


def _attr(elem: Element, name: str) -> str:
    return " ".join(elem.get(name, "").split())


def _script(text: str) -> Script:
    """Names in Cyrillic, Arabic and other scripts are marked, since Latin matching cannot use them."""
    for char in text:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return "original"
    return "latin"


def _name(elem: Element, is_alias: bool) -> EntryName | None:
    first, middle, last = (_attr(elem, a) for a in ("firstName", "middleName", "lastName"))
    parts = tuple(p for p in (first, middle, last) if p)
    whole = _attr(elem, "wholeName") or " ".join(parts)
    if not whole:
        return None
    quality = QUALITIES.get(_attr(elem, "strong").lower())
    return EntryName(full=whole, parts=parts, script=_script(whole), quality=quality, is_alias=is_alias)


def _country(elem: Element) -> str:
    code = _attr(elem, "countryIso2Code").upper()
    if code not in UNKNOWN_COUNTRY:
        return code
    description = _attr(elem, "countryDescription")
    return country_code(description) if description and description.upper() != "UNKNOWN" else ""


def _date_of_birth(elem: Element) -> str:
    """The full date when given, else as much of year and month as the list knows."""
    if date := _attr(elem, "birthdate"):
        return date
    year, month = _attr(elem, "year"), _attr(elem, "monthOfYear")
    if year and month:
        return f"{year}-{int(month):02d}" if month.isdigit() else year
    return year


def _address(elem: Element) -> str:
    fields = [_attr(elem, a) for a in ADDRESS_ATTRIBUTES]
    fields.append(_attr(elem, "countryDescription"))
    return ", ".join(f for f in fields if f and f.upper() != "UNKNOWN")


def _unique(values: Iterator[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _entry(path: Path, record: Element) -> ListEntry:
    entry_id = _attr(record, "euReferenceNumber") or _attr(record, "logicalId")
    if not entry_id:
        raise InputError("<sanctionEntity> has neither euReferenceNumber nor logicalId", path=str(path))
    names: list[EntryName] = []
    for alias in record.iterfind("nameAlias"):
        name = _name(alias, is_alias=bool(names))
        if name is not None and name.full not in {n.full for n in names}:
            names.append(name)
    if not names:
        raise InputError(f"<sanctionEntity> {entry_id} has no nameAlias with a name", path=str(path))
    subject = record.find("subjectType")
    code = _attr(subject, "code").lower() if subject is not None else ""
    identifiers = [
        (
            _attr(i, "identificationTypeDescription") or _attr(i, "identificationTypeCode") or "document",
            number,
        )
        for i in record.iterfind("identification")
        if (number := _attr(i, "number") or _attr(i, "latinNumber"))
    ]
    remarks = " ".join(t for r in record.iterfind("remark") if (t := " ".join((r.text or "").split())))
    return ListEntry(
        list_name=LIST_NAME,
        entry_id=entry_id,
        kind=KINDS.get(code, "other"),
        names=tuple(names),
        dates_of_birth=_unique(map(_date_of_birth, record.iterfind("birthdate"))),
        nationalities=_unique(map(_country, record.iterfind("citizenship"))),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=_unique(map(_address, record.iterfind("address"))),
        programmes=_unique(_attr(r, "programme") for r in record.iterfind("regulation")),
        remarks=remarks or None,
    )
