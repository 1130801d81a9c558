"""The shared tables every rule reads, built once per run so rules share the work.

- ``ref_country(list, code)``: the country lists of ``rules/reference/countries.yaml``.
- ``ref_corridor(origin, venue, donor)``: organ-trafficking corridors.
- ``party`` (one row per account seen): ``account``, ``name``, ``is_person``, role flags
  ``is_med``, ``is_lab``, ``is_travel``, ``is_npo``, ``is_msb``, ``is_insurer`` (from the
  merchant codes it is paid under and words in its name; the channel of a payment says
  how money moved, not what the payee is), ``occupation``, ``is_medical_professional``
  (a person whose KYC occupation is medical), ``country``.
- ``sp`` (screened payments): the payments from ``$scan_from`` to ``$as_of`` with ``amt``
  (base-currency amount as a double), and for each side (``payer_``, ``payee_``) the
  party flags above plus country flags ``donor_source``, ``venue``, ``recipient_origin``,
  ``conflict_border``, ``fatf_call``, ``fatf_grey``, ``unregulated_vasp``; and
  ``cross_border``, ``medical_text`` (remittance text names a transplant word),
  ``corridor`` (payer and payee countries lie on a known organ corridor).

Rules reference these by name; the engine binds ``$scan_from`` and ``$as_of``
as well as the rule's own parameters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from screening.detection.reference import ROLES, Reference

_SIDE_FLAGS = ("is_person", *(f"is_{role.lower()}" for role in ROLES), "is_medical_professional")
_COUNTRY_FLAGS = {
    "donor_source": "donor_source",
    "venue": "transplant_venue",
    "recipient_origin": "recipient_origin",
    "conflict_border": "conflict_border",
    "fatf_call": "fatf_call_for_action",
    "fatf_grey": "fatf_increased_monitoring",
    "unregulated_vasp": "unregulated_vasp",
}


def build_views(
    con: duckdb.DuckDBPyConnection, reference: Reference, *, scan_from: datetime, as_of: datetime
) -> None:
    """Create the shared tables for one run (temporary, gone with the connection).

    A run's tables replace the last run's on the same connection (the network stage after the
    rules, a nightly job screening twice). The old ones are dropped first: replacing builds the new
    table while the old still holds its memory, which at tens of millions of payments is more than
    the memory limit allows.
    """
    queries = view_queries()
    tables = reference_tables(reference)
    for name in (*tables, *(name for name, _ in queries)):
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    for name, table in tables.items():
        _table(con, name, table)
    params = view_parameters(reference, scan_from=scan_from, as_of=as_of)
    for name, sql in queries:
        con.execute(f"CREATE TEMP TABLE {name} AS {sql}", {k: v for k, v in params.items() if f"${k}" in sql})


def reference_tables(reference: Reference) -> dict[str, pa.Table]:
    """The reference lists as tables, by the names rules read them under."""
    origins, venues, donors = zip(*reference.corridors, strict=True) if reference.corridors else ((), (), ())
    return {
        "ref_country": _pairs(reference.countries, "list", "code"),
        "ref_corridor": pa.table({"origin": origins, "venue": venues, "donor": donors}),
        "ref_role_mcc": _pairs(reference.role_mccs, "role", "mcc"),
    }


def view_parameters(reference: Reference, *, scan_from: datetime, as_of: datetime) -> dict[str, Any]:
    """The values the view statements bind: the scanned period and the reference patterns."""
    return {
        "scan_from": scan_from,
        "as_of": as_of,
        "occupations": reference.medical_occupations,
        "medical_terms": reference.medical_terms,
        **{f"names_{role.lower()}": reference.role_names[role] for role in ROLES},
    }


def view_queries() -> tuple[tuple[str, str], ...]:
    """The shared tables and the queries that build them, in order (other engines translate them)."""
    return (
        ("country_flag", _COUNTRY_FLAGS_SQL),
        ("corridor_pair", _CORRIDOR_PAIR_SQL),
        ("party", _PARTY_SQL),
        ("sp", _screened_payments_sql()),
    )


def _pairs(groups: dict[str, tuple[str, ...]], group: str, member: str) -> pa.Table:
    """A table of (group, member) rows from lists keyed by group."""
    return pa.table(
        {
            group: [name for name, members in groups.items() for _ in members],
            member: [item for members in groups.values() for item in members],
        }
    )


def _table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("__rows", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM __rows")
    con.unregister("__rows")


def _role_flag(role: str) -> str:
    r = role.lower()
    return (
        f"(bool_or(mcc_role.role = '{role}') "
        f"OR coalesce(regexp_matches(lower(first(side.name)), $names_{r}), false)) AS is_{r}"
    )


_SCOPED = (
    "(SELECT * EXCLUDE (batch_id, source_file, source_row) FROM payments "
    "WHERE ts >= $scan_from AND ts <= $as_of)"
)
"""The payments in scope, without lineage columns no rule reads (copying them costs seconds at 10M)."""

_PARTY_SQL = f"""
WITH side AS (
    SELECT payee_account AS account, payee_name AS name, payee_type AS type, payee_country AS country,
           mcc FROM {_SCOPED} WHERE payee_account IS NOT NULL
    UNION ALL
    SELECT payer_account, payer_name, payer_type, payer_country, NULL
    FROM {_SCOPED} WHERE payer_account IS NOT NULL
),
seen AS (
    SELECT side.account, first(side.name) AS name, mode(side.type) AS type, mode(side.country) AS country,
           {", ".join(_role_flag(role) for role in ROLES)}
    FROM side LEFT JOIN ref_role_mcc mcc_role ON mcc_role.mcc = side.mcc
    GROUP BY side.account
),
kyc AS (SELECT account, first(holder_type) AS holder_type, first(occupation) AS occupation,
               first(country) AS country FROM accounts GROUP BY account)
