"""The rules on Apache Spark: the same rule files and views, translated; alerts written by the runner.

Spark reads the payments (Parquet, or a table of the Spark catalog) in the
store's layout: the canonical columns plus ``amount_base`` and ``source``;
``batch_id`` is optional (without it the input is one batch, and later runs
screen what is dated after the last one). KYC accounts, alerts of earlier runs
and the run's own findings come from the store, which stays the one place
alerts, evidence and runs are kept. Every rule runs as one Spark SQL query; its
rows (few: findings, not payments) come back to the driver and are written by
the runner exactly as DuckDB's are.

Window rules stay correct on a cluster because every window, lag and episode
in the rules is partitioned by account (or by account and counterparty), so
Spark shuffles each account's payments to one task, as DuckDB does in one process.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from screening.detection.model import REQUIRED_COLUMNS, Rule, RuleError
from screening.detection.reference import Reference
from screening.detection.ruleset import RuleSet, Settings
from screening.detection.runner import UNSCREENED, RuleProgress, RunResult, period_end, run_rules
from screening.detection.views import reference_tables, view_parameters, view_queries
from screening.engines import DEFAULT_SPARK_MASTER
from screening.errors import InputError
from screening.network.patterns import PatternSet
from screening.network.runner import PatternProgress, run_patterns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from screening.engines.spark_context import SparkContext

EVIDENCE_SOURCES = "spark_evidence_sources"
STORE_TABLES = {
    "run_alerts": "SELECT * FROM run_alerts",
    "alerts": "SELECT * EXCLUDE (figures) FROM alerts",
    "alert_evidence": "SELECT * FROM alert_evidence",
    "alert_members": "SELECT * EXCLUDE (figures) FROM alert_members",
    "sanction_hits": "SELECT * EXCLUDE (components) FROM sanction_hits",
}
"""Store tables a rule or detector may read, shipped to Spark right before a query reads them (they grow
during a run). JSON columns stay behind: no rule or detector reads them."""
SQL_SETTINGS = {"spark.sql.session.timeZone": "UTC", "spark.sql.ansi.enabled": "false"}
"""What the translated rules assume of a session: UTC instants, NULL (not errors) where DuckDB gives NULL."""
_NEEDED = ("txn_id", "ts", "amount", "currency", "payer_account", "payee_account", "amount_base", "source")


def spark_available() -> str | None:
    """Why the Spark engine cannot start here (no pyspark, no Java), or None."""
    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("sqlglot") is None:
        return "pyspark and sqlglot are not installed: pip install 'fiu-screening[spark]'"
    if shutil.which("java") is None:
        return "no Java runtime (Spark needs Java 17 or newer on the PATH)"
    return None


def spark_session(master: str = DEFAULT_SPARK_MASTER) -> SparkSession:
    """A Spark session with the settings the translated rules rely on.

    UTC session time, and SQL without ANSI errors: DuckDB answers NULL where ANSI
    Spark raises (a division by zero, a list index past the end).
    """
    missing = spark_available()
    if missing is not None:
        raise InputError(f"the Spark engine cannot start: {missing}")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("screening")
    for key, value in SQL_SETTINGS.items():
        builder = builder.config(key, value)
    builder = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    if master.startswith("local"):
        # Python workers (sanctions screening per partition) run here: on this interpreter, with its packages.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.sql.shuffle.partitions", "4").config(
            "spark.sql.adaptive.enabled", "false"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def read_payments(spark: SparkSession, source: str) -> DataFrame:
    """Payments from a Parquet file or folder, or else a table of the Spark catalog."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions

    try:
        looks_like_path = "/" in source or source.endswith(".parquet") or Path(source).exists()
        frame = spark.read.parquet(source) if looks_like_path else spark.table(source)
    except AnalysisException as error:
        raise InputError(
            f"Spark cannot read the payments: {str(error).splitlines()[0]}", path=source
        ) from error
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise InputError(
            f"the payments lack {', '.join(missing)} (the store's layout: canonical columns, "
            "amount_base and source)",
            path=source,
        )
    for column, value, kind in (("batch_id", 1, "bigint"), ("source_file", source, "string"),
                                ("source_row", None, "bigint")):  # fmt: skip
        if column not in frame.columns:
            frame = frame.withColumn(column, functions.lit(value).cast(kind))
    return frame


def store_payments(con: duckdb.DuckDBPyConnection, folder: Path) -> str:
    """The store's payments written to Parquet for Spark to read (local mode: a driver-side file)."""
    path = folder / "payments.parquet"
    con.execute(f"COPY (SELECT * FROM payments) TO '{_quoted(path)}' (FORMAT parquet)")
    return str(path)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


