"""When the fast pacs.008 reader gives up mid-file, the load is rolled back and read again exactly.

The fast reader (:mod:`screening.formats.fastxml`) checks what it can before
it gives its first batch; a repeated field, or a count of transfers that does
not match the file's tags, shows only while it parses. It then raises
:class:`FastReaderDeclinedError`; ``Store.load`` rolls the load back and loads the file again
within :func:`reading_exactly`, where only the exact lxml reader runs. This
module is kept free of heavy imports because the store imports it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path


class FastReaderDeclinedError(Exception):
    """The fast reader met what it cannot read whole, after it began to give batches."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: read exactly instead: {reason}")


_EXACT: contextvars.ContextVar[bool] = contextvars.ContextVar("screening_exact_xml", default=False)


@contextlib.contextmanager
def reading_exactly() -> Iterator[None]:
    """Within this context, files are read by the exact reader only."""
    token = _EXACT.set(True)
    try:
        yield
    finally:
        _EXACT.reset(token)


def exact_only() -> bool:
    """Whether the fast reader stands aside (inside :func:`reading_exactly`)."""
    return _EXACT.get()
