"""Rule TF-01: every payer and payee screened against the latest snapshot of every list.

A hit is one party (account and name as paid) against one list entry. It is
raised once; an analyst's false-positive decision, keyed to the party name and
the entry's content, keeps it from coming back unless either side changes.
Hits at or above the review threshold become alerts of rule TF-01, with the
party's payments as evidence, so they count in entity risk and in TF-05.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from screening.errors import InputError
from screening.sanctions.matching import Match, Matcher, TokenWeights
from screening.sanctions.model import EntryName, ListEntry
from screening.sanctions.normalise import tokens
from screening.store import Store

RULE_ID = "TF-01"
RULE_VERSION = "1"
_EVIDENCE_LIMIT = 50


@dataclass(frozen=True)
class SanctionsRun:
    """What one screening of the parties found, and which engine screened the names."""

    parties: int
    entries: int
    hits: int
    new_hits: int
    suppressed: int
    engine: str = "duckdb"


HITS = pa.schema([
    ("account", pa.string()), ("party_name", pa.string()), ("list_name", pa.string()),
    ("entry_id", pa.string()), ("matched_name", pa.string()), ("score", pa.float64()),
    ("level", pa.string()), ("components", pa.string()),
])  # fmt: skip
"""A hit as an engine finds it, before the store adds ids, hashes, status and time; the score unrounded."""

PARTIES = """
SELECT c.account, c.name, c.country, s.account IS NOT NULL AS screened
FROM (SELECT account, name, country,
             row_number() OVER (PARTITION BY account, name ORDER BY count(country) DESC, country) AS pick
      FROM (SELECT payer_account AS account, payer_name AS name, payer_country AS country FROM payments
            UNION ALL SELECT payee_account, payee_name, payee_country FROM payments) named
      WHERE account IS NOT NULL AND name IS NOT NULL
      GROUP BY account, name, country) c
LEFT JOIN (SELECT DISTINCT account, name FROM screened_parties) s ON s.account = c.account AND s.name = c.name
WHERE c.pick = 1
"""
"""Every payer and payee (account, name) with its most frequent country (ties: the first code) and
whether it was screened before; the same SQL runs on DuckDB and on Spark."""

PARTY_COUNT = (
    "SELECT count(DISTINCT name) FILTER (WHERE NOT screened) + count(DISTINCT name) FILTER (WHERE screened) "
    "FROM parties"
)
"""Party names screened: new names against every entry, known names against the changed ones."""

ACTIVITY_SPAN = """
SELECT a.account, min(p.ts) AS first_ts, max(p.ts) AS last_ts
FROM __accounts a JOIN (SELECT payer_account AS account, ts FROM payments
                        UNION ALL SELECT payee_account, ts FROM payments) p ON p.account = a.account
GROUP BY a.account
"""
ACTIVITY_EVIDENCE = f"""
SELECT account, source, txn_id FROM (
    SELECT account, source, txn_id,
           row_number() OVER (PARTITION BY account ORDER BY ts DESC, txn_id DESC) AS recent
    FROM (SELECT a.account, p.source, p.txn_id, p.ts
          FROM __accounts a JOIN payments p ON p.payer_account = a.account
          UNION SELECT a.account, p.source, p.txn_id, p.ts
          FROM __accounts a JOIN payments p ON p.payee_account = a.account) paid) ranked
WHERE recent <= {_EVIDENCE_LIMIT}
"""
"""Of the accounts in ``__accounts``: the span of their payments and their latest payments, the TF-01
alert's window and evidence; the same SQL runs on DuckDB and on Spark."""

Activity = Callable[[pa.Table], tuple[pa.Table, pa.Table]]
"""Given a table of accounts, what `ACTIVITY_SPAN` and `ACTIVITY_EVIDENCE` answer for them."""


@dataclass(frozen=True)
class Lists:
    """The latest snapshot of every list, and which of its entries changed since the last screening."""

    entries: dict[tuple[str, str], tuple[int, str, ListEntry]]
    changed: list[tuple[str, str]]

    @property
    def listed(self) -> list[ListEntry]:
        return [entry for _, _, entry in self.entries.values()]

    @property
    def changed_entries(self) -> list[ListEntry]:
        return [self.entries[key][2] for key in self.changed]

    def weights(self) -> TokenWeights:
        """Token rarity over the whole list: a matcher over the changed entries must use it too."""
        return TokenWeights(tokens(name.full) for entry in self.listed for name in entry.names)


