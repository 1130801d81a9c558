"""Organ-brokering rings: recipients pay a broker, the broker pays donors and the medical trip.

DuckDB reduces the screened payments to the accounts that gathered price-band
sums from several individuals, and to each such account's counterparties with
their totals; the roles are then assigned per counterparty on that small set:

- **recipient**: an individual whose payments to the broker add up to the price band;
- **donor**: an individual in a donor-source country whose first one or two payouts
  (advance and balance) add up to a donor-sized sum; a likely victim, reported as one;
- **recruiter**: a donor who afterwards keeps receiving small, near-constant sums
  (a bounty for each new donor);
- **medical facility**: a hospital, clinic or doctor the broker pays;
- **facilitator**: a laboratory (HLA typing, crossmatch), a travel provider, or a
  translator or interpreter the broker pays.

A ring needs recipients, donors and the medical trip together: a medical-tourism
agency pays hospitals and airlines but no donors; an employer pays workers abroad
every month, not once or twice.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import polars as pl

from screening.network.context import Context
from screening.network.model import Finding, Member

_COUNTERPARTIES = """
WITH pay AS (
    SELECT payer_account AS payer, payee_account AS payee, txn_id, ts, amt, payer_is_person,
           payee_is_person, payee_donor_source, payee_is_med, payee_is_lab, payee_is_travel,
           regexp_matches(lower(coalesce(purpose, '')), $translation_words) AS translation
    FROM sp
    WHERE payer_account IS NOT NULL AND payee_account IS NOT NULL AND payer_account <> payee_account
      AND amt IS NOT NULL
),
recipients AS (
    SELECT payee AS broker, payer AS account
    FROM pay WHERE payer_is_person
    GROUP BY ALL HAVING sum(amt) BETWEEN $price_min AND $price_max
),
brokers AS (
    SELECT broker FROM recipients GROUP BY broker HAVING count(*) >= $min_recipients
)
SELECT 'in' AS direction, p.payee AS broker, p.payer AS account,
       list(p.txn_id ORDER BY p.ts, p.txn_id) AS txns, list(p.amt ORDER BY p.ts, p.txn_id) AS amounts,
       list(p.ts ORDER BY p.ts, p.txn_id) AS times, min(p.ts) AS first, max(p.ts) AS last,
       bool_or(p.payer_is_person) AS person, false AS donor_country, false AS med, false AS lab,
       false AS travel, false AS translation
FROM pay p SEMI JOIN brokers b ON b.broker = p.payee
GROUP BY ALL
UNION ALL
SELECT 'out', p.payer, p.payee, list(p.txn_id ORDER BY p.ts, p.txn_id), list(p.amt ORDER BY p.ts, p.txn_id),
       list(p.ts ORDER BY p.ts, p.txn_id), min(p.ts), max(p.ts),
       bool_or(p.payee_is_person), bool_or(p.payee_donor_source), bool_or(p.payee_is_med),
       bool_or(p.payee_is_lab), bool_or(p.payee_is_travel), bool_or(p.translation)
