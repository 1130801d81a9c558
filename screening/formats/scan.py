"""A payment-message file as a scan the loader validates like any other source.

The reader's transactions stream into DuckDB as Arrow record batches (an
Arrow stream is read once, in order, so memory holds one batch at a time), and
the loader's validation SQL runs over them unchanged. A quarantined
transaction's raw record is its text fields with ``at``, the XPath or MT field
tag where it stands in the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from screening.errors import InputError
from screening.formats.fallback import FastReaderDeclinedError
from screening.formats.records import FIELDS, TEXT_SCHEMA
from screening.ingest.sources import SourceScan

MESSAGE_TABLE = "__message_batches"

Reader = Callable[[Path, list[str]], Iterable[pa.RecordBatch]]
"""A message reader: the file and a list for notes (messages it skipped) in, TEXT_SCHEMA batches out."""


class _Guarded:
    """Keeps the reader's own error: DuckDB would turn it into a generic one while scanning."""

    def __init__(self, batches: Iterable[pa.RecordBatch]) -> None:
        self.batches = batches
        self.error: InputError | FastReaderDeclinedError | None = None

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        """The reader's batches with ``__row`` numbering the transactions in file order."""
        done = 0
        try:
            for batch in self.batches:
                rows = pa.array(range(done + 1, done + batch.num_rows + 1), pa.int64())
                yield batch.set_column(batch.schema.get_field_index("__row"), "__row", rows)
                done += batch.num_rows
        except (InputError, FastReaderDeclinedError) as error:
            self.error = error
            raise


@contextlib.contextmanager
def scan_messages(con: duckdb.DuckDBPyConnection, path: Path, reader: Reader) -> Iterator[SourceScan]:
    """Describe a scan of the transactions ``reader`` finds in ``path``; errors name the file."""
    scan = SourceScan(
        label=str(path),
        sql=f"SELECT * FROM {MESSAGE_TABLE}",
        params={},
        columns=dict.fromkeys(FIELDS, "VARCHAR"),
        locator="__at",
        parse_problems=True,
    )
    guarded = _Guarded(reader(path, scan.notes))
    con.register(MESSAGE_TABLE, pa.RecordBatchReader.from_batches(TEXT_SCHEMA, iter(guarded)))
    try:
        yield scan
    except (InputError, FastReaderDeclinedError, duckdb.Error) as error:
        if guarded.error is not None:
            raise guarded.error from error
        raise
    finally:
        with contextlib.suppress(
            duckdb.Error
        ):  # an aborted transaction refuses; the name is reused next time
            con.unregister(MESSAGE_TABLE)
    if guarded.error is not None:
        raise guarded.error
