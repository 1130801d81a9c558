"""One load: validate a source, sort every record into exactly one outcome, store it.

Each record ends as loaded, quarantined (with field, reason and raw record) or
counted as a duplicate of one already received; the counts always reconcile.
The caller wraps the whole load in one transaction.

Valid records are written to their table first; records that repeat a key,
within the batch or from an earlier one, are then settled in the table itself
(exact duplicates counted, conflicts quarantined, both removed again), so the
store only ever keeps the first version of a record. A source that can be
read twice cheaply (Parquet, an in-memory table) is validated straight into
the table, and read a second time only when it holds invalid records; other
sources (CSV, JSON Lines) are validated once into a staging table. All work
is set-based SQL; Python only orchestrates.
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
_DAILY = "__daily_rates"


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
    _create_lookups(con, plan.lookups)
    lineage: dict[str, object] = {
        "source": mapping.source,
        "batch": batch_id,
        "file": scan.label,
        "dataset": dataset.name,
        "base": base_currency,
    }
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_REJECTED} (source_row BIGINT, record_key VARCHAR, field VARCHAR, "
        "reason VARCHAR, problems STRUCT(field VARCHAR, reason VARCHAR)[], raw VARCHAR)"
    )
    try:
        if scan.row_count is None:
            read = _stage(con, scan, plan.sql, plan.params, progress)
            records, params = f"SELECT * FROM {_STAGE}", lineage
        else:
            read, records, params = scan.row_count, plan.sql, {**plan.params, **lineage}
        inserted = _insert_valid(con, dataset, records, params, None if scan.row_count is None else progress)
        if inserted < read:
            _collect_invalid(con, dataset, f"SELECT * FROM ({records}) WHERE __problems IS NOT NULL", params)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise InputError(f"cannot read: {first_line(error)}", path=scan.label) from error
    repeats = _settle_repeats(con, dataset, lineage)
    already = _quarantine(con, lineage)
    if dataset is FX_RATES:
        _backfill_base_amounts(con, base_currency)
    counts = LoadCounts(
        read=read,
        loaded=inserted - repeats,
        quarantined=_count(con, f"SELECT count(*) FROM {_REJECTED}") - already,
        duplicates=_count(con, f"SELECT count(*) FROM {_OUTCOME} WHERE outcome = 'duplicate'") + already,
        missing_fx=_count(
            con, "SELECT count(*) FROM payments WHERE batch_id = $batch AND amount_base IS NULL", lineage
        )
        if dataset is PAYMENTS
        else 0,
        notes=[*plan.notes, *(note for note in scan.notes if note not in plan.notes)],
    )
    for name in (_STAGE, _OUTCOME, _REJECTED, _DAILY, *plan.lookups):
        con.execute(f'DROP TABLE IF EXISTS temp."{name}"')
    return counts


_LOOKUP_SCHEMA = pa.schema([("code", pa.string()), ("value", pa.string())])


def _create_lookups(con: duckdb.DuckDBPyConnection, lookups: dict[str, dict[str, str]]) -> None:
    for name, table in lookups.items():
        codes = pa.table({"code": list(table), "value": list(table.values())}, schema=_LOOKUP_SCHEMA)
        con.register("__lookup_rows", codes)
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM __lookup_rows')
        con.unregister("__lookup_rows")


def _stage(
    con: duckdb.DuckDBPyConnection,
    scan: SourceScan,
    sql: str,
    params: dict[str, object],
    progress: Progress | None,
) -> int:
    """Validate a once-only source into the staging table; return how many records it held."""
    if scan.rejects_table:
        con.execute(f"DROP TABLE IF EXISTS temp.{scan.rejects_table}")
        con.execute("DROP TABLE IF EXISTS temp.__rejects_scan")
    _with_progress(con, f"CREATE OR REPLACE TEMP TABLE {_STAGE} AS {sql}", params, progress)
    malformed = _take_malformed_rows(con, scan) if scan.rejects_table else 0
    return _count(con, f"SELECT count(*) FROM {_STAGE}") + malformed


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


def _insert_valid(
    con: duckdb.DuckDBPyConnection,
    dataset: Dataset,
    records: str,
    params: dict[str, object],
    progress: Progress | None,
) -> int:
    """Write the valid records to their table, payments with their base amount; return the count.

    Rows carry their source row number, so the table's physical order does not
    matter and DuckDB may write in parallel, out of order.
    """
    valid = f"SELECT * FROM ({records}) WHERE __problems IS NULL"
    columns = ", ".join(f's."{c}"' for c in dataset.field_names)
    lineage = "$source, $batch, $file, s.__row"
    if dataset is PAYMENTS:
        _daily_rates(con, f"SELECT ts FROM ({records})", params)
        sql = f"""INSERT INTO payments SELECT {columns}, {_base_amount("s")}, {lineage}
            FROM ({valid}) s LEFT JOIN {_DAILY} fx ON s.currency = fx.currency AND s.ts::DATE = fx.day"""
    else:
        sql = f"INSERT INTO {dataset.table} SELECT {columns}, {lineage} FROM ({valid}) s"
    con.execute("SET preserve_insertion_order = false")
    try:
        _with_progress(con, sql, params, progress)
    finally:
        con.execute("RESET preserve_insertion_order")
    return _count(con, f"SELECT count(*) FROM {dataset.table} WHERE batch_id = $batch", params)


def _collect_invalid(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, invalid: str, params: dict[str, object]
) -> None:
    """Gather records that failed a check, with every reason and the raw record."""
    record_key = f"concat_ws(' ', {', '.join(f'{c}::VARCHAR' for c in dataset.key)})"
    described = "list_transform(__problems, lambda p: coalesce(p.field || ': ', '') || p.reason)"
    _execute(
        con,
        f"""INSERT INTO {_REJECTED}
        SELECT __row, {record_key}, __problems[1].field, array_to_string({described}, '; '),
               __problems, __raw_record
        FROM ({invalid})""",
        params,
    )


def _settle_repeats(con: duckdb.DuckDBPyConnection, dataset: Dataset, lineage: dict[str, object]) -> int:
    """Find this batch's records that repeat a key, keep the first version, and return how many went.

    A repeat with the same content is an exact duplicate; with different content
    it is a conflict and goes to quarantine, naming the fields that differ.
    """
    table, key = dataset.table, dataset.key
    same = " AND ".join(f'n."{c}" IS NOT DISTINCT FROM o."{c}"' for c in dataset.field_names)
    differing = (
        "array_to_string(list_filter(["
        + ", ".join(
            f"""CASE WHEN n."{c}" IS DISTINCT FROM o."{c}" THEN '{c}' END""" for c in dataset.field_names
        )
        + "], lambda x: x IS NOT NULL), ', ')"
    )
    key_text = _key_text(dataset, "n")
    key_cols = ", ".join(f'"{c}"' for c in key)
    outcome = f"CASE WHEN {same} THEN 'duplicate' ELSE 'conflict' END"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_OUTCOME} (row BIGINT, outcome VARCHAR, reason VARCHAR)")
    _execute(
        con,
        f"""INSERT INTO {_OUTCOME}
        SELECT n.source_row, {outcome},
               {key_text} || ' repeats row ' || o.source_row || ' of this file with different ' || {differing}
        FROM (SELECT * FROM {table} WHERE batch_id = $batch) n
        JOIN (SELECT {key_cols}, min(source_row) AS first_row FROM {table} WHERE batch_id = $batch
              GROUP BY ALL HAVING count(*) > 1) f USING ({key_cols})
        JOIN (SELECT * FROM {table} WHERE batch_id = $batch) o ON o.source_row = f.first_row
        WHERE n.source_row <> f.first_row""",
        lineage,
    )
    on = " AND ".join(f'n."{c}" = o."{c}"' for c in dataset.store_key)
    _execute(
        con,
        f"""INSERT INTO {_OUTCOME}
        SELECT n.source_row, {outcome},
               {key_text} || ' was already loaded (batch ' || o.batch_id || ', ' || o.source_file
               || ' row ' || o.source_row || ') with different ' || {differing}
        FROM (SELECT * FROM {table} WHERE batch_id = $batch) n
        JOIN (SELECT * FROM {table} WHERE batch_id <> $batch) o ON {on}
        WHERE n.source_row NOT IN (SELECT row FROM {_OUTCOME})""",
        lineage,
    )
    repeats = _count(con, f"SELECT count(*) FROM {_OUTCOME}")
    if repeats == 0:
        return 0
    record_key = f"concat_ws(' ', {', '.join(f'n.{c}::VARCHAR' for c in key)})"
    canonical = ", ".join(f'"{c}" := n."{c}"' for c in dataset.field_names)
    _execute(
        con,
        f"""INSERT INTO {_REJECTED}
        SELECT n.source_row, {record_key}, '{key[0]}', 'conflict: ' || o.reason,
               [{{'field': '{key[0]}', 'reason': 'conflict: ' || o.reason}}],
               to_json(struct_pack({canonical}))
        FROM (SELECT * FROM {table} WHERE batch_id = $batch) n
        JOIN {_OUTCOME} o ON o.row = n.source_row WHERE o.outcome = 'conflict'""",
        lineage,
    )
    _execute(
        con,
        f"DELETE FROM {table} WHERE batch_id = $batch AND source_row IN (SELECT row FROM {_OUTCOME})",
        lineage,
    )
    return repeats


def _quarantine(con: duckdb.DuckDBPyConnection, lineage: dict[str, object]) -> int:
    """Store the rejected records, except those already in quarantine; return how many were."""
    already_there = (
        "EXISTS (SELECT 1 FROM quarantine q WHERE q.dataset = $dataset AND q.source = $source "
        "AND q.raw IS NOT DISTINCT FROM r.raw)"
    )
    already = _count(con, f"SELECT count(*) FROM {_REJECTED} r WHERE {already_there}", lineage)
    _execute(
        con,
        "INSERT INTO quarantine SELECT $batch, $dataset, $source, $file, source_row, record_key, field, "
        f"reason, problems, raw FROM {_REJECTED} r WHERE NOT {already_there}",
        lineage,
    )
    return already


def _base_amount(payment: str) -> str:
    """SQL for a payment's amount in the base currency, given the joined daily rate ``fx``."""
    return (
        f"CASE WHEN {payment}.currency = $base THEN {payment}.amount::DECIMAL(18,2) "
        f"ELSE round({payment}.amount * fx.rate, 2)::DECIMAL(18,2) END"
    )


