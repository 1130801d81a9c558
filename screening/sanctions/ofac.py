"""Reader for OFAC's SDN list in its legacy CSV form (sdn.csv, add.csv, alt.csv).

The files have no header; the columns are those OFAC documents, and "-0-" stands for an empty
field. Aliases and addresses sit in their own files keyed by ``ent_num``, so those two (small) files
are read into memory and the main file is streamed. Dates of birth and nationalities only appear in
free-text remarks, hence the small regexes below.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, country_code

LIST_NAME = "OFAC-SDN"
# ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
# Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
SDN_COLUMNS = 12
ADD_COLUMNS = 6  # ent_num, add_num, address, city/state/postal code, country, add_remarks
ALT_COLUMNS = 5  # ent_num, alt_num, alt_type, alt_name, alt_remarks
KINDS: dict[str, EntryKind] = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "": "organisation",
}

DOB = re.compile(r"\bDOB ([^;]+)")
NATIONALITY = re.compile(r"\bnationality ([^;]+)")
IDENTIFIER = re.compile(
    r"\b(Passport|National ID No\.|Cedula No\.|IMO|SWIFT/BIC|Tax ID No\.|NIT #|RFC|C\.U\.R\.P\.)"
    r"\s+([A-Z0-9][\w/-]*)"
)
WEAK_AKA = re.compile(r"a\.k\.a\. '([^']+)'")


def read_ofac_csv(folder: Path) -> Iterator[ListEntry]:
    """Yield every SDN entry with its aliases and addresses joined in, in sdn.csv order.

    Raises `InputError` naming the file and row when a file is missing or a row does not have the
    documented shape, so a wrong folder or a newer OFAC format is reported rather than misread.
    """
    addresses: dict[str, list[str]] = defaultdict(list)
    for row in _rows(folder / "add.csv", ADD_COLUMNS):
        if address := ", ".join(f for f in (_field(v) for v in row[2:5]) if f):
            addresses[row[0]].append(address)
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in _rows(folder / "alt.csv", ALT_COLUMNS):
        if name := _field(row[3]):
            aliases[row[0]].append(name)
    for row in _rows(folder / "sdn.csv", SDN_COLUMNS):
        yield _entry(row, aliases.get(row[0], []), addresses.get(row[0], []))


def _rows(path: Path, columns: int) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            for line, row in enumerate(csv.reader(stream), start=1):
                if not row or row == ["\x1a"]:  # old OFAC files may end with a DOS end-of-file mark
                    continue
                if len(row) != columns:
                    raise InputError(
                        f"expected {columns} comma-separated fields, found {len(row)}: not OFAC legacy CSV",
                        path=str(path),
                        row=line,
                    )
                if not row[0].strip().isdigit():
                    raise InputError(
                        f"ent_num {row[0]!r} is not a number", path=str(path), row=line, field="ent_num"
                    )
                row[0] = row[0].strip()
                yield row
    except FileNotFoundError as exc:
        raise InputError(
            f"missing: the OFAC legacy CSV needs {path.name} in {path.parent}", path=str(path)
        ) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read OFAC CSV: {exc}", path=str(path)) from exc


def _field(value: str) -> str:
    """OFAC's "-0-" placeholder and surrounding blanks mean nothing was given."""
    value = value.strip()
    return "" if value == "-0-" else value


def _name(text: str, individual: bool, *, is_alias: bool, quality: Quality | None = None) -> EntryName:
    """Turn OFAC's "LAST, First" for individuals into "First LAST", keeping (first, last) as parts."""
    if individual and "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        if first and last:
            return EntryName(full=f"{first} {last}", parts=(first, last), quality=quality, is_alias=is_alias)
    return EntryName(full=text, quality=quality, is_alias=is_alias)


def _entry(row: list[str], aliases: list[str], addresses: list[str]) -> ListEntry:
    fields = [_field(v) for v in row]
    ent_num, name, sdn_type, program, call_sign, remarks = (fields[i] for i in (0, 1, 2, 3, 5, 11))
    kind = KINDS.get(sdn_type.lower(), "other")
    individual = kind == "person"
    names = [_name(name, individual, is_alias=False)]
    names += [_name(alias, individual, is_alias=True) for alias in aliases]
    # Weak a.k.a.s are only in the remarks; OFAC says they are too broad to screen on alone.
    names += [_name(alias, False, is_alias=True, quality="low") for alias in WEAK_AKA.findall(remarks)]
    identifiers = [("Call Sign", call_sign)] if call_sign else []
    identifiers += [(kind_, value.rstrip(".,")) for kind_, value in IDENTIFIER.findall(remarks)]
    return ListEntry(
        list_name=LIST_NAME,
        entry_id=ent_num,
        kind=kind,
        names=tuple(names),
        dates_of_birth=tuple(d.strip().rstrip(".") for d in DOB.findall(remarks)),
        nationalities=tuple(country_code(n.rstrip(".")) for n in NATIONALITY.findall(remarks)),
        identifiers=tuple(identifiers),
        addresses=tuple(addresses),
        programmes=tuple(p.strip("[] ") for p in program.split("] [") if p.strip("[] ")),
        remarks=remarks or None,
    )
