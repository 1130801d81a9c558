"""Reader for OFAC's SDN list in its XML form (sdn.xml).

Unlike the legacy CSV, the XML carries dates of birth, nationalities, identifiers and aliases as
elements, so nothing is dug out of free-text remarks. OFAC has published it under more than one
default namespace (``http://tempuri.org/sdnList.xsd``, later the sanctions list service's own URL)
and plain files without one circulate too, so elements are matched on their local name only.

As with the UN list, the file comes from outside, so it is parsed with defusedxml (entity declarations
and external references are refused, not expanded) and streamed, each ``sdnEntry`` dropped once read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, country_code
from screening.sanctions.xmlstream import records
from screening.sanctions.xmlstream import text as _text

# The same name as the CSV reader: both are the one SDN list, and the uid is the CSV's ent_num.
LIST_NAME = "OFAC-SDN"
ROOT_TAG = "sdnList"
RECORD_TAG = "sdnEntry"
KINDS: dict[str, EntryKind] = {
    "individual": "person",
    "entity": "organisation",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
# OFAC's own words: "weak" a.k.a.s are too broad to screen on alone.
QUALITIES: dict[str, Quality] = {"strong": "good", "weak": "low"}
ADDRESS_TAGS = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country")


def read_ofac_xml(path: Path) -> Iterator[ListEntry]:
    """Yield every SDN entry, in file order.

    Raises `InputError` naming the file, and the entry or line where known, when the file is not
    well-formed XML, is not an SDN list, has an entry without uid or name, or declares entities.
    """
    for record in records(path, root=ROOT_TAG, record_tags=frozenset({RECORD_TAG}),
                          name="the OFAC SDN XML", kind="an OFAC SDN list"):  # fmt: skip
        yield _entry(path, record)


def _name(elem: Element, *, is_alias: bool, quality: Quality | None = None) -> EntryName | None:
    """ "First LAST" with (first, last) as parts, as the CSV reader gives it; entities only have lastName."""
    first, last = _text(elem.find("firstName")), _text(elem.find("lastName"))
    if first and last:
        return EntryName(full=f"{first} {last}", parts=(first, last), quality=quality, is_alias=is_alias)
    if text := first or last:
        return EntryName(full=text, quality=quality, is_alias=is_alias)
    return None


def _entry(path: Path, record: Element) -> ListEntry:
    uid = _text(record.find("uid"))
    if not uid:
        raise InputError("<sdnEntry> has no uid", path=str(path))
    primary = _name(record, is_alias=False)
    if primary is None:
        raise InputError(f"<sdnEntry> {uid} has no lastName", path=str(path))
    names = [primary]
    for aka in record.iterfind("akaList/aka"):
        quality = QUALITIES.get(_text(aka.find("category")).lower())
        if alias := _name(aka, is_alias=True, quality=quality):
            names.append(alias)
    sdn_type = _text(record.find("sdnType"))
    identifiers = [
        (_text(i.find("idType")) or "document", number)
        for i in record.iterfind("idList/id")
        if (number := _text(i.find("idNumber")))
    ]
    if call_sign := _text(record.find("vesselInfo/callSign")):
        identifiers.append(("Call Sign", call_sign))
    return ListEntry(
        list_name=LIST_NAME,
        entry_id=uid,
        kind=KINDS.get(sdn_type.lower(), "other"),
        names=tuple(names),
        dates_of_birth=tuple(
            d
            for i in record.iterfind("dateOfBirthList/dateOfBirthItem")
            if (d := _text(i.find("dateOfBirth")))
        ),
        nationalities=tuple(
            country_code(c)
            for n in record.iterfind("nationalityList/nationality")
            if (c := _text(n.find("country")))
        ),
        identifiers=tuple(identifiers),
        addresses=tuple(a for a in map(_address, record.iterfind("addressList/address")) if a),
        programmes=tuple(p for p in map(_text, record.iterfind("programList/program")) if p),
        remarks=_text(record.find("remarks")) or None,
    )


def _address(elem: Element) -> str:
    return ", ".join(t for t in (_text(elem.find(tag)) for tag in ADDRESS_TAGS) if t)