def _daily_rates(con: duckdb.DuckDBPyConnection, timestamps: str, params: dict[str, object]) -> None:
    """Spread the rate table over every day the payments span, for a plain equi-join.

    A rate applies from its day until the next one. Joining on (currency, day)
    costs about half of an as-of join over millions of payments.
    """
    _execute(
        con,
        f"""CREATE OR REPLACE TEMP TABLE {_DAILY} AS
        WITH span AS (SELECT min(ts)::DATE AS first, max(ts)::DATE AS last FROM ({timestamps})),
        days AS (SELECT c.currency, d::DATE AS day FROM (SELECT DISTINCT currency FROM fx_rates) c, span,
                 range(greatest(span.first, (SELECT min(day) FROM fx_rates)), span.last + 1, INTERVAL 1 DAY)
                 t(d))
        SELECT days.currency, days.day, r.rate FROM days ASOF JOIN fx_rates r
        ON days.currency = r.currency AND days.day >= r.day""",
        params,
    )


def _backfill_base_amounts(con: duckdb.DuckDBPyConnection, base_currency: str) -> None:
    """Give payments that arrived before their exchange rates their base amount."""
    _daily_rates(con, "SELECT ts FROM payments WHERE amount_base IS NULL", {})
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
        _execute(con, sql, params)
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
        _execute(con, sql, params)
    finally:
        done.set()
        watcher.join()
    progress(1.0)
