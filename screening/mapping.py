"""Mapping files: how one bank's export maps onto the canonical schema.

A compliance team writes one mapping per export format, in TOML or YAML, so a
real export loads as it is. Example (TOML)::

    source = "bank-a"              # txn_ids are unique within this source
    dataset = "payments"           # payments | accounts | fx_rates

    [csv]
    delimiter = ";"
    encoding = "cp1252"

    [parse]
    timezone = "Europe/Berlin"     # for timestamps written without an offset
    timestamp_format = ["%d.%m.%Y %H:%M", "%d.%m.%Y"]
    decimal = ","
    thousands = "."

    [columns]                      # canonical field = export column(s)
    txn_id = "Referenz"
    ts = ["Datum", "Uhrzeit"]      # several columns are joined with a space
    amount = "Betrag"

    [constants]                    # fields the export lacks, same for every row
    currency = "EUR"

    [codes.channel]                # the bank's codes -> canonical values
    UEB = "wire"
    BAR = "cash"

Fields not named in ``[columns]`` are taken from export columns of the same
name (case-insensitive). Every mistake is reported with the file and key.
"""

from __future__ import annotations

import difflib
import tomllib
import zoneinfo
from collections.abc import Mapping as AnyMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from screening.errors import MappingError
from screening.schema import DATASETS, PAYMENTS, Dataset

DEFAULT_SOURCE = "default"
_TOP_KEYS = {"source", "dataset", "csv", "parse", "columns", "constants", "codes"}
_CSV_KEYS = {"delimiter", "quote", "escape", "encoding", "header", "skip_rows"}
_PARSE_KEYS = {"timezone", "timestamp_format", "date_format", "decimal", "thousands"}
_ENCODINGS_NATIVE = {"utf-8", "utf8", "utf-8-sig", "utf-16", "latin-1", "latin1", "iso-8859-1"}


@dataclass(frozen=True)
class CsvOptions:
    """How to split a delimited file. ``None`` means: detect it."""

    delimiter: str | None = None
    quote: str = '"'
    escape: str | None = None
    encoding: str = "utf-8"
    header: bool = True
    skip_rows: int = 0

    @property
    def needs_transcoding(self) -> bool:
        """True when the encoding is one DuckDB cannot read by itself."""
        return self.encoding.lower() not in _ENCODINGS_NATIVE


@dataclass(frozen=True)
class ParseOptions:
    """How to read values written as text."""

    timezone: str | None = None
    timestamp_formats: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    decimal: str = "."
    thousands: str | None = None


