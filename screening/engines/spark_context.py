"""The network detectors on Spark: their DuckDB SQL translated, their scratch tables checkpointed in Spark.

A detector's queries aggregate and filter the period's payments (``sp``) down
to flows, candidates and evidence; on Spark those queries run on the cluster,
and only their rows (the reduced graph: few beside the payments) come back to
the driver, where networkx and the detector's Python do the rest exactly as on
DuckDB. Store tables a query reads (alerts, their members, sanctions hits) are
shipped to Spark right before it runs, since the run adds to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl
import pyarrow as pa

from screening.engines.spark import STORE_TABLES, first_line, utc
from screening.network.context import Context, QueryError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from screening.engines.spark import SparkEngine

T = TypeVar("T")


class SparkContext(Context):
    """Runs detector queries on the Spark engine's session, over the views its ``prepare`` built."""

    def __init__(self, engine: SparkEngine, scan_from: datetime, as_of: datetime, base_currency: str) -> None:
        super().__init__(scan_from, as_of, base_currency)
        self.engine = engine
        self._kept: dict[str, DataFrame] = {}
        self._registered: set[str] = set()

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        rows = self._run(sql, params, lambda query: utc(self.engine.spark.sql(query).toArrow()))
        frame = pl.from_arrow(rows)
        assert isinstance(frame, pl.DataFrame)
        return frame

    def create(self, name: str, sql: str, params: Mapping[str, Any] | None = None) -> None:
        """Computed now and checkpointed: a detector that builds tables on tables (cycles grow hop by
        hop, prune pass by pass) would otherwise hand Spark a plan that nests every earlier one.

        A checkpoint's blocks (executor memory, then disk) are freed by Spark's context cleaner once
        nothing refers to the frame: replacing or dropping the table lets go of it.
        """
        kept = self._run(sql, params, lambda query: self.engine.spark.sql(query).localCheckpoint(eager=True))
        kept.createOrReplaceTempView(name)
        self._kept[name] = kept

    def register(self, name: str, table: pa.Table) -> None:
        self.engine.spark.createDataFrame(table).createOrReplaceTempView(name)
        self._registered.add(name)

    def drop(self, name: str) -> None:
        self._registered.discard(name)
        self._kept.pop(name, None)
        self.engine.spark.catalog.dropTempView(name)

    def close(self) -> None:
        """Drop every table this context still keeps."""
        for name in [*self._kept, *self._registered]:
            self.drop(name)

    def _run(self, sql: str, params: Mapping[str, Any] | None, run: Callable[[str], T]) -> T:
        """Translate, ship the store tables the query reads, run; any failure as a :class:`QueryError`."""
        from py4j.protocol import Py4JJavaError  # type: ignore[import-untyped]
        from pyspark.errors import PySparkException

        from screening.engines.dialect import TranslationError, tables_read, to_spark

        try:
            query = to_spark(sql, self.bound(sql, params), scratch=self._registered | set(self._kept))
        except TranslationError as error:
            raise QueryError(f"cannot run on Spark: {error}") from error
        for table in sorted(tables_read(sql) & set(STORE_TABLES)):
            self.engine.ship(table)
        try:
            return run(query)
        except (PySparkException, Py4JJavaError) as error:
            raise QueryError(f"the query failed on Spark: {first_line(error)}") from error
