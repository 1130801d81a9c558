"""One load: validate a source, sort every record into exactly one outcome, store it.

Each record ends as loaded, quarantined (with field, reason and raw record) or
counted as a duplicate of one already received; the counts always reconcile.
The caller wraps the whole load in one transaction. All work is set-based SQL
over a staging table; Python only orchestrates.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from screening.errors import InputError
from screening.ingest.sources import SourceScan
from screening.ingest.validate import plan_validation
from screening.mapping import Mapping
from screening.schema import FX_RATES, PAYMENTS, Dataset
from screening.sqltext import first_line

Progress = Callable[[float], None]
"""Called with the share of the source scanned so far, 0.0 to 1.0."""

_STAGE = "__stage"
_OUTCOME = "__outcome"
_REJECTED = "__rejected"


@dataclass(frozen=True)
class LoadCounts:
    """How the records of one source were sorted; ``read`` is the sum of the rest."""

    read: int
    loaded: int
    quarantined: int
    duplicates: int
    missing_fx: int
    notes: list[str] = field(default_factory=list)


def load_source(
    con: duckdb.DuckDBPyConnection,
    *,
    mapping: Mapping,
    scan: SourceScan,
    batch_id: int,
    base_currency: str,
    progress: Progress | None = None,
) -> LoadCounts:
    """Validate ``scan`` and add its records to the store; the caller owns the transaction."""
    dataset = mapping.dataset
    if not scan.columns:
        return LoadCounts(read=0, loaded=0, quarantined=0, duplicates=0, missing_fx=0, notes=scan.notes)
    plan = plan_validation(dataset, mapping, scan)
    for name, table in plan.lookups.items():
        codes = pa.table({"code": list(table), "value": list(table.values())}, schema=_LOOKUP_SCHEMA)
        con.register("__lookup_rows", codes)
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM __lookup_rows')
        con.unregister("__lookup_rows")
    if scan.rejects_table:
        con.execute(f"DROP TABLE IF EXISTS temp.{scan.rejects_table}")
        con.execute("DROP TABLE IF EXISTS temp.__rejects_scan")
    try:
        _with_progress(con, f"CREATE OR REPLACE TEMP TABLE {_STAGE} AS {plan.sql}", plan.params, progress)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise InputError(f"cannot read: {first_line(error)}", path=scan.label) from error
    lineage = {
        "source": mapping.source,
        "batch": batch_id,
        "file": scan.label,
        "dataset": dataset.name,
    }
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_REJECTED} (source_row BIGINT, record_key VARCHAR, field VARCHAR, "
        "reason VARCHAR, problems STRUCT(field VARCHAR, reason VARCHAR)[], raw VARCHAR)"
    )
    malformed = _take_malformed_rows(con, scan) if scan.rejects_table else 0
    _classify(con, dataset, lineage)
    _collect_rejected(con, dataset)
    already = _count(
        con,
        f"SELECT count(*) FROM {_REJECTED} r WHERE EXISTS (SELECT 1 FROM quarantine q WHERE "
        "q.dataset = $dataset AND q.source = $source AND q.raw IS NOT DISTINCT FROM r.raw)",
        lineage,
    )
    _execute(
        con,
        "INSERT INTO quarantine SELECT $batch, $dataset, $source, $file, source_row, record_key, field, "
        f"reason, problems, raw FROM {_REJECTED} r WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE "
        "q.dataset = $dataset AND q.source = $source AND q.raw IS NOT DISTINCT FROM r.raw)",
        lineage,
    )
    loaded = _insert_loaded(con, dataset, lineage, base_currency)
    if dataset is FX_RATES:
        _backfill_base_amounts(con, base_currency)
    read = _count(con, f"SELECT count(*) FROM {_STAGE}") + malformed
    rejected = _count(con, f"SELECT count(*) FROM {_REJECTED}")
    duplicates = _count(con, f"SELECT count(*) FROM {_OUTCOME} WHERE outcome = 'duplicate'") + already
    missing_fx = 0
    if dataset is PAYMENTS:
        missing_fx = _count(
            con,
            "SELECT count(*) FROM payments WHERE batch_id = $batch AND amount_base IS NULL",
            {"batch": batch_id},
        )
    for name in (_STAGE, _OUTCOME, _REJECTED, _DAILY, *plan.lookups):
        con.execute(f'DROP TABLE IF EXISTS temp."{name}"')
    return LoadCounts(
        read=read,
        loaded=loaded,
        quarantined=rejected - already,
        duplicates=duplicates,
        missing_fx=missing_fx,
        notes=plan.notes,
    )


_LOOKUP_SCHEMA = pa.schema([("code", pa.string()), ("value", pa.string())])


def _take_malformed_rows(con: duckdb.DuckDBPyConnection, scan: SourceScan) -> int:
    """Quarantine rows the CSV parser could not split, and correct the other rows' numbers.

    DuckDB numbers rejected rows by record (header included) but yields accepted
    rows without numbers; an accepted row's number is its ordinal plus the count
    of rejected rows before it.
    """
    header = scan.header_records
    con.execute(
        f"""INSERT INTO {_REJECTED}
        SELECT line - {header}, NULL, '(record)', 'malformed row: ' || arg_min(error_message, column_idx),
               [{{'field': '(record)', 'reason': 'malformed row: ' || arg_min(error_message, column_idx)}}],
               first(csv_line)
        FROM temp.{scan.rejects_table} GROUP BY line"""
    )
    malformed = _count(con, f"SELECT count(*) FROM {_REJECTED}")
    if malformed == 0:
        return 0
    con.execute(
        f"""UPDATE {_STAGE} SET __row = {_STAGE}.__row + fix.shift FROM (
            SELECT s.__row AS ordinal, f.shift FROM {_STAGE} s ASOF JOIN (
                SELECT source_row - i AS accepted_before, max(i) AS shift FROM (
                    SELECT source_row, row_number() OVER (ORDER BY source_row) AS i FROM {_REJECTED})
                GROUP BY ALL) f
            ON s.__row > f.accepted_before) fix
        WHERE {_STAGE}.__row = fix.ordinal"""
    )
    return malformed


def _classify(con: duckdb.DuckDBPyConnection, dataset: Dataset, lineage: dict[str, object]) -> None:
    """Record which valid rows repeat a key: exact duplicates or conflicts."""
    key = dataset.key
    same = " AND ".join(f's."{c}" IS NOT DISTINCT FROM o."{c}"' for c in dataset.field_names)
    differing = (
        "array_to_string(list_filter(["
        + ", ".join(
            f"""CASE WHEN s."{c}" IS DISTINCT FROM o."{c}" THEN '{c}' END""" for c in dataset.field_names
        )
        + "], lambda x: x IS NOT NULL), ', ')"
    )
    key_text = _key_text(dataset, "s")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_OUTCOME} (row BIGINT, outcome VARCHAR, reason VARCHAR)")
    key_cols = ", ".join(f'"{c}"' for c in key)
    con.execute(
        f"""INSERT INTO {_OUTCOME}
        SELECT s.__row, CASE WHEN {same} THEN 'duplicate' ELSE 'conflict' END,
               {key_text} || ' repeats row ' || o.__row || ' of this file with different ' || {differing}
        FROM {_STAGE} s
        JOIN (SELECT {key_cols}, min(__row) AS first_row FROM {_STAGE} WHERE __problems IS NULL
              GROUP BY ALL HAVING count(*) > 1) f USING ({key_cols})
        JOIN {_STAGE} o ON o.__row = f.first_row
        WHERE s.__problems IS NULL AND s.__row <> f.first_row"""
    )
    on = " AND ".join(f's."{c}" = o."{c}"' for c in key)
    scope = "o.source = $source AND " if dataset.per_source else ""
    _execute(
        con,
        f"""INSERT INTO {_OUTCOME}
        SELECT s.__row, CASE WHEN {same} THEN 'duplicate' ELSE 'conflict' END,
               {key_text} || ' was already loaded (batch ' || o.batch_id || ', ' || o.source_file
               || ' row ' || o.source_row || ') with different ' || {differing}
        FROM {_STAGE} s JOIN {dataset.table} o ON {scope}{on}
        WHERE s.__problems IS NULL AND s.__row NOT IN (SELECT row FROM {_OUTCOME})""",
        lineage,
    )


def _collect_rejected(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    """Gather invalid and conflicting rows, each with its reasons and raw record."""
    record_key = f"concat_ws(' ', {', '.join(f'{c}::VARCHAR' for c in dataset.key)})"
    described = "list_transform(__problems, lambda p: coalesce(p.field || ': ', '') || p.reason)"
    con.execute(
        f"""INSERT INTO {_REJECTED}
        SELECT __row, {record_key}, __problems[1].field, array_to_string({described}, '; '),
               __problems, __raw_record
        FROM {_STAGE} WHERE __problems IS NOT NULL"""
    )
    canonical = ", ".join(f'"{c}" := s."{c}"' for c in dataset.field_names)
    first_key = dataset.key[0]
    con.execute(
        f"""INSERT INTO {_REJECTED}
        SELECT s.__row, {record_key}, '{first_key}', 'conflict: ' || o.reason,
               [{{'field': '{first_key}', 'reason': 'conflict: ' || o.reason}}],
               to_json(struct_pack({canonical}))
        FROM {_STAGE} s JOIN {_OUTCOME} o ON o.row = s.__row WHERE o.outcome = 'conflict'"""
    )


def _insert_loaded(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, lineage: dict[str, object], base_currency: str
) -> int:
    columns = ", ".join(f's."{c}"' for c in dataset.field_names)
    keep = "s.__problems IS NULL"
    if _count(con, f"SELECT count(*) FROM {_OUTCOME}"):
        keep += f" AND s.__row NOT IN (SELECT row FROM {_OUTCOME})"
    tail = "$source, $batch, $file, s.__row"
    params: dict[str, object] = {k: lineage[k] for k in ("source", "batch", "file")}
    if dataset is PAYMENTS:
        _daily_rates(con, f"SELECT ts FROM {_STAGE} WHERE __problems IS NULL")
        sql = f"""INSERT INTO payments SELECT {columns}, {_base_amount("s")}, {tail}
            FROM {_STAGE} s LEFT JOIN {_DAILY} fx ON s.currency = fx.currency AND s.ts::DATE = fx.day
            WHERE {keep}"""
        params["base"] = base_currency
    else:
        sql = f"INSERT INTO {dataset.table} SELECT {columns}, {tail} FROM {_STAGE} s WHERE {keep}"
    return _count(con, sql, params)


_DAILY = "__daily_rates"


def _base_amount(payment: str) -> str:
    """SQL for a payment's amount in the base currency, given the joined daily rate ``fx``."""
    return (
        f"CASE WHEN {payment}.currency = $base THEN {payment}.amount::DECIMAL(18,2) "
        f"ELSE round({payment}.amount * fx.rate, 2)::DECIMAL(18,2) END"
    )


