"""Errors a user can cause, each carrying a message that names what to fix.

The CLI prints ``str(error)`` on one line and exits non-zero; it never shows a
traceback for these. Anything else escaping is a bug in the engine.
"""

from __future__ import annotations


class ScreeningError(Exception):
    """Base class: a problem with the user's input, files or environment."""

    exit_code = 2


class InputError(ScreeningError):
    """A file, or a record or field in it, cannot be used."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                path,
                f"row {row}" if row is not None else None,
                f"field {field}" if field is not None else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.row = row
        self.field = field


class MappingError(InputError):
    """A mapping file is malformed or does not fit the data it is used with."""


class StoreError(ScreeningError):
    """The store cannot be opened or used as asked."""


class StoreBusyError(StoreError):
    """Another process holds the store open for writing."""

    exit_code = 3
