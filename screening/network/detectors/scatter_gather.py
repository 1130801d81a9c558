"""ML-04: one account scatters money over several intermediaries who gather it into one beneficiary.

A leg is a payment from an origin A to an intermediary M followed, within
``window_days``, by a payment from M to a beneficiary B (not A) of
``min_forward`` to ``max_forward`` of what M received. A finding needs at
least ``min_intermediaries`` different intermediaries between the same A and
B whose legs all start and end within one window. Intermediaries are thin
accounts in layering; accounts with more than ``max_intermediary_transfers``
transfers in the screened period (payroll processors, busy businesses) are
not considered as intermediaries, which also bounds the join.

The subject is the beneficiary, where the layered money ends up; the origin
and the intermediaries are members.
"""

from __future__ import annotations

from collections.abc import Mapping

from screening.network.context import Context
from screening.network.detectors.transfers import TRANSFERS, as_datetime
from screening.network.model import Finding, Member

_SQL = f"""
WITH t AS MATERIALIZED ({TRANSFERS}),
thin AS (
    SELECT account FROM (SELECT src AS account FROM t UNION ALL SELECT dst FROM t)
    GROUP BY account HAVING count(*) <= $max_intermediary_transfers
),
pairs AS (
    SELECT a.src AS origin, a.dst AS middle, b.dst AS beneficiary, a.txn_id AS txn_in, b.txn_id AS txn_out,
           a.ts AS ts_in, b.ts AS ts_out, a.amt AS amt_in, b.amt AS amt_out
    FROM t a
    JOIN t b ON b.src = a.dst AND b.ts > a.ts AND b.ts <= a.ts + to_days($window_days)
            AND b.amt >= $min_forward * a.amt AND b.amt <= $max_forward * a.amt
    WHERE a.dst IN (SELECT account FROM thin) AND b.dst <> a.src
),
legs AS (
    SELECT * FROM pairs
    QUALIFY row_number() OVER (PARTITION BY txn_in ORDER BY ts_out, txn_out) = 1
),
anchored AS (
    SELECT s.origin, s.beneficiary, s.ts_in AS anchor, l.middle, l.txn_in, l.txn_out, l.ts_in, l.ts_out,
           l.amt_in, l.amt_out
    FROM legs s
    JOIN legs l ON l.origin = s.origin AND l.beneficiary = s.beneficiary
               AND l.ts_in >= s.ts_in AND l.ts_out <= s.ts_in + to_days($window_days)
),
windows AS (
    SELECT origin, beneficiary, anchor, count(DISTINCT middle) AS intermediaries,
           min(ts_in) AS started, max(ts_out) AS ended, sum(amt_in) AS scattered, sum(amt_out) AS gathered,
           list(DISTINCT middle ORDER BY middle) AS middles,
           list_concat(list(txn_in ORDER BY ts_in, txn_in), list(txn_out ORDER BY ts_out, txn_out)) AS txns
    FROM anchored
    GROUP BY origin, beneficiary, anchor
    HAVING count(DISTINCT middle) >= $min_intermediaries
),
episodes AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR started > prev_end THEN 1 ELSE 0 END)
                  OVER (PARTITION BY origin, beneficiary ORDER BY anchor) AS episode
    FROM (SELECT *, max(ended) OVER (PARTITION BY origin, beneficiary ORDER BY anchor
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
          FROM windows)
)
SELECT origin, beneficiary,
       arg_max(middles, (intermediaries, -epoch(anchor))) AS middles,
       arg_max(intermediaries, (intermediaries, -epoch(anchor))) AS intermediaries,
       arg_max(scattered, (intermediaries, -epoch(anchor))) AS scattered,
       arg_max(gathered, (intermediaries, -epoch(anchor))) AS gathered,
       arg_max(started, (intermediaries, -epoch(anchor))) AS started,
       arg_max(ended, (intermediaries, -epoch(anchor))) AS ended,
       list_sort(list_distinct(flatten(list(txns)))) AS evidence
FROM episodes
GROUP BY origin, beneficiary, episode
ORDER BY beneficiary, origin, started
"""


def detect_scatter_gather(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Origins whose money reaches one beneficiary through ``min_intermediaries`` or more accounts."""
    frame = ctx.frame(
        _SQL,
        {
            "min_amount": float(params["min_amount"]),
            "window_days": int(params["window_days"]),
            "min_forward": float(params["min_forward"]),
            "max_forward": float(params["max_forward"]),
            "min_intermediaries": int(params["min_intermediaries"]),
            "max_intermediary_transfers": int(params["max_intermediary_transfers"]),
        },
    )
    minimum = int(params["min_intermediaries"])
    findings = []
    for row in frame.iter_rows(named=True):
        count, scattered, gathered = (
            int(row["intermediaries"]),
            float(row["scattered"]),
            float(row["gathered"]),
        )
        days = (row["ended"] - row["started"]).total_seconds() / 86400
        share = gathered / scattered
        findings.append(
            Finding(
                subject=row["beneficiary"],
                window_start=as_datetime(row["started"]),
                window_end=as_datetime(row["ended"]),
                score=round(min(1.0, 0.5 + 0.3 * min(1.0, (count - minimum) / 4) + 0.2 * share), 3),
                evidence=tuple(row["evidence"]),
                members=(
                    Member(row["origin"], "origin"),
                    *(Member(m, "intermediary") for m in row["middles"]),
                    Member(row["beneficiary"], "beneficiary"),
                ),
                figures={
                    "origin": row["origin"],
                    "intermediaries": count,
                    "scattered": round(scattered, 2),
                    "gathered": round(gathered, 2),
                    "gathered_share": round(share, 3),
                    "days": round(days, 1),
                },
            )
        )
    return findings
