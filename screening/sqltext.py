"""Small helpers for the SQL text the engine writes and the errors DuckDB returns.

Identifiers come from our schema or from a file's header; they are quoted, never
trusted. Values are always bound as parameters, so there is no helper for them.
"""

from __future__ import annotations


def quoted(name: str) -> str:
    """A column name as a quoted SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def first_line(error: Exception) -> str:
    """The first line of an error message: DuckDB's later lines are hints for developers."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
