"""The store: one DuckDB file holding payments, KYC, rates, quarantine, loads and findings.

Only this package writes DDL. A store is opened once per process; DuckDB's own
file lock keeps a second writer out, and we turn its refusal into a message.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import networkx as nx
import polars as pl
import pyarrow as pa

from screening.errors import InputError, MappingError, StoreBusyError, StoreError
from screening.formats.fallback import FastReaderDeclinedError, reading_exactly
from screening.ingest.pipeline import LoadCounts, Progress, load_source
from screening.ingest.sources import INPUT_TABLE, SourceScan, scan_file, scan_table
from screening.mapping import Mapping, read_mapping
from screening.schema import DATASETS
from screening.sqltext import first_line
from screening.store.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from screening.network.build import Direction

DEFAULT_DB = Path("screening.duckdb")
DEFAULT_BASE_CURRENCY = "USD"
DEFAULT_MEMORY_LIMIT = "1GB"
"""DuckDB's working memory; beyond it, staging tables spill to ``<db>.tmp``.

Keeps a 10-million-row load near 1.2 GB resident on a shared 2-core machine;
a dedicated host can raise it (``--memory-limit``) and load faster."""
_LOCK_PID = re.compile(r"PID (\d+)")


@dataclass(frozen=True)
class LoadResult:
    """What one load did. ``read == loaded + quarantined + duplicates`` always holds."""

    batch_id: int
    source_file: str
    dataset: str
    source: str
    read: int
    loaded: int
    quarantined: int
    duplicates: int
    missing_fx: int
    seconds: float
    notes: tuple[str, ...] = ()

    @property
    def reconciles(self) -> bool:
        return self.read == self.loaded + self.quarantined + self.duplicates

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "notes": list(self.notes)}


@dataclass(frozen=True)
class StoreInfo:
    """A summary of what a store holds."""

    path: str
    schema_version: int
    base_currency: str
    tables: dict[str, int]
    first_payment: datetime | None
    last_payment: datetime | None
    sources: dict[str, int]
    loads: int

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_payment", "last_payment"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


class Store:
    """An open screening store.

    >>> import tempfile, pathlib
    >>> with Store.open(pathlib.Path(tempfile.mkdtemp()) / "s.duckdb") as store:
    ...     store.info().tables["payments"]
    0
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, base_currency: str) -> None:
        self._con = con
        self.path = path
        self.base_currency = base_currency

    @classmethod
    def open(
        cls,
        path: Path | str = DEFAULT_DB,
        *,
        read_only: bool = False,
        create: bool = True,
        base_currency: str | None = None,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
    ) -> Store:
        """Open the store at ``path`` (created unless ``create`` is false) and bring its schema up to date."""
        path = Path(path)
        if (read_only or not create) and not path.exists():
            raise StoreError(f"{path}: no such store; load data into it first (screening load)")
        if not path.parent.is_dir():
            raise StoreError(f"{path}: folder {path.parent} does not exist")
        config: dict[str, Any] = {
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
        if memory_limit:
            config["memory_limit"] = memory_limit
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            raise _open_error(path, error) from error
        except (duckdb.InvalidInputException, duckdb.ParserException) as error:
            raise StoreError(f"{path}: cannot open with these settings: {first_line(error)}") from error
        con.execute("SET TimeZone = 'UTC'")
        try:
            currency = _migrate(con, path, read_only=read_only, base_currency=base_currency)
        except BaseException:
            con.close()
            raise
        return cls(con, path, currency)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for engine modules that run their own SQL."""
        return self._con

    def load(
        self,
        data: Path | str | pa.Table | pl.DataFrame,
        *,
        mapping: Mapping | Path | str | None = None,
        dataset: str | None = None,
        source: str | None = None,
        label: str | None = None,
        progress: Progress | None = None,
    ) -> LoadResult:
        """Load one file, Arrow table or Polars frame as one batch, in one transaction.

        ``mapping`` describes a bank's export; ``dataset`` (payments, accounts or
        fx_rates) and ``source`` override what the mapping says. Reloading data
        already loaded adds nothing.
        """
        resolved = _resolve_mapping(mapping, dataset, source)
        clock = time.perf_counter()
        try:
            return self._load_once(data, resolved, label, progress, clock)
        except FastReaderDeclinedError:  # rolled back: the exact reader gives the rows, or the error
            with reading_exactly():
                return self._load_once(data, resolved, label, progress, clock)

    def _load_once(
        self,
        data: Path | str | pa.Table | pl.DataFrame,
        resolved: Mapping,
        label: str | None,
        progress: Progress | None,
        clock: float,
    ) -> LoadResult:
        started = datetime.now(UTC)
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = _scalar(con, "SELECT nextval('batch_ids')")
            if isinstance(data, pa.Table | pl.DataFrame):
                scan = scan_table(con, data, label or "(in-memory table)")
                try:
                    counts = self._run(resolved, scan, batch_id, progress)
                finally:
                    con.unregister(INPUT_TABLE)
            else:
                with scan_file(con, Path(data), resolved.csv) as scan:
                    counts = self._run(resolved, scan, batch_id, progress)
            result = LoadResult(
                batch_id=batch_id,
                source_file=scan.label,
                dataset=resolved.dataset.name,
                source=resolved.source,
                read=counts.read,
                loaded=counts.loaded,
                quarantined=counts.quarantined,
                duplicates=counts.duplicates,
                missing_fx=counts.missing_fx,
                seconds=time.perf_counter() - clock,
                notes=tuple(counts.notes),
            )
            con.execute(
                "INSERT INTO loads VALUES ($batch_id, $dataset, $source, $source_file, $mapping, $started, "
                "now(), $read, $loaded, $quarantined, $duplicates, $missing_fx, $notes)",
                {
                    **{k: v for k, v in result.as_dict().items() if k not in {"seconds", "notes"}},
                    "mapping": str(resolved.path) if resolved.path else None,
                    "started": started,
                    "notes": list(result.notes),
                },
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result

    def _run(
        self, mapping: Mapping, scan: SourceScan, batch_id: int, progress: Progress | None
    ) -> LoadCounts:
        return load_source(
            self._con,
            mapping=mapping,
            scan=scan,
            batch_id=batch_id,
            base_currency=self.base_currency,
            progress=progress,
        )

    def payments(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> pl.DataFrame:
        """Stored payments, oldest first, as a Polars frame."""
        where, params = _filters(source=source, since=since, until=until)
        return self._frame(
            f"SELECT * FROM payments {where} ORDER BY ts, source, txn_id{_limit(limit)}", params
        )

    def accounts(self) -> pl.DataFrame:
        """Stored KYC accounts."""
        return self._frame("SELECT * FROM accounts ORDER BY source, account")

    def quarantine(self, *, batch_id: int | None = None, limit: int | None = None) -> pl.DataFrame:
        """Rejected records with where they came from, why, and the raw record."""
        where = "WHERE batch_id = $batch" if batch_id is not None else ""
        params = {"batch": batch_id} if batch_id is not None else {}
        return self._frame(
            f"SELECT batch_id, dataset, source, source_file, source_row, record_key, field, reason, raw "
            f"FROM quarantine {where} ORDER BY batch_id, source_row{_limit(limit)}",
            params,
        )

    def loads(self) -> pl.DataFrame:
        """The load log, one row per batch."""
        return self._frame("SELECT * FROM loads ORDER BY batch_id")

    def sql(self, query: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        """Run a read query of your own and get a Polars frame."""
        return self._frame(query, params or {})

    def network(
        self,
        *,
        around: tuple[str, ...] | list[str] = (),
        hops: int = 2,
        direction: Direction = "both",
        since: datetime | None = None,
        until: datetime | None = None,
        min_amount: float = 0.0,
        max_nodes: int = 2000,
        payments: bool = False,
    ) -> nx.DiGraph[str] | nx.MultiDiGraph[str]:
        """The payment graph: the whole window, or the ``hops`` neighbourhood of ``around``.

        Edges are aggregated flows (``count``, ``amount``, ``first``, ``last``), or
        individual payments keyed by txn_id with ``payments=True``; see
        :mod:`screening.network.build` for the attributes and the node budget.
        """
        from screening.network.build import Scope, network  # the network package reads the store's tables

        scope = Scope(since, until, tuple(around), hops, direction, min_amount, max_nodes)
        return network(self._con, scope, payments=payments)

    def info(self) -> StoreInfo:
        """Counts per table, the payments' time span and the sources loaded."""
        con = self._con
        tables = {
            name: _scalar(con, f"SELECT count(*) FROM {name}")
            for name in (
                "payments",
                "accounts",
                "fx_rates",
                "quarantine",
                "loads",
                "runs",
                "alerts",
            )
        }
        span = con.execute("SELECT min(ts), max(ts) FROM payments").fetchall()[0]
        sources = dict(
            con.execute("SELECT source, count(*) FROM payments GROUP BY ALL ORDER BY 1").fetchall()
        )
        return StoreInfo(
            path=str(self.path),
            schema_version=SCHEMA_VERSION,
            base_currency=self.base_currency,
            tables=tables,
            first_payment=span[0],
            last_payment=span[1],
            sources={str(k): int(v) for k, v in sources.items()},
            loads=tables["loads"],
        )

    def _frame(self, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        table = self._con.sql(sql, params=params or {}).to_arrow_table()
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return frame


def _resolve_mapping(
    mapping: Mapping | Path | str | None, dataset: str | None, source: str | None
) -> Mapping:
    resolved = read_mapping(Path(mapping)) if isinstance(mapping, Path | str) else mapping or Mapping()
    if dataset is not None:
        if dataset not in DATASETS:
            raise InputError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")
        if mapping is not None and resolved.dataset.name != dataset:
            raise MappingError(
                f"the mapping is for {resolved.dataset.name}, not {dataset}", path=resolved.name
            )
        resolved = replace(resolved, dataset=DATASETS[dataset])
    if source is not None:
        if not source.strip():
            raise InputError("the source name must not be empty")
        resolved = replace(resolved, source=source.strip())
    return resolved


def _migrate(
    con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool, base_currency: str | None
) -> str:
    """Apply pending migrations and return the store's base currency."""
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if tables and "meta" not in tables:
        raise StoreError(f"{path}: this DuckDB file is not a screening store")
    version = _scalar(con, "SELECT value::INTEGER FROM meta WHERE key = 'schema_version'") if tables else 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: the store has schema version {version}, newer than this engine ({SCHEMA_VERSION}); "
            "upgrade the engine"
        )
    if version < SCHEMA_VERSION:
        if read_only:
            raise StoreError(f"{path}: the store needs an upgrade; open it once without --read-only")
        con.execute("BEGIN TRANSACTION")
        try:
            for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                try:
                    con.execute(migration)
                except duckdb.Error as error:
                    raise StoreError(
                        f"{path}: cannot bring the store to schema version {number}: {first_line(error)}"
                    ) from error
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)",
                {"v": str(SCHEMA_VERSION)},
            )
            if version == 0:
                con.execute(
                    "INSERT INTO meta VALUES ('base_currency', $c), ('created_at', now()::VARCHAR)",
                    {"c": (base_currency or DEFAULT_BASE_CURRENCY).upper()},
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    rows = con.execute("SELECT value FROM meta WHERE key = 'base_currency'").fetchall()
    stored = str(rows[0][0]) if rows else DEFAULT_BASE_CURRENCY
    if base_currency and base_currency.upper() != stored:
        raise StoreError(f"{path}: the store's base currency is {stored}, not {base_currency.upper()}")
    return stored


def _open_error(path: Path, error: duckdb.IOException) -> StoreError:
    message = str(error)
    if "lock" in message.lower():
        pid = _LOCK_PID.search(message)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreBusyError(
            f"{path}: the store is in use by another process{holder}; try again when it has finished"
        )
    return StoreError(f"{path}: cannot open the store: {first_line(error)}")


def _filters(**conditions: Any) -> tuple[str, dict[str, Any]]:
    clauses = {"source": "source = $source", "since": "ts >= $since", "until": "ts < $until"}
    params = {k: v for k, v in conditions.items() if v is not None}
    where = " AND ".join(clauses[k] for k in params)
    return (f"WHERE {where}" if where else ""), params


def _limit(limit: int | None) -> str:
    return f" LIMIT {int(limit)}" if limit is not None else ""


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0