class SparkEngine:
    """Runs each rule as Spark SQL over Spark's payments; the runner writes its rows to the store."""

    name = "spark"
    evidence_sources = EVIDENCE_SOURCES

    def __init__(self, con: duckdb.DuckDBPyConnection, spark: SparkSession, payments: DataFrame) -> None:
        self.con = con
        self.spark = spark
        self.payments = payments
        self._cached: list[DataFrame] = []
        self._contexts: list[SparkContext] = []
        for key, value in SQL_SETTINGS.items():  # also on a session the platform made (Databricks)
            spark.conf.set(key, value)
        payments.createOrReplaceTempView("payments")
        self._ship("accounts", "SELECT * FROM accounts")

    def unsupported(self, rule: Rule) -> str | None:
        from screening.engines.dialect import untranslatable

        return untranslatable(rule)

    def period_end(self, as_of: date | datetime | None) -> datetime:
        if as_of is not None:
            return period_end(self.con, as_of)
        newest = self._scalar("SELECT unix_micros(max(ts)) FROM payments")
        return _instant(newest) if newest is not None else datetime.now(UTC)

    def max_batch(self) -> int:
        return int(self._scalar("SELECT coalesce(max(batch_id), 0) FROM payments"))

    def unscreened(self, bookmark: dict[str, Any]) -> tuple[int, datetime | None]:
        from screening.engines.dialect import to_spark

        counted = to_spark(
            f"SELECT count(*) AS n, min(ts) AS first FROM payments WHERE {UNSCREENED}", bookmark
        )
        row = self.spark.sql(f"SELECT n, unix_micros(first) FROM ({counted})").collect()[0]
        return int(row[0]), _instant(row[1]) if row[1] is not None else None

    def prepare(
        self, reference: Reference, bookmark: dict[str, Any], scan_from: datetime, until: datetime
    ) -> None:
        from screening.engines.dialect import to_spark

        for name, table in reference_tables(reference).items():
            self.spark.createDataFrame(table).createOrReplaceTempView(name)
        values = view_parameters(reference, scan_from=scan_from, as_of=until)
        for name, query in view_queries():
            self._materialise(name, to_spark(query, values))
        self._materialise(
            "new_txn", to_spark(f"SELECT DISTINCT txn_id FROM payments WHERE {UNSCREENED}", bookmark)
        )

    def findings(
        self, rule: Rule, parameters: dict[str, float | int], scan_from: datetime, until: datetime
    ) -> pa.Table:
        from py4j.protocol import Py4JJavaError  # type: ignore[import-untyped]
        from pyspark.errors import PySparkException

        from screening.engines.dialect import TranslationError, tables_read, to_spark

        try:
            sql = to_spark(rule.detection, {**parameters, "scan_from": scan_from, "as_of": until})
        except TranslationError as error:
            raise RuleError(f"field detection: cannot run on Spark: {error}", path=str(rule.path)) from error
        for table in sorted(tables_read(rule.detection) & set(STORE_TABLES)):
            self.ship(table)
        try:
            found = self.spark.sql(sql)
            missing = [c for c in REQUIRED_COLUMNS if c not in found.columns]
            if missing:
                raise RuleError(
                    f"field detection: the query returns no column {', '.join(missing)}", path=str(rule.path)
                )
            rows = found.toArrow()
            touched = self.unscreened_among(
                sorted({str(t) for txns in rows.column("evidence").to_pylist() for t in (txns or [])})
            )
        except (PySparkException, Py4JJavaError) as error:
            message = first_line(error)
            raise RuleError(
                f"field detection: the query failed on Spark: {message}", path=str(rule.path)
            ) from error
        keep = [any(t in touched for t in (txns or [])) for txns in rows.column("evidence").to_pylist()]
        return utc(rows.filter(pa.array(keep, pa.bool_())))

    def close(self) -> None:
        """Drop what this run cached in Spark."""
        for context in self._contexts:
            context.close()
        self._contexts.clear()
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()

    def context(self, scan_from: datetime, until: datetime, base_currency: str) -> SparkContext:
        from screening.engines.spark_context import SparkContext

        context = SparkContext(self, scan_from, until, base_currency)
        self._contexts.append(context)
        return context

    def unscreened_among(self, txns: list[str]) -> set[str]:
        """Which evidence payments are unscreened; their sources go to the store for the evidence."""
        evidence = self.spark.createDataFrame(pa.table({"txn_id": pa.array(txns, pa.string())}))
        evidence.createOrReplaceTempView("__evidence")
        try:
            sources = self.spark.sql(
                "SELECT DISTINCT p.source, p.txn_id, n.txn_id IS NOT NULL AS new FROM payments p "
                "LEFT SEMI JOIN __evidence e ON e.txn_id = p.txn_id "
                "LEFT JOIN new_txn n ON n.txn_id = p.txn_id"
            ).toArrow()
        finally:
            self.spark.catalog.dropTempView("__evidence")
        self.con.register("__sources", sources)
        try:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {EVIDENCE_SOURCES} AS SELECT source, txn_id FROM __sources"
            )
            new = self.con.execute("SELECT DISTINCT txn_id FROM __sources WHERE new").fetchall()
        finally:
            self.con.unregister("__sources")
        return {str(row[0]) for row in new}

    def _materialise(self, name: str, sql: str) -> None:
        """The query's rows kept (memory, else disk) under ``name`` until :meth:`close`."""
        from pyspark import StorageLevel

        frame = self.spark.sql(sql).persist(StorageLevel.MEMORY_AND_DISK)
        frame.count()
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)

    def ship(self, table: str) -> None:
        """A store table as a Spark view (KYC accounts, alerts: small beside the payments)."""
        self._ship(table, STORE_TABLES[table])

    def _ship(self, name: str, sql: str) -> None:
        self.spark.createDataFrame(self.con.sql(sql).to_arrow_table()).createOrReplaceTempView(name)

    def _scalar(self, sql: str) -> Any:
        return self.spark.sql(sql).collect()[0][0]