@dataclass(frozen=True)
class Mapping:
    """Everything the loader needs to know about one export format."""

    dataset: Dataset = PAYMENTS
    source: str = DEFAULT_SOURCE
    csv: CsvOptions = field(default_factory=CsvOptions)
    parse: ParseOptions = field(default_factory=ParseOptions)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "(no mapping file)"


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file (``.toml``, ``.yaml`` or ``.yml``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(f"cannot read mapping file: {error.strerror}", path=str(path)) from error
    try:
        if path.suffix.lower() == ".toml":
            document: Any = tomllib.loads(text)
        elif path.suffix.lower() in {".yaml", ".yml"}:
            document = yaml.safe_load(text)
        else:
            raise MappingError("mapping files must end in .toml, .yaml or .yml", path=str(path))
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise MappingError(f"not valid {path.suffix[1:].upper()}: {error}", path=str(path)) from error
    if not isinstance(document, dict):
        raise MappingError("the mapping must be a table of keys", path=str(path))
    return parse_mapping(document, path=path)


def parse_mapping(document: AnyMapping[str, Any], *, path: Path | None = None) -> Mapping:
    """Build a :class:`Mapping` from an already parsed document, checking every key."""
    where = str(path) if path else "mapping"

    def fail(message: str) -> MappingError:
        return MappingError(message, path=where)

    _reject_unknown(document, _TOP_KEYS, "", fail)
    dataset_name = document.get("dataset", "payments")
    if dataset_name not in DATASETS:
        raise fail(f"dataset {dataset_name!r} is not one of {', '.join(DATASETS)}")
    dataset = DATASETS[dataset_name]
    source = document.get("source", DEFAULT_SOURCE)
    if not isinstance(source, str) or not source.strip():
        raise fail("source must be a non-empty string")

    csv_doc = _table(document, "csv", fail)
    _reject_unknown(csv_doc, _CSV_KEYS, "[csv] ", fail)
    csv = CsvOptions(
        delimiter=_optional_str(csv_doc, "delimiter", "[csv]", fail),
        quote=_optional_str(csv_doc, "quote", "[csv]", fail) or '"',
        escape=_optional_str(csv_doc, "escape", "[csv]", fail),
        encoding=_optional_str(csv_doc, "encoding", "[csv]", fail) or "utf-8",
        header=bool(csv_doc.get("header", True)),
        skip_rows=int(csv_doc.get("skip_rows", 0)),
    )
    _check_encoding(csv.encoding, fail)

    parse_doc = _table(document, "parse", fail)
    _reject_unknown(parse_doc, _PARSE_KEYS, "[parse] ", fail)
    timezone = _optional_str(parse_doc, "timezone", "[parse]", fail)
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise fail(f"[parse] timezone {timezone!r} is not a known IANA time zone") from error
    parse = ParseOptions(
        timezone=timezone,
        timestamp_formats=_str_tuple(parse_doc.get("timestamp_format", ()), "[parse] timestamp_format", fail),
        date_formats=_str_tuple(parse_doc.get("date_format", ()), "[parse] date_format", fail),
        decimal=_optional_str(parse_doc, "decimal", "[parse]", fail) or ".",
        thousands=_optional_str(parse_doc, "thousands", "[parse]", fail),
    )
    if parse.decimal == parse.thousands:
        raise fail("[parse] decimal and thousands separators must differ")

    columns = {
        name: _str_tuple(value, f"[columns] {name}", fail)
        for name, value in _fields_table(document, "columns", dataset, fail).items()
    }
    constants = {
        name: _scalar_str(value, f"[constants] {name}", fail)
        for name, value in _fields_table(document, "constants", dataset, fail).items()
    }
    for name in columns.keys() & constants.keys():
        raise fail(f"field {name!r} is given both in [columns] and in [constants]")
    codes: dict[str, dict[str, str]] = {}
    for name, table in _fields_table(document, "codes", dataset, fail).items():
        if not isinstance(table, dict):
            raise fail(f"[codes.{name}] must be a table of code = value")
        codes[name] = {
            str(code): _scalar_str(value, f"[codes.{name}] {code}", fail) for code, value in table.items()
        }
    return Mapping(
        dataset=dataset,
        source=source.strip(),
        csv=csv,
        parse=parse,
        columns=columns,
        constants=constants,
        codes=codes,
        path=path,
    )


def _table(document: AnyMapping[str, Any], key: str, fail: Any) -> dict[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise fail(f"[{key}] must be a table")
    return value


def _fields_table(document: AnyMapping[str, Any], key: str, dataset: Dataset, fail: Any) -> dict[str, Any]:
    table = _table(document, key, fail)
    for name in table:
        if name not in dataset.field_names:
            hint = difflib.get_close_matches(name, dataset.field_names, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise fail(f"[{key}] names unknown {dataset.name} field {name!r}{suggestion}")
    return table


def _reject_unknown(table: AnyMapping[str, Any], known: set[str], prefix: str, fail: Any) -> None:
    for key in table:
        if key not in known:
            hint = difflib.get_close_matches(key, sorted(known), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise fail(f"{prefix}unknown key {key!r}{suggestion}")


def _optional_str(table: AnyMapping[str, Any], key: str, section: str, fail: Any) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value == "":
        raise fail(f"{section} {key} must be a non-empty string")
    return value


def _scalar_str(value: Any, where: str, fail: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(f"{where} must be a string or number")
    return str(value)


def _str_tuple(value: Any, where: str, fail: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) and v for v in values):
        raise fail(f"{where} must be a string or a list of strings")
    return tuple(values)


def _check_encoding(encoding: str, fail: Any) -> None:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise fail(f"[csv] encoding {encoding!r} is not a known text encoding") from error
