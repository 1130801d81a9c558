"""Reader for a unit's own watchlist (CSV or JSON Lines).

Units keep lists no publisher covers: known organ brokers, struck-off medical professionals,
flagged clinics and facilities. They are typed up by analysts, often in a spreadsheet, so the format
is deliberately plain and the reader strict: a typo in ``kind`` or a missing column is reported with
file, row and field rather than silently turning a person into an organisation.

Columns (CSV header, or keys of each JSON object, one object a line):

``list_name``, ``entry_id``, ``kind``, ``name``
    required; ``kind`` is one of person, organisation (or organization), vessel, aircraft, other.
``aliases``
    other names, separated by ``|``.
``date_of_birth``, ``nationality``, ``address``, ``programme``
    each may hold several values separated by ``|``; dates are kept as written ("1961", "1960/1965").
``identifiers``
    ``type:value`` pairs separated by ``|`` ("passport:A123|licence:GMC 765").
``remarks``
    free text.

In JSON Lines, the multi-valued fields may also be given as lists of strings. The file is streamed;
only the (list_name, entry_id) pairs seen are kept, to refuse a duplicate that would shadow an entry.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from screening.errors import InputError
from screening.sanctions.model import EntryKind, EntryName, ListEntry, country_code

COLUMNS = (
    "list_name",
    "entry_id",
    "kind",
    "name",
    "aliases",
    "date_of_birth",
    "nationality",
    "identifiers",
    "address",
    "programme",
    "remarks",
)
REQUIRED = ("list_name", "entry_id", "kind", "name")
KINDS: dict[str, EntryKind] = {
    "person": "person",
    "individual": "person",
    "organisation": "organisation",
    "organization": "organisation",
    "entity": "organisation",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "other": "other",
}
SEPARATOR = "|"
CSV_SUFFIXES = (".csv",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")

Record = Mapping[str, object]


def read_internal(path: Path) -> Iterator[ListEntry]:
    """Yield every entry of an internal watchlist, in file order.

    The format is chosen by suffix: ``.csv`` or ``.jsonl``/``.ndjson``. Raises `InputError` naming the
    file, row and field when a required column or value is missing, ``kind`` is not recognised, an
    identifier is not ``type:value``, or an entry id repeats within a list.
    """
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        records = _csv_records(path)
    elif suffix in JSONL_SUFFIXES:
        records = _jsonl_records(path)
    else:
        raise InputError(
            f"unknown internal watchlist format {path.suffix!r}: expected .csv, .jsonl or .ndjson",
            path=str(path),
        )
    seen: set[tuple[str, str]] = set()
    try:
        for row, record in records:
            entry = _entry(path, row, record)
            key = (entry.list_name, entry.entry_id)
            if key in seen:
                raise InputError(
                    f"entry_id {entry.entry_id!r} repeats in list {entry.list_name!r}: "
                    "give aliases in the aliases column of one row",
                    path=str(path),
                    row=row,
                    field="entry_id",
                )
            seen.add(key)
            yield entry
    except FileNotFoundError as exc:
        raise InputError("cannot read the internal watchlist: file not found", path=str(path)) from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the internal watchlist: {exc}", path=str(path)) from exc


def _csv_records(path: Path) -> Iterator[tuple[int, Record]]:
    """Rows keyed by column; the row number is the CSV line a user sees in a spreadsheet (header = 1)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        header = [h.strip() for h in reader.fieldnames or ()]
        for column in REQUIRED:
            if column not in header:
                raise InputError(
                    f"missing required column {column!r} (header has: {', '.join(header) or 'nothing'})",
                    path=str(path),
                    row=1,
                    field=column,
                )
        reader.fieldnames = header
        for record in reader:
            if None in record:
                raise InputError(
                    f"more fields than the {len(header)} columns of the header",
                    path=str(path),
                    row=reader.line_num,
                )
            if not any((v or "").strip() for v in record.values()):
                continue
            yield reader.line_num, record


def _jsonl_records(path: Path) -> Iterator[tuple[int, Record]]:
    with path.open(encoding="utf-8-sig") as stream:
        for line_no, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON: {exc.msg}", path=str(path), row=line_no) from exc
            if not isinstance(record, dict):
                raise InputError("each line must be a JSON object", path=str(path), row=line_no)
            for column in REQUIRED:
                if column not in record:
                    raise InputError(
                        f"missing required field {column!r}", path=str(path), row=line_no, field=column
                    )
            yield line_no, record


def _values(path: Path, row: int, record: Record, column: str) -> tuple[str, ...]:
    """The non-empty values of a multi-valued field, given as a "|"-separated string or a list."""
    value = record.get(column)
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[object] = list(value.split(SEPARATOR))
    elif isinstance(value, list):
        items = value
    else:
        raise InputError(
            f"expected text or a list of text, found {type(value).__name__}",
            path=str(path),
            row=row,
            field=column,
        )
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise InputError(
                f"expected text, found {type(item).__name__}", path=str(path), row=row, field=column
            )
        if text := " ".join(item.split()):
            out.append(text)
    return tuple(out)


def _single(path: Path, row: int, record: Record, column: str) -> str:
    value = record.get(column)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and column == "entry_id":
        value = str(value)
    if not isinstance(value, str):
        raise InputError(
            f"expected text, found {type(value).__name__}", path=str(path), row=row, field=column
        )
    return " ".join(value.split())


def _required(path: Path, row: int, record: Record, column: str) -> str:
    if not (value := _single(path, row, record, column)):
        raise InputError(f"{column} is empty", path=str(path), row=row, field=column)
    return value


def _identifier(path: Path, row: int, text: str) -> tuple[str, str]:
    kind, sep, value = text.partition(":")
    if not sep or not kind.strip() or not value.strip():
        raise InputError(
            f"identifier {text!r} is not written as type:value", path=str(path), row=row, field="identifiers"
        )
    return (kind.strip(), value.strip())


def _entry(path: Path, row: int, record: Record) -> ListEntry:
    kind_text = _required(path, row, record, "kind")
    kind = KINDS.get(kind_text.lower())
    if kind is None:
        raise InputError(
            f"kind {kind_text!r} is not one of person, organisation, vessel, aircraft, other",
            path=str(path),
            row=row,
            field="kind",
        )
    names = [EntryName(full=_required(path, row, record, "name"))]
    names += [EntryName(full=alias, is_alias=True) for alias in _values(path, row, record, "aliases")]
    return ListEntry(
        list_name=_required(path, row, record, "list_name"),
        entry_id=_required(path, row, record, "entry_id"),
        kind=kind,
        names=tuple(names),
        dates_of_birth=_values(path, row, record, "date_of_birth"),
        nationalities=tuple(country_code(n) for n in _values(path, row, record, "nationality")),
        identifiers=tuple(_identifier(path, row, i) for i in _values(path, row, record, "identifiers")),
        addresses=_values(path, row, record, "address"),
        programmes=_values(path, row, record, "programme"),
        remarks=_single(path, row, record, "remarks") or None,
    )
