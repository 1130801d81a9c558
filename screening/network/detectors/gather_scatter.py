"""NW-05: many one-off payers into one hub, which then pays most of it out to many one-off payees.

For each payment into a hub from a one-off payer (an account that pays the
hub only once in the screened period), the window from that payment to
``window_days`` later is examined: at least ``min_senders`` one-off payers
in, at least ``min_receivers`` one-off payees out, between ``min_passed``
and ``max_passed`` of the gathered money paid out, and the structure making
up at least ``min_structure_share`` of the hub's transfers from ``context_days``
before the window to ``context_days`` after it (a burst, not a business's
steady trade with ever new counterparties), and
the hub never paying out more than ``max_passed`` times what it has gathered so far in the window (the
scatter follows the gather; a business paying suppliers from its balance
before its customers pay does not), and at least ``min_ordered_share`` of the
(payment in, payment out) pairs of the window in that order: a hub gathers,
then scatters, where a business's receipts and payments interleave.
Hubs with more than ``max_counterparties`` counterparties (processors,
marketplaces) and money-service businesses are not examined. Overlapping
windows of one hub are one finding, described by its fullest window.
"""

from __future__ import annotations

from collections.abc import Mapping

from screening.network.context import Context
from screening.network.detectors.transfers import TRANSFERS, as_datetime
from screening.network.model import Finding, Member

_SQL = f"""
WITH t AS MATERIALIZED ({TRANSFERS}),
legs AS (
    SELECT dst AS hub, src AS party, 'in' AS direction, txn_id, ts, amt FROM t
    UNION ALL
    SELECT src, dst, 'out', txn_id, ts, amt FROM t
),
ties AS (
    SELECT hub, party, direction, count(*) = 1 AS one_off FROM legs GROUP BY ALL
),
hubs AS (
    SELECT hub FROM ties
    WHERE hub NOT IN (SELECT account FROM party WHERE is_msb)
    GROUP BY hub
    HAVING count(DISTINCT party) <= $max_counterparties
       AND count(*) FILTER (WHERE one_off AND direction = 'in') >= $min_senders
       AND count(*) FILTER (WHERE one_off AND direction = 'out') >= $min_receivers
),
hub_legs AS (
    SELECT l.*, ties.one_off FROM legs l JOIN hubs USING (hub) JOIN ties USING (hub, party, direction)
),
rolling AS (
    SELECT hub, direction, one_off, ts AS anchor,
           count(*) FILTER (WHERE one_off AND direction = 'in') OVER w AS senders,
           count(*) FILTER (WHERE one_off AND direction = 'out') OVER w AS receivers,
           sum(amt) FILTER (WHERE one_off AND direction = 'in') OVER w AS gathered,
           sum(amt) FILTER (WHERE one_off AND direction = 'out') OVER w AS scattered,
           count(*) OVER around AS all_legs
    FROM hub_legs
    WINDOW w AS (PARTITION BY hub ORDER BY ts RANGE BETWEEN CURRENT ROW AND to_days($window_days) FOLLOWING),
           around AS (PARTITION BY hub ORDER BY ts
                      RANGE BETWEEN to_days($context_days) PRECEDING
                                AND to_days($window_days + $context_days) FOLLOWING)
),
anchors AS (
    SELECT * FROM rolling
    WHERE direction = 'in' AND one_off AND senders >= $min_senders AND receivers >= $min_receivers
      AND scattered >= $min_passed * gathered AND scattered <= $max_passed * gathered
      AND senders + receivers >= $min_structure_share * all_legs
),
covered AS (
    SELECT hub, anchor FROM (
        SELECT a.hub, a.anchor,
               sum(CASE WHEN l.direction = 'in' THEN l.amt ELSE 0 END) OVER running AS gathered_so_far,
               sum(CASE WHEN l.direction = 'out' THEN l.amt ELSE 0 END) OVER running AS paid_so_far
        FROM anchors a
        JOIN hub_legs l ON l.hub = a.hub AND l.one_off
                       AND l.ts >= a.anchor AND l.ts <= a.anchor + to_days($window_days)
        WINDOW running AS (PARTITION BY a.hub, a.anchor ORDER BY l.ts, l.direction, l.txn_id)
    )
    GROUP BY hub, anchor
    HAVING bool_and(paid_so_far <= $max_passed * gathered_so_far)
),
ordered AS (
    SELECT a.hub, a.anchor
    FROM anchors a
    JOIN hub_legs i ON i.hub = a.hub AND i.one_off AND i.direction = 'in'
                   AND i.ts >= a.anchor AND i.ts <= a.anchor + to_days($window_days)
    JOIN hub_legs o ON o.hub = a.hub AND o.one_off AND o.direction = 'out'
                   AND o.ts >= a.anchor AND o.ts <= a.anchor + to_days($window_days)
    GROUP BY a.hub, a.anchor
    HAVING avg(CASE WHEN i.ts < o.ts THEN 1.0 ELSE 0.0 END) >= $min_ordered_share
),
episodes AS (
    SELECT *, sum(CASE WHEN prev IS NULL OR anchor > prev + to_days($window_days) THEN 1 ELSE 0 END)
                  OVER (PARTITION BY hub ORDER BY anchor) AS episode
    FROM (SELECT a.*, lag(a.anchor) OVER (PARTITION BY a.hub ORDER BY a.anchor) AS prev
          FROM anchors a JOIN covered USING (hub, anchor) JOIN ordered USING (hub, anchor))
),
best AS (
    SELECT hub, arg_min(anchor, (-least(senders, receivers), anchor)) AS anchor
    FROM episodes GROUP BY hub, episode
)
SELECT b.hub, b.anchor,
       list(l.party ORDER BY l.ts, l.txn_id) FILTER (WHERE l.direction = 'in') AS payers,
       list(l.party ORDER BY l.ts, l.txn_id) FILTER (WHERE l.direction = 'out') AS payees,
       list(l.txn_id ORDER BY l.ts, l.txn_id) AS evidence,
       sum(l.amt) FILTER (WHERE l.direction = 'in') AS gathered,
       sum(l.amt) FILTER (WHERE l.direction = 'out') AS scattered,
       min(l.ts) AS started, max(l.ts) AS ended
FROM best b
JOIN hub_legs l ON l.hub = b.hub AND l.one_off
               AND l.ts >= b.anchor AND l.ts <= b.anchor + to_days($window_days)
GROUP BY b.hub, b.anchor
ORDER BY b.hub, b.anchor
"""


