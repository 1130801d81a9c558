"""NW-06: a hub fed by, or feeding, many thin accounts the institution holds (smurfs and mules).

A spoke is an account held at the institution (it has a KYC row in
``accounts``) that makes or receives at most ``max_spoke_payments`` payments
of any kind in the screened period, the one with the hub included: an
account that exists for the fan. A finding is a hub with at least
``min_spokes`` such spokes paying it (fan-in) or paid by it (fan-out) within
``window_days``; the spokes are listed as members. Thinness is judged only
on held accounts because the store sees all of their payments, whereas an
account at another institution shows only its payments with customers and
would look thin whatever its life.
"""

from __future__ import annotations

from collections.abc import Mapping

from screening.network.context import Context
from screening.network.detectors.transfers import TRANSFERS, as_datetime
from screening.network.model import Finding, Member

_SQL = f"""
WITH t AS MATERIALIZED ({TRANSFERS}),
few AS MATERIALIZED (
    SELECT account FROM (SELECT src AS account FROM t UNION ALL SELECT dst FROM t)
    GROUP BY account HAVING count(*) <= $max_spoke_payments
),
thin AS MATERIALIZED (
    SELECT account FROM (
        SELECT payer_account AS account FROM sp WHERE payer_account IN (SELECT account FROM few)
        UNION ALL
        SELECT payee_account FROM sp WHERE payee_account IN (SELECT account FROM few)
    )
    WHERE account IN (SELECT account FROM accounts)
    GROUP BY account HAVING count(*) <= $max_spoke_payments
),
legs AS (
    SELECT dst AS hub, src AS spoke, 'in' AS direction, txn_id, ts, amt FROM t
    WHERE src IN (SELECT account FROM thin) AND dst NOT IN (SELECT account FROM thin)
    UNION ALL
    SELECT src, dst, 'out', txn_id, ts, amt FROM t
    WHERE dst IN (SELECT account FROM thin) AND src NOT IN (SELECT account FROM thin)
),
firsts AS (
    SELECT * FROM legs QUALIFY row_number() OVER (PARTITION BY hub, spoke, direction ORDER BY ts, txn_id) = 1
),
rolling AS (
    SELECT hub, direction, ts AS anchor, count(*) OVER w AS spokes
    FROM firsts
    WINDOW w AS (PARTITION BY hub, direction ORDER BY ts
                 RANGE BETWEEN CURRENT ROW AND to_days($window_days) FOLLOWING)
),
anchors AS (
    SELECT * FROM rolling WHERE spokes >= $min_spokes
),
episodes AS (
    SELECT *, sum(CASE WHEN prev IS NULL OR anchor > prev + to_days($window_days) THEN 1 ELSE 0 END)
                  OVER (PARTITION BY hub, direction ORDER BY anchor) AS episode
    FROM (SELECT *, lag(anchor) OVER (PARTITION BY hub, direction ORDER BY anchor) AS prev FROM anchors)
),
best AS (
    SELECT hub, direction, arg_min(anchor, (-spokes, anchor)) AS anchor FROM episodes GROUP BY ALL
)
SELECT b.hub, b.direction, list(f.spoke ORDER BY f.spoke) AS spokes,
       list(f.txn_id ORDER BY f.ts, f.txn_id) AS evidence, sum(f.amt) AS total,
       min(f.ts) AS started, max(f.ts) AS ended
FROM best b
JOIN firsts f ON f.hub = b.hub AND f.direction = b.direction
             AND f.ts >= b.anchor AND f.ts <= b.anchor + to_days($window_days)
GROUP BY b.hub, b.direction, b.anchor
ORDER BY b.hub, b.direction, b.anchor
"""


def detect_fan_hubs(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Hubs paid by, or paying, ``min_spokes`` or more thin held accounts within the window."""
    minimum = int(params["min_spokes"])
    frame = ctx.frame(
        _SQL,
        {
            "min_amount": float(params["min_amount"]),
            "window_days": int(params["window_days"]),
            "min_spokes": minimum,
            "max_spoke_payments": int(params["max_spoke_payments"]),
        },
    )
    findings = []
    for row in frame.iter_rows(named=True):
        fan_in = row["direction"] == "in"
        spokes = list(row["spokes"])
        start, end = as_datetime(row["started"]), as_datetime(row["ended"])
        findings.append(
            Finding(
                subject=row["hub"],
                window_start=start,
                window_end=end,
                score=round(min(1.0, 0.5 + 0.5 * min(1.0, (len(spokes) - minimum) / 10)), 3),
                evidence=tuple(row["evidence"]),
                members=(
                    Member(row["hub"], "hub"),
                    *(Member(s, "sender" if fan_in else "receiver") for s in spokes),
                ),
                figures={
                    "pattern": "fan-in" if fan_in else "fan-out",
                    "verb": "received from" if fan_in else "paid",
                    "spokes": len(spokes),
                    "total": round(float(row["total"]), 2),
                    "days": round((end - start).total_seconds() / 86400, 1),
                },
            )
        )
    return findings
