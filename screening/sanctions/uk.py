"""Reader for the UK (OFSI) Consolidated List of Financial Sanctions Targets, in its older CSV form.

The file (ConList.csv) opens with a "Last Updated" line, then a header. Each row is one *name*: a
listed party with three aliases is four rows sharing a ``Group ID``, the one whose ``Alias Type`` is
"Primary name" being the main one. The rows are sorted by name, not by group, so a party's rows are
scattered through the file; they are therefore gathered in memory (the list is a few thousand groups)
and each group is yielded once, in the order its first row appears.

Columns are found by their header names, so the later additions (non-Latin script, Alias Quality,
UK designation date) are tolerated, and a missing one that the reader needs is reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, Quality, country_code

LIST_NAME = "UK-OFSI"
NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")  # Name 6 is the surname
ADDRESS_COLUMNS = (
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
)
REQUIRED = ("Name 6", "Group Type", "Alias Type", "Group ID")
KINDS: dict[str, EntryKind] = {"individual": "person", "entity": "organisation", "ship": "vessel"}
QUALITIES: dict[str, Quality] = {"good": "good", "low": "low"}
PRIMARY = "primary name"
# Several values in one cell are numbered: "(1) Iraq (2) Syria".
NUMBERED = re.compile(r"\(\d+\)")
# OFSI writes unknown day or month as 00: "00/00/1960" is a year, "00/06/1960" a month.
DOB = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


@dataclass
class _Group:
    """The rows of one Group ID seen so far; ``primary`` is the row number of its primary name."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    primary: int | None = None


def read_ofsi_csv(path: Path) -> Iterator[ListEntry]:
    """Yield one entry per Group ID, its primary name first and the other rows' names as aliases.

    Raises `InputError` naming the file, row and field when the "Last Updated" line or a needed
    column is missing, a Group ID is empty, or a Group Type is not Individual, Entity or Ship.
    """
    groups: dict[str, _Group] = {}
    for line, row in _rows(path):
        group_id = row["Group ID"]
        if not group_id:
            raise InputError("Group ID is empty", path=str(path), row=line, field="Group ID")
        if row["Group Type"].lower() not in KINDS:
            raise InputError(
                f"Group Type {row['Group Type']!r} is not Individual, Entity or Ship",
                path=str(path),
                row=line,
                field="Group Type",
            )
        group = groups.setdefault(group_id, _Group())
        if row["Alias Type"].lower() == PRIMARY and group.primary is None:
            group.primary = len(group.rows)
        group.rows.append((line, row))
    for group_id, group in groups.items():
        yield _entry(path, group_id, group)


def _read_text(path: Path) -> str:
    """OFSI has published the file both as UTF-8 and as Windows-1252; try them in that order."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the OFSI list: {exc.strerror or exc}", path=str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode the OFSI list as UTF-8 or Windows-1252: {exc}", path=str(path)
        ) from exc


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    try:
        first = next(reader, [])
        if not first or first[0].strip().lower() != "last updated":
            raise InputError(
                f"expected a 'Last Updated' line, found {','.join(first)[:60]!r}: "
                "not the OFSI consolidated CSV",
                path=str(path),
                row=1,
            )
        header = [h.strip() for h in next(reader, [])]
        for column in REQUIRED:
            if column not in header:
                raise InputError(
                    f"missing column {column!r}: not the OFSI consolidated CSV",
                    path=str(path),
                    row=2,
                    field=column,
                )
        for row in reader:
            if not any(v.strip() for v in row):
                continue
            if len(row) > len(header):
                raise InputError(
                    f"{len(row)} fields but the header has {len(header)}", path=str(path), row=reader.line_num
                )
            values = {h: " ".join(v.split()) for h, v in zip(header, row, strict=False)}
            yield reader.line_num, {h: values.get(h, "") for h in header}
    except csv.Error as exc:
        raise InputError(f"cannot read OFSI CSV: {exc}", path=str(path), row=reader.line_num) from exc


def _name(row: dict[str, str], *, is_alias: bool) -> EntryName | None:
    """Given names (Name 1 to 5) then the surname (Name 6), as the list's own name order is."""
    parts = tuple(p for p in (row.get(c, "") for c in NAME_COLUMNS) if p)
    if not parts:
        return None
    quality = QUALITIES.get(row.get("Alias Quality", "").lower()) if is_alias else None
    return EntryName(full=" ".join(parts), parts=parts, quality=quality, is_alias=is_alias)


def _numbered(text: str) -> list[str]:
    return [v.strip(" ;,") for v in NUMBERED.split(text) if v.strip(" ;,")]


def _date_of_birth(text: str) -> str:
    """ "dd/mm/yyyy" to ISO, dropping the parts OFSI marks unknown with 00; anything else as given."""
    match = DOB.fullmatch(text)
    if not match:
        return text
    day, month, year = match.groups()
    if month == "00":
        return year
    if day == "00":
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _entry(path: Path, group_id: str, group: _Group) -> ListEntry:
    # A group with no "Primary name" row still lists someone: its first row stands in.
    primary_index = group.primary if group.primary is not None else 0
    line, primary = group.rows[primary_index]
    main = _name(primary, is_alias=False)
    if main is None:
        raise InputError(
            f"the primary name of group {group_id} is empty", path=str(path), row=line, field="Name 6"
        )
    names = [main]
    for index, (_, row) in enumerate(group.rows):
        alias = _name(row, is_alias=True)
        # The same spelling repeated on another row (OFSI lists name variations) adds nothing.
        if index != primary_index and alias is not None and alias.full not in {n.full for n in names}:
            names.append(alias)
    rows = [row for _, row in group.rows]
    identifiers: list[tuple[str, str]] = []
    for row in rows:
        identifiers += [("Passport", p) for p in _numbered(row.get("Passport Details", ""))]
        for column in ("NI Number", "National Identification Number"):
            identifiers += [("National Identification Number", n) for n in _numbered(row.get(column, ""))]
    addresses = [", ".join(v for v in (row.get(c, "") for c in ADDRESS_COLUMNS) if v) for row in rows]
    return ListEntry(
        list_name=LIST_NAME,
        entry_id=group_id,
        kind=KINDS[primary["Group Type"].lower()],
        names=tuple(names),
        dates_of_birth=_unique([_date_of_birth(row.get("DOB", "")) for row in rows]),
        nationalities=_unique(
            [country_code(n) for row in rows for n in _numbered(row.get("Nationality", ""))]
        ),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=_unique(addresses),
        programmes=_unique([row.get("Regime", "") for row in rows]),
        remarks=primary.get("Other Information") or None,
    )
