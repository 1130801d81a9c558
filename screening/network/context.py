"""What a network detector works with: the screened period's shared tables in DuckDB."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from screening.network.model import Finding


@dataclass(frozen=True)
class Context:
    """A DuckDB connection holding ``sp`` and ``party`` (see ``screening.detection.views``) for a period.

    ``sp`` holds the payments from ``scan_from`` to ``as_of`` with base amounts (``amt``) and
    role and country flags; ``party`` one row per account with its name, type and role flags.
    """

    con: duckdb.DuckDBPyConnection
    scan_from: datetime
    as_of: datetime
    base_currency: str

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """Run a query binding only the ``$names`` it uses (plus the period) and return a Polars frame."""
        given = {"scan_from": self.scan_from, "as_of": self.as_of, **(params or {})}
        used = {k: v for k, v in given.items() if f"${k}" in sql}
        frame = pl.from_arrow(self.con.sql(sql, params=used).to_arrow_table())
        assert isinstance(frame, pl.DataFrame)
        return frame


Detector = Callable[[Context, Mapping[str, float | int]], list[Finding]]
"""A detector: the period's context and the pattern's parameters in, findings out."""