def first_line(error: Exception) -> str:
    """The message of a Spark error, without the JVM's stack."""
    lines = [line for line in str(error).strip().splitlines() if line.strip() and not line.startswith("\t")]
    causes = [line for line in lines if line.startswith("Caused by:")]
    return (causes[-1] if causes else lines[0] if lines else repr(error))[:400]


def _instant(micros: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))


def utc(table: pa.Table) -> pa.Table:
    """Timestamps as DuckDB's store returns them: microseconds, UTC."""
    columns = [
        column.cast(pa.timestamp("us", tz="UTC")) if pa.types.is_timestamp(column.type) else column
        for column in table.columns
    ]
    return pa.Table.from_arrays(columns, names=table.column_names)


@contextlib.contextmanager
def payments_frame(
    con: duckdb.DuckDBPyConnection, spark: SparkSession, payments: str | None
) -> Iterator[DataFrame]:
    """The payments Spark works on: ``payments`` (a Parquet path or a Spark table), else the store's own.

    The store's payments go to Spark through a temporary Parquet file (local mode),
    which lives as long as the context.
    """
    with tempfile.TemporaryDirectory(prefix="screening-spark-") as folder:
        yield read_payments(spark, payments or store_payments(con, Path(folder)))


@contextlib.contextmanager
def spark_engine(
    con: duckdb.DuckDBPyConnection, payments: str | None, master: str, spark: SparkSession | None
) -> Iterator[SparkEngine]:
    """A Spark engine over ``payments`` (see :func:`payments_frame`) on ``spark`` or a new session
    at ``master``; what it cached is dropped when the context ends."""
    session = spark or spark_session(master)
    with payments_frame(con, session, payments) as frame:
        engine = SparkEngine(con, session, frame)
        try:
            yield engine
        finally:
            engine.close()


def screen_on_spark(
    con: duckdb.DuckDBPyConnection,
    ruleset: RuleSet,
    settings: Settings,
    *,
    base_currency: str,
    payments: str | None = None,
    master: str = DEFAULT_SPARK_MASTER,
    spark: SparkSession | None = None,
    as_of: date | datetime | None = None,
    packs: tuple[str, ...] = (),
    progress: RuleProgress | None = None,
) -> RunResult:
    """Run the rules on Spark and keep the alerts in the store behind ``con``.

    ``payments`` is a Parquet path or a Spark table; without it the store's own
    payments are handed to Spark through a temporary Parquet file (local mode).
    """
    with spark_engine(con, payments, master, spark) as engine:
        return run_rules(con, ruleset, settings, base_currency=base_currency, as_of=as_of, packs=packs,
                         progress=progress, engine=engine)  # fmt: skip


def find_networks_on_spark(
    con: duckdb.DuckDBPyConnection,
    patterns: PatternSet,
    reference: Reference,
    settings: Settings,
    *,
    base_currency: str,
    payments: str | None = None,
    master: str = DEFAULT_SPARK_MASTER,
    spark: SparkSession | None = None,
    as_of: date | datetime | None = None,
    progress: PatternProgress | None = None,
) -> RunResult:
    """Run the network patterns' queries on Spark and keep their findings in the store behind ``con``.

    Run it after the rules: the community and nexus patterns start from the alerts in the store.
    """
    with spark_engine(con, payments, master, spark) as engine:
        return run_patterns(con, patterns, reference, base_currency=base_currency, settings=settings,
                            as_of=as_of, progress=progress, engine=engine)  # fmt: skip
