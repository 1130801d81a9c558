"""The store's schema, as an ordered list of migrations applied on open.

A migration is never edited once released: a change to the schema is a new
entry at the end, so any older store file can be brought up to date.
"""

from __future__ import annotations

from screening.schema import ACCOUNTS, FX_RATES, PAYMENTS, Dataset, Kind

_SQL_TYPES = {
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.DATE: "DATE",
    Kind.AMOUNT: "DECIMAL(18,3)",
    Kind.RATE: "DECIMAL(18,8)",
}
_LINEAGE = (
    "source VARCHAR NOT NULL, batch_id BIGINT NOT NULL, "
    "source_file VARCHAR NOT NULL, source_row BIGINT NOT NULL"
)


def _columns(dataset: Dataset) -> str:
    return ", ".join(
        f"{f.name} {_SQL_TYPES.get(f.kind, 'VARCHAR')}{' NOT NULL' if f.required else ''}"
        for f in dataset.fields
    )


_V1 = f"""
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE SEQUENCE batch_ids START 1;
CREATE TABLE loads (
    batch_id BIGINT PRIMARY KEY, dataset VARCHAR NOT NULL, source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL, mapping VARCHAR, started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL, read BIGINT NOT NULL, loaded BIGINT NOT NULL,
    quarantined BIGINT NOT NULL, duplicates BIGINT NOT NULL, missing_fx BIGINT NOT NULL,
    notes VARCHAR[] NOT NULL
);
CREATE TABLE payments ({_columns(PAYMENTS)}, amount_base DECIMAL(18,2), {_LINEAGE});
CREATE TABLE accounts ({_columns(ACCOUNTS)}, {_LINEAGE});
CREATE TABLE fx_rates ({_columns(FX_RATES)}, {_LINEAGE});
CREATE TABLE quarantine (
    batch_id BIGINT NOT NULL, dataset VARCHAR NOT NULL, source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL, source_row BIGINT, record_key VARCHAR, field VARCHAR,
    reason VARCHAR NOT NULL, problems STRUCT(field VARCHAR, reason VARCHAR)[] NOT NULL,
    raw VARCHAR
);
CREATE SEQUENCE run_ids START 1;
CREATE TABLE runs (
    run_id BIGINT PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
    as_of TIMESTAMPTZ, status VARCHAR NOT NULL, manifest JSON
);
CREATE TABLE alerts (
    alert_id VARCHAR PRIMARY KEY, run_id BIGINT NOT NULL, rule_id VARCHAR NOT NULL,
    rule_version VARCHAR NOT NULL, typology VARCHAR NOT NULL, severity VARCHAR NOT NULL,
    score DOUBLE NOT NULL, subject VARCHAR NOT NULL, window_start TIMESTAMPTZ,
    window_end TIMESTAMPTZ, figures JSON, explanation VARCHAR NOT NULL
);
CREATE TABLE alert_evidence (alert_id VARCHAR NOT NULL, source VARCHAR NOT NULL, txn_id VARCHAR NOT NULL);
"""

_V2 = """
ALTER TABLE alerts ADD COLUMN pack VARCHAR;
ALTER TABLE alerts ADD COLUMN standalone BOOLEAN DEFAULT true;
"""
"""Alerts name their pack; score-only findings (e.g. OB-09 corridors) raise risk but never alert alone."""

_V3 = """
ALTER TABLE alerts ADD COLUMN updated_run_id BIGINT;
"""
"""An alert is an episode; it records the run that last brought it up to date."""

_V4 = """
CREATE SEQUENCE list_snapshot_ids START 1;
CREATE TABLE list_snapshots (
    snapshot_id BIGINT PRIMARY KEY, list_name VARCHAR NOT NULL, format VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL, loaded_at TIMESTAMPTZ NOT NULL, fingerprint VARCHAR NOT NULL,
    entries BIGINT NOT NULL, names BIGINT NOT NULL, added BIGINT NOT NULL, changed BIGINT NOT NULL,
    removed BIGINT NOT NULL
);
CREATE TABLE list_entries (
    snapshot_id BIGINT NOT NULL, list_name VARCHAR NOT NULL, entry_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, entry JSON NOT NULL
);
CREATE TABLE list_names (
    snapshot_id BIGINT NOT NULL, list_name VARCHAR NOT NULL, entry_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL, is_alias BOOLEAN NOT NULL, quality VARCHAR, script VARCHAR NOT NULL
);
"""
"""Sanctions and watchlists: dated snapshots of each list, their entries and every name."""

_V5 = """
CREATE TABLE sanction_hits (
    hit_id VARCHAR PRIMARY KEY, account VARCHAR NOT NULL, party_name VARCHAR NOT NULL,
    list_name VARCHAR NOT NULL, entry_id VARCHAR NOT NULL, entry_hash VARCHAR NOT NULL,
    snapshot_id BIGINT NOT NULL, matched_name VARCHAR NOT NULL, score DOUBLE NOT NULL,
    level VARCHAR NOT NULL, components JSON NOT NULL, status VARCHAR NOT NULL, found_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE hit_decisions (
    account VARCHAR NOT NULL, party_name VARCHAR NOT NULL, list_name VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL, entry_hash VARCHAR NOT NULL, decision VARCHAR NOT NULL,
    note VARCHAR, decided_at TIMESTAMPTZ NOT NULL
);
"""
"""Sanctions hits of parties against list entries, and the analysts' decisions on them."""

_V6 = """
CREATE TABLE sanctions_screenings (screened_at TIMESTAMPTZ NOT NULL, snapshots JSON NOT NULL);
CREATE TABLE screened_parties (account VARCHAR NOT NULL, name VARCHAR NOT NULL);
"""
"""Which list snapshots and which parties have been screened, so the next screening does only what changed."""

_V7 = """
CREATE TABLE alert_members (
    alert_id VARCHAR NOT NULL, account VARCHAR NOT NULL, role VARCHAR NOT NULL,
    victim BOOLEAN NOT NULL DEFAULT false, figures JSON
);
CREATE TABLE communities (run_id BIGINT NOT NULL, community_id VARCHAR NOT NULL, account VARCHAR NOT NULL);
"""
"""Network findings name their members and each member's role; communities are kept per run for lookup."""

_V8 = """
CREATE TABLE flows_out (source VARCHAR NOT NULL, target VARCHAR NOT NULL, count BIGINT NOT NULL,
                        amount DOUBLE NOT NULL, first BIGINT NOT NULL, last BIGINT NOT NULL);
CREATE TABLE flows_in (source VARCHAR NOT NULL, target VARCHAR NOT NULL, count BIGINT NOT NULL,
                       amount DOUBLE NOT NULL, first BIGINT NOT NULL, last BIGINT NOT NULL);
CREATE TABLE account_profiles (account VARCHAR NOT NULL, name VARCHAR, country VARCHAR, type VARCHAR);
CREATE TABLE view_index (max_batch BIGINT NOT NULL, payments BIGINT NOT NULL, built_at TIMESTAMPTZ NOT NULL);
"""
"""The view index: every account-to-account flow, sorted by payer and by payee, and each account's
name, country and type, so that a neighbourhood view reads a few blocks instead of every payment."""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8)
"""Migration ``i`` brings a store from schema version ``i`` to ``i + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
