"""What a network detector works with: the screened period's shared tables, on whichever engine holds them.

A detector reads ``sp`` and ``party`` (see ``screening.detection.views``) and the
store's alerts through four operations: run a query into a Polars frame, keep a
query's result as a scratch table, register a small Arrow table, and drop either.
Its SQL is written once, in DuckDB's dialect with ``$name`` placeholders;
:class:`DuckDBContext` runs it in the store's session, and the Spark engine
(``screening.engines.spark_context``) translates it through the dialect layer.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from screening.network.model import Finding

_PLACEHOLDER = re.compile(r"\$(\w+)")


class QueryError(RuntimeError):
    """A detector's query cannot run on the engine (it cannot be translated, or the engine refused it)."""


class Context(ABC):
    """The screened period (``scan_from`` to ``as_of``) and the tables a detector queries.

    ``sp`` holds the payments of the period with base amounts (``amt``) and role
    and country flags; ``party`` one row per account with its name, type and role flags.
    """

    def __init__(self, scan_from: datetime, as_of: datetime, base_currency: str) -> None:
        self.scan_from = scan_from
        self.as_of = as_of
        self.base_currency = base_currency

    @abstractmethod
    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """The rows of a query, as a Polars frame."""

    @abstractmethod
    def create(self, name: str, sql: str, params: Mapping[str, Any] | None = None) -> None:
        """Keep a query's rows as the scratch table ``name`` (replacing one of that name)."""

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Make a small Arrow table queryable as ``name``."""

    @abstractmethod
    def drop(self, name: str) -> None:
        """Forget a scratch or registered table; nothing happens when there is none."""

    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[None]:
        """``table`` queryable as ``name`` for the length of a ``with`` block."""
        self.register(name, table)
        try:
            yield
        finally:
            self.drop(name)

    def bound(self, sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """The values of the ``$names`` a statement uses, the period's bounds included."""
        given = {"scan_from": self.scan_from, "as_of": self.as_of, **(params or {})}
        return {k: given[k] for k in set(_PLACEHOLDER.findall(sql)) if k in given}


class DuckDBContext(Context):
    """The store's own DuckDB session, holding the period's views (the embedded default)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, scan_from: datetime, as_of: datetime, base_currency: str
    ) -> None:
        super().__init__(scan_from, as_of, base_currency)
        self.con = con
        self._registered: set[str] = set()

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        frame = pl.from_arrow(self.con.sql(sql, params=self.bound(sql, params)).to_arrow_table())
        assert isinstance(frame, pl.DataFrame)
        return frame

    def create(self, name: str, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", self.bound(sql, params))

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)
        self._registered.add(name)

    def drop(self, name: str) -> None:
        if name in self._registered:
            self.con.unregister(name)
            self._registered.discard(name)
        else:
            self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")


Detector = Callable[[Context, Mapping[str, float | int]], list[Finding]]
"""A detector: the period's context and the pattern's parameters in, findings out."""
