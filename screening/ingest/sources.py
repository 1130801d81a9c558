"""Readers: turn a file or an in-memory table into a scan the loader can validate.

Each reader describes a streaming DuckDB scan (DuckDB's own CSV, Parquet and
line readers are parallel, out of core and record malformed rows instead of
dropping them) that yields the source's own columns plus ``__row``, the
1-based record number within the source. Nothing is read into Python.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from screening.errors import InputError
from screening.formats import MESSAGE_FORMATS, reader_for, sniff
from screening.mapping import CsvOptions
from screening.sqltext import first_line, quoted

_TRANSCODE_CHUNK = 1 << 20


@dataclass
class SourceScan:
    """A ready-to-run scan of one input.

    ``sql`` selects the source columns (``columns``, name -> DuckDB type) and
    ``__row``; ``params`` are bound when it runs. With ``flags_malformed`` it
    also yields ``__malformed`` (why a record could not be split into fields)
    and ``__raw`` (its text). When ``rejects_table`` is set,
    DuckDB stores malformed CSV rows there during the scan, and ``__row`` holds
    the ordinal among well-formed rows until the loader corrects it.
    """

    label: str
    sql: str
    params: dict[str, Any]
    columns: dict[str, str]
    rejects_table: str | None = None
    row_count: int | None = None
    """How many records the source holds, when known without parsing it (Parquet, Arrow).
    Such a source is cheap to read twice, so the loader validates it straight into the store."""
    header_records: int = 1
    """Lines before the first record (title lines, header); DuckDB counts them in reject lines."""
    flags_malformed: bool = False
    notes: list[str] = field(default_factory=list)
    locator: str | None = None
    """A column saying where each record is in the file (XPath, MT field tag), kept in its raw record."""
    parse_problems: bool = False
    """The scan yields ``__parse_problems`` (field, reason): what the reader found wrong in a record."""


INPUT_TABLE = "__input_table"
"""The name an in-memory table is registered under while it loads."""

FILE_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
FILE_FORMATS |= {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
FILE_FORMATS |= {".xml": "iso20022", ".fin": "mt", ".sta": "mt", ".mt940": "mt", ".mt103": "mt"}
FORMATS = ("csv", "parquet", "jsonl", *MESSAGE_FORMATS)
"""What ``--format`` accepts; without it a file's content decides, then its suffix."""

_FORMAT: contextvars.ContextVar[str | None] = contextvars.ContextVar("screening_format", default=None)


@contextlib.contextmanager
def reading_as(fmt: str | None) -> Iterator[None]:
    """Read the files loaded within this context as ``fmt``, whatever their content or suffix says."""
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    token = _FORMAT.set(fmt)
    try:
        yield
    finally:
        _FORMAT.reset(token)


def file_format(path: Path) -> str:
    """The reader for a file, chosen by its suffix."""
    suffix = path.suffix.lower()
    if suffix not in FILE_FORMATS:
        known = ", ".join(sorted(FILE_FORMATS))
        raise InputError(f"unknown file type {suffix or '(none)'!r}; expected one of {known}", path=str(path))
    return FILE_FORMATS[suffix]


@contextlib.contextmanager
def scan_file(con: duckdb.DuckDBPyConnection, path: Path, csv: CsvOptions) -> Iterator[SourceScan]:
    """Describe a scan of ``path``; temporary files it needs live as long as the context."""
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    fmt = _FORMAT.get() or sniff(path) or file_format(path)
    if fmt in MESSAGE_FORMATS:
        from screening.formats.scan import scan_messages

        with scan_messages(con, path, reader_for(fmt)) as scan:
            yield scan
    elif fmt == "parquet":
        yield _parquet_scan(con, path)
    elif fmt == "jsonl":
        yield _jsonl_scan(con, path)
    elif csv.needs_transcoding:
        with tempfile.TemporaryDirectory(prefix="screening-") as tmp:
            utf8 = Path(tmp) / "utf8.csv"
            _transcode(path, utf8, csv.encoding)
            yield _csv_scan(con, utf8, csv, label=str(path))
    else:
        yield _csv_scan(con, path, csv, label=str(path))


def scan_table(con: duckdb.DuckDBPyConnection, data: pa.Table | pl.DataFrame, label: str) -> SourceScan:
    """Describe a scan of an in-memory Arrow table or Polars frame."""
    table = data.to_arrow() if isinstance(data, pl.DataFrame) else data
    if not isinstance(table, pa.Table):
        raise InputError("expected a pyarrow Table or a polars DataFrame", path=label)
    con.register(INPUT_TABLE, table)
    return SourceScan(
        label=label,
        sql=f"SELECT *, row_number() OVER () AS __row FROM {INPUT_TABLE}",
        params={},
        columns=_describe(con, f"SELECT * FROM {INPUT_TABLE}", {}),
        row_count=table.num_rows,
    )