def detect_gather_scatter(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Hubs that gather from many one-off payers and pass most of it on to many one-off payees."""
    frame = ctx.frame(
        _SQL,
        {
            "min_amount": float(params["min_amount"]),
            "window_days": int(params["window_days"]),
            "min_senders": int(params["min_senders"]),
            "min_receivers": int(params["min_receivers"]),
            "min_passed": float(params["min_passed"]),
            "max_passed": float(params["max_passed"]),
            "min_structure_share": float(params["min_structure_share"]),
            "max_counterparties": int(params["max_counterparties"]),
            "min_ordered_share": float(params["min_ordered_share"]),
            "context_days": int(params["context_days"]),
        },
    )
    least = min(int(params["min_senders"]), int(params["min_receivers"]))
    findings = []
    for row in frame.iter_rows(named=True):
        payers, payees = list(dict.fromkeys(row["payers"])), list(dict.fromkeys(row["payees"]))
        gathered, scattered = float(row["gathered"]), float(row["scattered"])
        share = scattered / gathered
        start, end = as_datetime(row["started"]), as_datetime(row["ended"])
        spokes = min(len(payers), len(payees))
        findings.append(
            Finding(
                subject=row["hub"],
                window_start=start,
                window_end=end,
                score=round(min(1.0, 0.5 + 0.3 * min(1.0, (spokes - least) / 5) + 0.2 * min(1.0, share)), 3),
                evidence=tuple(row["evidence"]),
                members=(
                    Member(row["hub"], "hub"),
                    *(Member(a, "sender") for a in payers),
                    *(Member(a, "receiver") for a in payees if a not in payers),
                ),
                figures={
                    "senders": len(payers),
                    "receivers": len(payees),
                    "gathered": round(gathered, 2),
                    "scattered": round(scattered, 2),
                    "passed_share": round(share, 3),
                    "days": round((end - start).total_seconds() / 86400, 1),
                },
            )
        )
    return findings