def latest_lists(con: Any) -> Lists:
    """The entries every screening uses, whichever engine screens the names."""
    latest = con.execute(
        "SELECT e.snapshot_id, e.list_name, e.entry_id, e.content_hash, e.entry FROM list_entries e "
        "JOIN (SELECT list_name, max(snapshot_id) AS snapshot_id FROM list_snapshots GROUP BY list_name) s "
        "USING (list_name, snapshot_id)"
    ).fetchall()
    if not latest:
        raise InputError("no sanctions list is loaded; `screening lists load FILE` loads one")
    # An entry is matched under the list it was loaded as (`--list`, or a watchlist file naming several).
    entries = {
        (row[1], row[2]): (row[0], row[3], replace(_entry(json.loads(row[4])), list_name=row[1]))
        for row in latest
    }
    return Lists(entries, _changed_entries(con, entries))


def screen_parties(store: Store) -> SanctionsRun:
    """Screen the named parties in the payments against the latest snapshot of each list.

    Parties never screened are checked against every entry; parties screened
    before only against the entries new or changed since the snapshots they
    were screened against.
    """
    con = store.connection
    lists = latest_lists(con)
    parties = con.sql(PARTIES).to_arrow_table()
    screened = pc.field("screened")
    fresh, known = parties.filter(~screened), parties.filter(screened)
    weights = lists.weights()
    found = [party_hits(Matcher(lists.listed, weights=weights), fresh)]
    if known.num_rows and lists.changed:
        found.append(party_hits(Matcher(lists.changed_entries, weights=weights), known))
    con.register("parties", parties)
    try:
        count = int(con.execute(PARTY_COUNT).fetchall()[0][0])
    finally:
        con.unregister("parties")
    return store_hits(store, lists, pa.concat_tables(found), fresh.select(["account", "name"]), count,
                      activity=lambda accounts: _activity(con, accounts))  # fmt: skip


def party_hits(matcher: Matcher, parties: pa.Table | pa.RecordBatch) -> pa.Table:
    """Hits (`HITS`) of (account, name, country) rows, by the matcher's bulk screening.

    The matcher keys a country by name, so a name held by accounts of different countries is screened
    once per country (in rounds: the first country of every name, then the second ...), and every
    account is scored with its own country, whatever other rows are screened with it.
    """
    countries: dict[str, list[str | None]] = {}
    accounts: dict[tuple[str, str | None], list[str]] = {}
    for account, name, country in zip(
        parties.column("account").to_pylist(), parties.column("name").to_pylist(),
        parties.column("country").to_pylist(), strict=True,
    ):  # fmt: skip
        if name is None or account is None:
            continue
        seen = countries.setdefault(name, [])
        if country not in seen:
            seen.append(country)
        accounts.setdefault((name, country), []).append(account)
    rows: list[dict[str, object]] = []
    for round_ in range(max((len(c) for c in countries.values()), default=0)):
        batch = {name: held[round_] for name, held in countries.items() if len(held) > round_}
        given = {name: country for name, country in batch.items() if country}
        for match in matcher.screen(list(batch), given):
            for account in accounts[(match.party_name, batch[match.party_name])]:
                rows.append(_hit(account, match))
    return pa.Table.from_pylist(rows, schema=HITS)


def _hit(account: str, match: Match) -> dict[str, object]:
    return {
        "account": account, "party_name": match.party_name, "list_name": match.list_name,
        "entry_id": match.entry_id, "matched_name": match.matched_name, "score": match.score,
        "level": match.decision,
        "components": json.dumps({**match.components, **match.adjustments, "name": match.name_score}),
    }  # fmt: skip


def _activity(con: Any, accounts: pa.Table) -> tuple[pa.Table, pa.Table]:
    con.register("__accounts", accounts)
    try:
        return con.sql(ACTIVITY_SPAN).to_arrow_table(), con.sql(ACTIVITY_EVIDENCE).to_arrow_table()
    finally:
        con.unregister("__accounts")


