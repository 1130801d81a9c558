"""The view index: aggregated flows and account profiles kept sorted, for sub-second neighbourhood views.

A 2-hop view over the payments table reads every payment several times (seconds
at 10 million payments); over flows sorted by payer and by payee DuckDB skips
all but a few blocks. The index covers all time and is rebuilt by the nightly
job (``screening run``) after the network patterns; a view checks that it still
covers every loaded batch and otherwise reads the payments, correct but slower.
"""

from __future__ import annotations

import duckdb

FLOW_COLUMNS = """payer_account AS source, payee_account AS target, count(*) AS count,
       coalesce(sum(amount_base), 0)::DOUBLE AS amount,
       epoch(min(ts))::BIGINT AS first, epoch(max(ts))::BIGINT AS last"""
"""A flow between two accounts, aggregated over a ``GROUP BY ALL`` of payments."""

BETWEEN_ACCOUNTS = (
    "payer_account IS NOT NULL AND payee_account IS NOT NULL AND payer_account <> payee_account"
)
"""Payments that are flows: an account at each end, and not the same one."""

_FLOWS = f"SELECT {FLOW_COLUMNS} FROM payments WHERE {BETWEEN_ACCOUNTS} GROUP BY ALL"


def profiles_sql(within: str | None = None) -> str:
    """Each account's most frequent name, country and type in the payments.

    With ``within`` (a relation with an ``account`` column), only those accounts.
    """
    ends = {
        side: f"SEMI JOIN {within} w ON w.account = payments.{side}_account"
        if within
        else f"WHERE {side}_account IS NOT NULL"
        for side in ("payer", "payee")
    }
    return f"""
SELECT account, mode(name) AS name, mode(country) AS country, mode(type) AS type FROM (
    SELECT payer_account AS account, payer_name AS name, payer_country AS country, payer_type AS type
    FROM payments {ends["payer"]}
    UNION ALL
    SELECT payee_account, payee_name, payee_country, payee_type FROM payments {ends["payee"]}
) GROUP BY account"""


def refresh_view_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the index when payments arrived since it was built; True when it was rebuilt."""
    if index_is_current(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE __flows AS {_FLOWS}")
        for table in ("flows_out", "flows_in", "account_profiles", "view_index"):
            con.execute(f"DELETE FROM {table}")
        con.execute("INSERT INTO flows_out SELECT * FROM __flows ORDER BY source, target")
        con.execute("INSERT INTO flows_in SELECT * FROM __flows ORDER BY target, source")
        con.execute(f"INSERT INTO account_profiles {profiles_sql()} ORDER BY account")
        con.execute("INSERT INTO view_index SELECT coalesce(max(batch_id), 0), count(*), now() FROM payments")
        con.execute("DROP TABLE temp.__flows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def index_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the view index covers exactly the payments the store holds now."""
    rows = con.execute(
        "SELECT i.max_batch = p.max_batch AND i.payments = p.payments FROM view_index i, "
        "(SELECT coalesce(max(batch_id), 0) AS max_batch, count(*) AS payments FROM payments) p"
    ).fetchall()
    return bool(rows and rows[0][0])