SELECT seen.account, seen.name,
       coalesce(kyc.holder_type, seen.type) = 'person' AS is_person,
       {", ".join(f"coalesce(seen.is_{role.lower()}, false) AS is_{role.lower()}" for role in ROLES)},
       kyc.occupation,
       coalesce(kyc.holder_type, seen.type) = 'person'
           AND coalesce(regexp_matches(lower(kyc.occupation), $occupations), false)
           AS is_medical_professional,
       coalesce(seen.country, kyc.country) AS country
FROM seen LEFT JOIN kyc USING (account)
"""


_CORRIDOR_PAIR_SQL = (
    "SELECT origin AS a, venue AS b FROM ref_corridor UNION SELECT venue, donor FROM ref_corridor"
)

_COUNTRY_FLAGS_SQL = f"""
SELECT code, {", ".join(f"bool_or(list = '{listed}') AS {flag}" for flag, listed in _COUNTRY_FLAGS.items())}
FROM ref_country GROUP BY code
"""
"""One row per listed country with a flag per list: two small joins replace fourteen lookups a payment."""


def _screened_payments_sql() -> str:
    side_columns = []
    joins = []
    for side in ("payer", "payee"):
        alias, countries = f"{side}_party", f"{side}_flags"
        joins.append(f"LEFT JOIN party {alias} ON {alias}.account = s.{side}_account")
        joins.append(f"LEFT JOIN country_flag {countries} ON {countries}.code = s.{side}_country")
        side_columns += [f"coalesce({alias}.{flag}, false) AS {side}_{flag}" for flag in _SIDE_FLAGS]
        side_columns.append(f"{alias}.occupation AS {side}_occupation")
        side_columns += [f"coalesce({countries}.{flag}, false) AS {side}_{flag}" for flag in _COUNTRY_FLAGS]
    return f"""
SELECT s.* EXCLUDE (amount_base), s.amount_base::DOUBLE AS amt,
       {", ".join(side_columns)},
       s.payer_country IS NOT NULL AND s.payee_country IS NOT NULL
           AND s.payer_country <> s.payee_country AS cross_border,
       s.purpose IS NOT NULL AND regexp_matches(lower(s.purpose), $medical_terms) AS medical_text,
       corridor_pair.a IS NOT NULL AS corridor
FROM {_SCOPED} s {" ".join(joins)}
LEFT JOIN corridor_pair ON corridor_pair.a = s.payer_country AND corridor_pair.b = s.payee_country
"""
