"""Payment message formats read by ``screening load``: ISO 20022, SWIFT MT and goAML reports.

Each reader turns a file into transactions of canonical text fields; the loader
validates and stores them as it does a CSV file (see ``docs/formats.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from screening.formats.detect import MESSAGE_FORMATS, sniff
from screening.formats.records import Txn, batches

Batches = Callable[[Path, list[str]], Iterable[pa.RecordBatch]]
"""A message reader: the file and a list for its notes in, batches of canonical text out."""


def reader_for(fmt: str) -> Batches:
    """The reader of one message format (iso20022, mt, goaml), giving batches of canonical text."""
    if fmt == "iso20022":
        from screening.formats.iso20022 import read_iso20022

        return read_iso20022
    if fmt == "mt":
        from screening.formats.swift_mt import read_mt

        return _batched(read_mt)
    if fmt == "goaml":
        from screening.formats.goaml import read_goaml

        return _batched(read_goaml)
    raise ValueError(f"not a message format: {fmt!r}")


def _batched(read: Callable[[Path, list[str]], Iterable[Txn]]) -> Batches:
    """A reader of transactions one by one, as a reader of batches."""
    return lambda path, notes: batches(read(path, notes))


__all__ = ["MESSAGE_FORMATS", "Txn", "reader_for", "sniff"]