def _daily_rates(con: duckdb.DuckDBPyConnection, timestamps: str) -> None:
    """Spread the rate table over every day the payments span, for a plain equi-join.

    A rate applies from its day until the next one. Joining on (currency, day)
    costs about half of an as-of join over millions of payments.
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {_DAILY} AS
        WITH span AS (SELECT min(ts)::DATE AS first, max(ts)::DATE AS last FROM ({timestamps})),
        days AS (SELECT c.currency, d::DATE AS day FROM (SELECT DISTINCT currency FROM fx_rates) c, span,
                 range(greatest(span.first, (SELECT min(day) FROM fx_rates)), span.last + 1, INTERVAL 1 DAY)
                 t(d))
        SELECT days.currency, days.day, r.rate FROM days ASOF JOIN fx_rates r
        ON days.currency = r.currency AND days.day >= r.day"""
    )


def _backfill_base_amounts(con: duckdb.DuckDBPyConnection, base_currency: str) -> None:
    """Give payments that arrived before their exchange rates their base amount."""
    _daily_rates(con, "SELECT ts FROM payments WHERE amount_base IS NULL")
    con.execute(
        f"""UPDATE payments SET amount_base = {_base_amount("payments")}
        FROM {_DAILY} fx
        WHERE payments.amount_base IS NULL
          AND payments.currency = fx.currency AND payments.ts::DATE = fx.day""",
        {"base": base_currency},
    )
    con.execute(f"DROP TABLE IF EXISTS temp.{_DAILY}")


def _key_text(dataset: Dataset, alias: str) -> str:
    parts = " || ' ' || ".join(f'{alias}."{c}"::VARCHAR' for c in dataset.key)
    return f"'{' '.join(dataset.key)} ''' || {parts} || ''''"


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None) -> int:
    rows = _execute(con, sql, params).fetchall()
    return int(rows[0][0]) if rows else 0


def _execute(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> duckdb.DuckDBPyConnection:
    """Run ``sql`` binding only the parameters it names (DuckDB rejects extra ones)."""
    named = set(_PARAMETER.findall(sql))
    return con.execute(sql, {k: v for k, v in (params or {}).items() if k in named})


_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object], progress: Progress | None
) -> None:
    """Run a long statement, reporting DuckDB's own progress estimate from a watcher thread."""
    if progress is None:
        con.execute(sql, params)
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            share = con.query_progress()
            if share >= 0:
                progress(min(share / 100.0, 1.0))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        con.execute(sql, params)
    finally:
        done.set()
        watcher.join()
    progress(1.0)
