"""Reader for the UK Sanctions List (FCDO) in its XML form, which replaced OFSI's consolidated list.

Each ``<Designation>`` is one listed party under its FCDO ``UniqueID``: names in ``<Names>`` as parts
``Name1`` to ``Name5`` and the surname or entity name in ``Name6``, typed "Primary Name", "Primary
Name Variation" or "Alias" (with an ``AliasStrength``), names in other scripts in
``<NonLatinNames>``, and ``IndividualEntityShip`` for the kind. No sample of the published file was
at hand: the element names follow the layout as documented by the FCDO and read by OpenSanctions'
``gb_fcdo_sanctions`` crawler, and identifiers are looked up by element name wherever they sit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, country_code
from screening.sanctions.uk import KINDS
from screening.sanctions.uk import _date_of_birth as date_of_birth
from screening.sanctions.xmlstream import records
from screening.sanctions.xmlstream import text as _text

LIST_NAME = "UK"
ROOT_TAG = "Designations"
NAME_PARTS = ("Name1", "Name2", "Name3", "Name4", "Name5", "Name6")
ADDRESS_PARTS = (*(f"AddressLine{n}" for n in range(1, 7)), "AddressPostalCode", "AddressCountry")
IDENTIFIERS = {"PassportNumber": "Passport", "NationalIdentifierNumber": "National Identification Number"}


def read_uk_xml(path: Path) -> Iterator[ListEntry]:
    """Yield every designation, its primary name first, in file order.

    Raises `InputError` naming the file when it is not well-formed XML, is not the UK Sanctions
    List, declares entities, or a designation lacks its UniqueID, kind or a name.
    """
    for record in records(path, root=ROOT_TAG, record_tags=frozenset({"Designation"}),
                          name="the UK Sanctions List", kind="the UK Sanctions List XML"):  # fmt: skip
        yield _entry(path, record)


def _entry(path: Path, record: Element) -> ListEntry:
    entry_id = _text(record.find("UniqueID"))
    if not entry_id:
        raise InputError("a <Designation> has no UniqueID", path=str(path))
    kind_text = _text(record.find("IndividualEntityShip"))
    kind: EntryKind | None = KINDS.get(kind_text.lower())
    if kind is None:
        raise InputError(
            f"designation {entry_id}: IndividualEntityShip {kind_text!r} is not Individual, Entity or Ship",
            path=str(path),
            field="IndividualEntityShip",
        )
    names = sorted(
        (n for n in map(_name, record.iterfind("Names/Name")) if n is not None), key=lambda n: n.is_alias
    )
    if not names:
        raise InputError(f"designation {entry_id} has no name", path=str(path), field="Names")
    for other in record.iterfind("NonLatinNames/NonLatinName"):
        if script_name := _text(other.find("NameNonLatinScript")):
            names.append(EntryName(full=script_name, script="original"))
    identifiers = [
        (label, value)
        for tag, label in IDENTIFIERS.items()
        for elem in record.iter(tag)
        if (value := _text(elem))
    ]
    return ListEntry(
        list_name=LIST_NAME,
        entry_id=entry_id,
        kind=kind,
        names=tuple(dict.fromkeys(names)),
        dates_of_birth=_unique(date_of_birth(_text(d)) for d in record.iter("DOB")),
        nationalities=_unique(country_code(_text(n)) for n in record.iter("Nationality")),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=_unique(_address(a) for a in record.iterfind("Addresses/Address")),
        programmes=_unique(_text(r) for r in record.iter("RegimeName")),
        remarks=_text(record.find("OtherInformation")) or None,
    )


def _name(elem: Element) -> EntryName | None:
    parts = tuple(p for p in (_text(elem.find(tag)) for tag in NAME_PARTS) if p)
    if not parts:
        return None
    is_alias = _text(elem.find("NameType")).lower() == "alias"
    strength = _text(elem.find("AliasStrength")).lower()
    quality: Quality | None = "low" if "low" in strength else "good" if "good" in strength else None
    return EntryName(
        full=" ".join(parts), parts=parts, quality=quality if is_alias else None, is_alias=is_alias
    )


def _address(elem: Element) -> str:
    return ", ".join(t for t in (_text(elem.find(tag)) for tag in ADDRESS_PARTS) if t)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