def _changed_entries(
    con: Any, entries: dict[tuple[str, str], tuple[int, str, ListEntry]]
) -> list[tuple[str, str]]:
    """Entries new or changed since the snapshots of the last screening (all, if none)."""
    last = con.execute(
        "SELECT snapshots FROM sanctions_screenings ORDER BY screened_at DESC LIMIT 1"
    ).fetchall()
    screened: dict[str, int] = json.loads(last[0][0]) if last else {}
    before = {
        (row[0], row[1]): row[2]
        for row in con.execute(
            "SELECT list_name, entry_id, content_hash FROM list_entries WHERE snapshot_id IN "
            "(SELECT unnest($ids))",
            {"ids": list(screened.values()) or [-1]},
        ).fetchall()
    }
    return [key for key, (_, content_hash, _) in entries.items() if before.get(key) != content_hash]


def decide(store: Store, hit_id: str, decision: str, note: str | None = None) -> None:
    """Record an analyst's decision on a hit; a false positive is not raised again for the same sides."""
    if decision not in {"false_positive", "confirmed"}:
        raise InputError(f"unknown decision {decision!r}; use false_positive or confirmed")
    con = store.connection
    found = con.execute("SELECT hit_id FROM sanction_hits WHERE hit_id = $id", {"id": hit_id}).fetchall()
    if not found:
        raise InputError(f"no hit {hit_id!r}; `screening hits` lists them")
    con.execute(
        "INSERT INTO hit_decisions SELECT account, party_name, list_name, entry_id, entry_hash, $d, $note, "
        "now() FROM sanction_hits WHERE hit_id = $id",
        {"id": hit_id, "d": decision, "note": note},
    )
    con.execute("UPDATE sanction_hits SET status = $d WHERE hit_id = $id", {"id": hit_id, "d": decision})


def hits(store: Store, *, status: str | None = None) -> pl.DataFrame:
    """Hits, best first; ``status`` is open, false_positive or confirmed."""
    where = "WHERE status = $status" if status else ""
    frame = pl.from_arrow(
        store.connection.sql(
            "SELECT hit_id, status, level, score, account, party_name, list_name, entry_id, matched_name, "
            f"found_at FROM sanction_hits {where} ORDER BY score DESC, hit_id",
            params={"status": status} if status else {},
        ).to_arrow_table()
    )
    assert isinstance(frame, pl.DataFrame)
    return frame


def store_hits(
    store: Store,
    lists: Lists,
    found: pa.Table,
    screened: pa.Table,
    parties: int,
    *,
    activity: Activity,
    engine: str = "duckdb",
) -> SanctionsRun:
    """Keep what one screening found, whichever engine found it: hits, bookmarks, TF-01 alerts.

    ``found`` holds hits as `HITS`; ``screened`` the (account, name) pairs screened for the first
    time; ``activity`` answers the span and latest payments of the accounts that get an alert (from
    the store's payments, or from wherever the engine read them). Hits decided false positive for the
    same sides, and hits already stored, are not stored again, so a rerun stores nothing new.
    """
    con = store.connection
    now = datetime.now(UTC)
    rows = []
    for hit in found.to_pylist():
        snapshot_id, entry_hash, _ = lists.entries[(hit["list_name"], hit["entry_id"])]
        key = (hit["account"], hit["party_name"], hit["list_name"], hit["entry_id"], entry_hash)
        rows.append({
            "hit_id": _hit_id(*key), "account": hit["account"], "party_name": hit["party_name"],
            "list_name": hit["list_name"], "entry_id": hit["entry_id"], "entry_hash": entry_hash,
            "snapshot_id": snapshot_id, "matched_name": hit["matched_name"], "score": round(hit["score"], 4),
            "level": hit["level"], "components": hit["components"], "status": "open", "found_at": now,
        })  # fmt: skip
    snapshots = {list_name: snapshot for (list_name, _), (snapshot, _, _) in lists.entries.items()}
    entries = len(lists.entries)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO sanctions_screenings VALUES (now(), $s)", {"s": json.dumps(snapshots)})
        if screened.num_rows:
            con.register("__screened", screened)
            con.execute("INSERT INTO screened_parties SELECT account, name FROM __screened")
            con.unregister("__screened")
        if not rows:
            con.execute("COMMIT")
            return SanctionsRun(parties, entries, 0, 0, 0, engine)
        con.register("__hits", pa.Table.from_pylist(rows))
        decided = (
            "EXISTS (SELECT 1 FROM hit_decisions d WHERE d.decision = 'false_positive' "
            "AND d.account = h.account AND d.party_name = h.party_name AND d.list_name = h.list_name "
            "AND d.entry_id = h.entry_id AND d.entry_hash = h.entry_hash)"
        )
        counts = con.execute(
            f"SELECT count(*) FILTER (WHERE {decided}), count(*) FILTER (WHERE NOT {decided} "
            "AND hit_id NOT IN (SELECT hit_id FROM sanction_hits)) FROM __hits h"
        ).fetchall()[0]
        con.execute(
            f"INSERT INTO sanction_hits SELECT * FROM __hits h WHERE NOT {decided} "
            "AND hit_id NOT IN (SELECT hit_id FROM sanction_hits)"
        )
        con.unregister("__hits")
        _raise_alerts(con, activity)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return SanctionsRun(parties, entries, len(rows), int(counts[1]), int(counts[0]), engine)