FROM pay p SEMI JOIN brokers b ON b.broker = p.payer
GROUP BY ALL
ORDER BY broker, direction, account
"""

TRANSLATION_WORDS = r"\b(translat\w*|interpret\w*|tercüm\w*|traduc\w*|übersetz\w*|dolmetsch\w*|перевод\w*)"


def detect_organ_rings(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """One finding per broker whose counterparties form a ring: recipients, donors and the trip."""
    rows = ctx.frame(_COUNTERPARTIES, {**params, "translation_words": TRANSLATION_WORDS})
    findings = []
    for broker, group in rows.group_by("broker", maintain_order=True):
        finding = _ring(str(broker[0]), group, params)
        if finding is not None:
            findings.append(finding)
    return sorted(findings, key=lambda f: f.subject)


def _ring(broker: str, rows: pl.DataFrame, params: Mapping[str, float | int]) -> Finding | None:
    members: list[Member] = [Member(broker, "broker")]
    evidence: list[str] = []
    times: list[Any] = []
    gathered = donor_paid = 0.0
    roles = {(row["direction"], row["account"]): _role(row, params) for row in rows.iter_rows(named=True)}
    arrivals = [(a, row["times"][0]) for row in rows.iter_rows(named=True)
                if roles[(row["direction"], a := row["account"])] == "donor"]  # fmt: skip
    for row in rows.iter_rows(named=True):
        role = roles[(row["direction"], row["account"])]
        if role == "donor" and len(row["amounts"]) > 2:
            others = [t for a, t in arrivals if a != row["account"]]
            role = _donor_or_recruiter(row["times"][2:], row["amounts"][2:], others, params)
        if role is None:
            continue
        members.append(Member(row["account"], role, {"paid": round(sum(row["amounts"]), 2)}))
        evidence.extend(row["txns"])
        times += [row["first"], row["last"]]
        if role == "recipient":
            gathered += sum(row["amounts"])
        elif role in ("donor", "recruiter"):
            donor_paid += sum(row["amounts"][:2])
    count = {r: sum(1 for m in members if m.role == r) for r in ("recipient", "donor", "recruiter")}
    providers = sum(1 for m in members if m.role in ("medical facility", "facilitator"))
    donors = count["donor"] + count["recruiter"]
    if count["recipient"] < params["min_recipients"] or donors < params["min_donors"]:
        return None
    if providers < params["min_providers"]:
        return None
    medical = sum(1 for m in members if m.role == "medical facility")
    facilitators = providers - medical
    score = min(1.0, 0.6 + 0.05 * (count["recipient"] + donors - 4) + 0.1 * (medical > 0 and facilitators > 0)
                + 0.1 * (count["recruiter"] > 0))  # fmt: skip
    return Finding(
        subject=broker,
        window_start=min(times),
        window_end=max(times),
        score=max(score, 0.5),
        evidence=tuple(evidence),
        members=tuple(members),
        figures={
            "recipients": count["recipient"],
            "donors": donors,
            "recruiters": count["recruiter"],
            "medical": medical,
            "facilitators": facilitators,
            "gathered": round(gathered, 2),
            "donor_paid": round(donor_paid, 2),
            "donor_share": round(donor_paid / gathered, 4) if gathered else 0.0,
        },
    )


def _role(row: dict[str, Any], params: Mapping[str, float | int]) -> str | None:
    """The counterparty's part in the ring, or None when it plays none."""
    amounts: list[float] = row["amounts"]
    if row["direction"] == "in":
        in_band = params["price_min"] <= sum(amounts) <= params["price_max"]
        return "recipient" if row["person"] and in_band else None
    if row["med"] and not row["lab"]:
        return "medical facility"
    if row["lab"] or (row["travel"] and not row["person"]) or row["translation"]:
        return "facilitator"
    if not (row["person"] and row["donor_country"]):
        return None
    payout_ok = params["donor_min"] <= sum(amounts[:2]) <= params["donor_max"]
    return "donor" if payout_ok else None


def _donor_or_recruiter(
    times: list[Any], bounties: list[float], arrivals: list[Any], params: Mapping[str, float | int]
) -> str | None:
    """A donor paid more after the payout: a recruiter when the extra sums are bounties.

    Bounties are small and near-constant, and each follows a new donor's first payout
    within ``bounty_days``; wages and family support come whatever the broker's donors do.
    """
    if len(bounties) < params["min_bounties"]:
        return "donor"
    window = timedelta(days=params["bounty_days"])
    linked = sum(1 for t in times if any(timedelta(0) <= t - a <= window for a in arrivals))
    steady = max(bounties) <= params["bounty_max"] and _cv(bounties) < 0.2
    if steady and linked >= params["min_bounties"] and len(bounties) <= params["max_bounties"]:
        return "recruiter"
    return None  # paid on and on: a worker or a relative, not a donor


def _cv(amounts: list[float]) -> float:
    return statistics.pstdev(amounts) / statistics.fmean(amounts)