def _csv_scan(con: duckdb.DuckDBPyConnection, path: Path, csv: CsvOptions, label: str) -> SourceScan:
    options: dict[str, Any] = {
        "path": str(path),
        "quote": csv.quote,
        "escape": csv.escape or csv.quote,
        "header": csv.header,
        "skip": csv.skip_rows,
    }
    delim = ", delim=$delim" if csv.delimiter else ""
    if csv.delimiter:
        options["delim"] = "\t" if csv.delimiter == "\\t" else csv.delimiter
    encoding = csv.encoding.lower()
    if encoding in {"utf-16", "latin-1", "latin1", "iso-8859-1"}:
        options["encoding"] = "utf-16" if encoding == "utf-16" else "latin-1"
        delim += ", encoding=$encoding"
    reader = (
        "read_csv($path, all_varchar=true, header=$header, skip=$skip, quote=$quote, escape=$escape"
        f"{delim}, store_rejects=true, rejects_table='__rejects', rejects_scan='__rejects_scan')"
    )
    if path.stat().st_size == 0:
        return _empty_scan(label, "the file is empty")
    try:
        columns = _describe(con, f"SELECT * FROM {reader}", options)
    except duckdb.Error as error:
        raise InputError(f"cannot read as CSV: {first_line(error)}", path=label) from error
    return SourceScan(
        label=label,
        sql=f"SELECT *, row_number() OVER () AS __row FROM {reader}",
        params=options,
        columns=columns,
        rejects_table="__rejects",
        header_records=(1 if csv.header else 0) + csv.skip_rows,
    )


def _parquet_scan(con: duckdb.DuckDBPyConnection, path: Path) -> SourceScan:
    params = {"path": str(path)}
    try:
        columns = _describe(con, "SELECT * FROM read_parquet($path)", params)
        rows = con.execute("SELECT count(*) FROM read_parquet($path)", params).fetchall()[0][0]
    except duckdb.Error as error:
        raise InputError(f"cannot read as Parquet: {first_line(error)}", path=str(path)) from error
    return SourceScan(
        label=str(path),
        sql="SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __row "
        "FROM read_parquet($path, file_row_number=true)",
        params=params,
        columns=columns,
        row_count=int(rows),
    )


def _jsonl_scan(con: duckdb.DuckDBPyConnection, path: Path) -> SourceScan:
    """JSON Lines: one record a line; a line that is not a JSON object is quarantined.

    The fields are the keys of every object in the file, found in a first pass,
    so a key that appears only late in a large file is still read.
    """
    if _starts_with_array(path):
        raise InputError(
            "a JSON array is not read; write one JSON object per line (JSON Lines, .jsonl)", path=str(path)
        )
    params: dict[str, Any] = {"path": str(path), "cols": {"line": "VARCHAR"}}
    lines = (
        "SELECT line, row_number() OVER () AS __row FROM read_csv($path, columns=$cols, "
        "delim=chr(31), quote='', escape='', header=false)"
    )
    keys_sql = (
        f"SELECT key FROM (SELECT unnest(json_keys(line)) AS key, __row FROM ({lines}) "
        "WHERE json_valid(line) AND json_type(line) = 'OBJECT') GROUP BY key ORDER BY min(__row), key"
    )
    try:
        found = con.execute(keys_sql, params).fetchall()
    except duckdb.Error as error:
        raise InputError(f"cannot read as JSON Lines: {first_line(error)}", path=str(path)) from error
    keys = [str(key) for (key,) in found]
    if not keys:
        return _empty_scan(str(path), "no JSON object found")
    params["paths"] = [f"$.{json.dumps(k)}" for k in keys]
    extracted = ", ".join(f"__values[{i + 1}] AS {quoted(k)}" for i, k in enumerate(keys))
    sql = (
        f"SELECT {extracted}, __row, CASE WHEN __values IS NULL THEN 'not a JSON object' END AS __malformed, "
        "line AS __raw FROM (SELECT *, CASE WHEN json_valid(line) AND json_type(line) = 'OBJECT' "
        f"THEN json_extract_string(line, $paths) END AS __values FROM ({lines}) "
        "WHERE trim(coalesce(line, '')) <> '')"
    )
    columns = dict.fromkeys(keys, "VARCHAR")
    return SourceScan(label=str(path), sql=sql, params=params, columns=columns, flags_malformed=True)


def _starts_with_array(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"[")


def _empty_scan(label: str, note: str) -> SourceScan:
    return SourceScan(
        label=label,
        sql="SELECT NULL::BIGINT AS __row WHERE false",
        params={},
        columns={},
        notes=[note],
    )


def _describe(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE {sql}", params).fetchall()
    return {str(name): str(dtype) for name, dtype, *_ in rows}


def _transcode(source: Path, target: Path, encoding: str) -> None:
    """Re-encode a file to UTF-8 in bounded memory, failing on bytes that are not text."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_TRANSCODE_CHUNK):
            try:
                dst.write(decoder.decode(chunk))
            except UnicodeDecodeError as error:
                raise InputError(
                    f"byte {offset + error.start} is not valid {encoding}", path=str(source)
                ) from error
            offset += len(chunk)
        dst.write(decoder.decode(b"", final=True))