def _raise_alerts(con: Any, activity: Activity) -> None:
    """Open hits without an alert become TF-01 alerts, with the party's latest payments as evidence."""
    accounts = con.sql(
        "SELECT DISTINCT account FROM sanction_hits h WHERE 'TF-01-' || hit_id NOT IN "
        "(SELECT alert_id FROM alert_evidence) AND (status = 'open' OR 'TF-01-' || hit_id IN "
        "(SELECT alert_id FROM alerts)) ORDER BY account"
    ).to_arrow_table()
    if not accounts.num_rows:
        return
    span, recent = activity(accounts)
    con.register("__span", span)
    con.register("__recent", recent)
    try:
        con.execute(
            f"""INSERT INTO alerts BY NAME
            SELECT 'TF-01-' || h.hit_id AS alert_id, 0 AS run_id, '{RULE_ID}' AS rule_id,
                   '{RULE_VERSION}' AS rule_version, 'terrorist-financing' AS pack,
                   'terrorist financing' AS typology,
                   CASE WHEN h.level = 'hold' THEN 'critical' ELSE 'high' END AS severity,
                   h.score, h.account AS subject, span.first_ts AS window_start, span.last_ts AS window_end,
                   to_json({{'list': h.list_name, 'entry_id': h.entry_id, 'matched_name': h.matched_name,
                            'party_name': h.party_name, 'level': h.level}})::VARCHAR AS figures,
                   'Account ' || h.account || ' (' || h.party_name || ') matches ' || h.list_name || ' entry '
                   || h.entry_id || ' (' || h.matched_name || ') with score ' || round(h.score, 2)
                   || ': ' || CASE WHEN h.level = 'hold' THEN 'hold the payments' ELSE 'review' END || '.'
                       AS explanation,
                   true AS standalone
            FROM sanction_hits h JOIN __span span ON span.account = h.account
            WHERE h.status = 'open' AND 'TF-01-' || h.hit_id NOT IN (SELECT alert_id FROM alerts)"""
        )
        con.execute(
            "INSERT INTO alert_evidence SELECT DISTINCT 'TF-01-' || h.hit_id, r.source, r.txn_id "
            "FROM sanction_hits h JOIN __recent r ON r.account = h.account "
            "WHERE 'TF-01-' || h.hit_id IN (SELECT alert_id FROM alerts) "
            "AND 'TF-01-' || h.hit_id NOT IN (SELECT alert_id FROM alert_evidence)"
        )
    finally:
        con.unregister("__span")
        con.unregister("__recent")


def _hit_id(account: str, party_name: str, list_name: str, entry_id: str, entry_hash: str) -> str:
    key = "\x1f".join([account, party_name, list_name, entry_id, entry_hash])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _entry(document: dict[str, Any]) -> ListEntry:
    """A stored entry back as a ListEntry (JSON turned its tuples into lists)."""
    return ListEntry(
        list_name=document["list_name"],
        entry_id=document["entry_id"],
        kind=document["kind"],
        names=tuple(EntryName(**{**n, "parts": tuple(n["parts"])}) for n in document["names"]),
        dates_of_birth=tuple(document["dates_of_birth"]),
        nationalities=tuple(document["nationalities"]),
        identifiers=tuple((kind, value) for kind, value in document["identifiers"]),
        addresses=tuple(document["addresses"]),
        programmes=tuple(document["programmes"]),
        remarks=document["remarks"],
    )
