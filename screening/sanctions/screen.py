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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
import pyarrow as pa

from screening.errors import InputError
from screening.sanctions.matching import Matcher
from screening.sanctions.model import EntryName, ListEntry
from screening.store import Store

RULE_ID = "TF-01"
RULE_VERSION = "1"
_EVIDENCE_LIMIT = 50


@dataclass(frozen=True)
class SanctionsRun:
    """What one screening of the parties found."""

    parties: int
    entries: int
    hits: int
    new_hits: int
    suppressed: int


def screen_parties(store: Store) -> SanctionsRun:
    """Screen the named parties in the payments against the latest snapshot of each list.

    Parties never screened are checked against every entry; parties screened
    before only against the entries new or changed since the snapshots they
    were screened against.
    """
    con = store.connection
    latest = con.execute(
        "SELECT e.snapshot_id, e.list_name, e.entry_id, e.content_hash, e.entry FROM list_entries e "
        "JOIN (SELECT list_name, max(snapshot_id) AS snapshot_id FROM list_snapshots GROUP BY list_name) s "
        "USING (list_name, snapshot_id)"
    ).fetchall()
    if not latest:
        raise InputError("no sanctions list is loaded; `screening lists load FILE` loads one")
    entries = {(row[1], row[2]): (row[0], row[3], _entry(json.loads(row[4]))) for row in latest}
    changed = _changed_entries(con, entries)
    parties = con.execute(
        "SELECT account, name, (account, name) IN (SELECT (account, name) FROM screened_parties), "
        "mode(country) FROM (SELECT payer_account AS account, payer_name AS name, payer_country AS country "
        "FROM payments WHERE payer_account IS NOT NULL UNION ALL "
        "SELECT payee_account, payee_name, payee_country FROM payments WHERE payee_account IS NOT NULL) "
        "WHERE name IS NOT NULL GROUP BY account, name"
    ).fetchall()
    fresh: dict[str, list[str]] = {}
    known: dict[str, list[str]] = {}
    countries: dict[str, str] = {}
    for account, name, screened, country in parties:
        (known if screened else fresh).setdefault(name, []).append(account)
        if country:
            countries.setdefault(name, country)
    everything = Matcher([entry for _, _, entry in entries.values()])
    matches = [(m, fresh[m.party_name]) for m in everything.screen(list(fresh), countries)]
    if known and changed:
        subset = Matcher([entries[key][2] for key in changed], weights=everything.weights)
        matches += [(m, known[m.party_name]) for m in subset.screen(list(known), countries)]
    now = datetime.now(UTC)
    rows = []
    for match, accounts in matches:
        snapshot_id, entry_hash, _ = entries[(match.list_name, match.entry_id)]
        for account in accounts:
            rows.append({
                "hit_id": _hit_id(account, match.party_name, match.list_name, match.entry_id, entry_hash),
                "account": account, "party_name": match.party_name, "list_name": match.list_name,
                "entry_id": match.entry_id, "entry_hash": entry_hash, "snapshot_id": snapshot_id,
                "matched_name": match.matched_name, "score": round(match.score, 4), "level": match.decision,
                "components": json.dumps({**match.components, **match.adjustments, "name": match.name_score}),
                "status": "open", "found_at": now,
            })  # fmt: skip
    snapshots = {list_name: snapshot for (list_name, _), (snapshot, _, _) in entries.items()}
    screened = [{"account": a, "name": n} for n, accounts in fresh.items() for a in accounts]
    return _store_hits(store, rows, len(fresh) + len(known), len(entries), screened, snapshots)


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


def _store_hits(
    store: Store,
    rows: list[dict[str, Any]],
    parties: int,
    entries: int,
    screened: list[dict[str, str]],
    snapshots: dict[str, int],
) -> SanctionsRun:
    con = store.connection
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO sanctions_screenings VALUES (now(), $s)", {"s": json.dumps(snapshots)})
        if screened:
            con.register("__screened", pa.Table.from_pylist(screened))
            con.execute("INSERT INTO screened_parties SELECT account, name FROM __screened")
            con.unregister("__screened")
        if not rows:
            con.execute("COMMIT")
            return SanctionsRun(parties, entries, 0, 0, 0)
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
        _raise_alerts(con)
        con.unregister("__hits")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return SanctionsRun(parties, entries, len(rows), int(counts[1]), int(counts[0]))


def _raise_alerts(con: Any) -> None:
    """Open hits without an alert become TF-01 alerts, with the party's latest payments as evidence."""
    con.execute(
        f"""INSERT INTO alerts BY NAME
        SELECT 'TF-01-' || h.hit_id AS alert_id, 0 AS run_id, '{RULE_ID}' AS rule_id,
               '{RULE_VERSION}' AS rule_version, 'terrorist-financing' AS pack,
               'terrorist financing' AS typology,
               CASE WHEN h.level = 'hold' THEN 'critical' ELSE 'high' END AS severity,
               h.score, h.account AS subject, span.first AS window_start, span.last AS window_end,
               to_json({{'list': h.list_name, 'entry_id': h.entry_id, 'matched_name': h.matched_name,
                        'party_name': h.party_name, 'level': h.level}})::VARCHAR AS figures,
               'Account ' || h.account || ' (' || h.party_name || ') matches ' || h.list_name || ' entry '
               || h.entry_id || ' (' || h.matched_name || ') with score ' || round(h.score, 2)
               || ': ' || CASE WHEN h.level = 'hold' THEN 'hold the payments' ELSE 'review' END || '.'
                   AS explanation,
               true AS standalone
        FROM sanction_hits h
        JOIN (SELECT account, min(ts) AS first, max(ts) AS last FROM (
                  SELECT payer_account AS account, ts FROM payments UNION ALL
                  SELECT payee_account, ts FROM payments) GROUP BY account) span ON span.account = h.account
        WHERE h.status = 'open' AND 'TF-01-' || h.hit_id NOT IN (SELECT alert_id FROM alerts)"""
    )
    con.execute(
        f"""INSERT INTO alert_evidence
        SELECT alert_id, source, txn_id FROM (
            SELECT 'TF-01-' || h.hit_id AS alert_id, p.source, p.txn_id,
                   row_number() OVER (PARTITION BY h.hit_id ORDER BY p.ts DESC) AS recent
            FROM sanction_hits h JOIN payments p ON h.account IN (p.payer_account, p.payee_account))
        WHERE recent <= {_EVIDENCE_LIMIT} AND alert_id NOT IN (SELECT alert_id FROM alert_evidence)"""
    )


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
