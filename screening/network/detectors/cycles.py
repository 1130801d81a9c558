"""ML-05: money that goes round a ring of accounts and comes back to where it started.

A cycle is time-respecting: each hop is a later payment out of the account
the previous hop paid, keeping between ``min_kept`` and ``max_kept`` of that
hop's amount, and the money is back at its origin within ``window_days``.
Paths grow one hop at a time in DuckDB over payment-level edges, after
pruning every payment that cannot lie on such a ring (its payee never pays on
later, or its payer is never paid around it). The origin is the account whose
payment starts the ring, which is the earliest payment of the cycle; the same
ring of accounts found again within the window (money going round twice, or
a rotation of the same ring) is one finding.
"""

from __future__ import annotations

from collections.abc import Mapping

from screening.network.context import Context
from screening.network.detectors.transfers import TRANSFERS, as_datetime, scratch
from screening.network.model import Finding, Member

_PRUNE_PASSES = 4

_EDGES = f"""
WITH t AS MATERIALIZED ({TRANSFERS}),
busy AS (
    SELECT account FROM (SELECT src AS account FROM t UNION ALL SELECT dst FROM t)
    GROUP BY account HAVING count(*) > $max_account_transfers
),
partners AS (
    SELECT least(src, dst) AS a, greatest(src, dst) AS b FROM t
    GROUP BY ALL HAVING count(*) > $max_pair_transfers
)
SELECT t.* FROM t
ANTI JOIN partners p ON p.a = least(t.src, t.dst) AND p.b = greatest(t.src, t.dst)
WHERE t.src NOT IN (SELECT account FROM busy) AND t.dst NOT IN (SELECT account FROM busy)
"""
"""The payments a ring can be made of: not through busy accounts, not between regular trading partners."""

_PRUNE = """
SELECT * FROM {e} WHERE txn_id NOT IN (
    SELECT e.txn_id FROM {e} e
    LEFT JOIN (SELECT src, min(ts) AS first_out, max(ts) AS last_out FROM {e} GROUP BY src) o
           ON o.src = e.dst
    LEFT JOIN (SELECT dst, min(ts) AS first_in, max(ts) AS last_in FROM {e} GROUP BY dst) i
           ON i.dst = e.src
    WHERE o.first_out IS NULL OR o.first_out > e.ts + to_days($window_days)
       OR o.last_out < e.ts - to_days($window_days)
       OR i.first_in IS NULL OR i.first_in > e.ts + to_days($window_days)
       OR i.last_in < e.ts - to_days($window_days)
)
"""
"""The payments of ``{e}`` but those whose payee pays nothing on, or whose payer is paid nothing, nearby.

On a ring every payer is also paid (an intermediary before it pays, the origin after) and every
payee also pays (an intermediary after it is paid, the origin before), all within the window.
Four passes, each pruning the last one's survivors, leave few payments that cannot lie on a ring.
"""

_STEP = """
SELECT f.origin, e.dst AS node, f.start_ts, e.ts AS last_ts, f.first_amt, e.amt AS last_amt,
       list_append(f.nodes, e.dst) AS nodes, list_append(f.txns, e.txn_id) AS txns
FROM {frontier} f
JOIN {e} e ON e.src = f.node AND e.ts > f.last_ts AND e.ts <= f.start_ts + to_days($window_days)
          AND e.amt >= $min_kept * f.last_amt AND e.amt <= $max_kept * f.last_amt
WHERE e.dst = f.origin OR NOT list_contains(f.nodes, e.dst)
"""

_RINGS = """
WITH c AS (
    SELECT *, list_slice(nodes, 1, len(nodes) - 1) AS ring0 FROM {cycles}
),
r AS (
    SELECT *, list_concat(list_slice(ring0, list_position(ring0, list_min(ring0)), len(ring0)),
                          list_slice(ring0, 1, list_position(ring0, list_min(ring0)) - 1)) AS ring
    FROM c
),
ordered AS (
    SELECT *, max(last_ts) OVER (PARTITION BY ring ORDER BY start_ts, txns
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM r
),
episodes AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR start_ts > prev_end + to_days($window_days) THEN 1 ELSE 0 END)
                  OVER (PARTITION BY ring ORDER BY start_ts, txns) AS episode
    FROM ordered
)
SELECT arg_min(origin, (start_ts, txns)) AS origin,
       arg_min(nodes, (start_ts, txns)) AS nodes,
       arg_min(first_amt, (start_ts, txns)) AS first_amt,
       arg_min(last_amt, (start_ts, txns)) AS last_amt,
       arg_min(date_diff('second', start_ts, last_ts), (start_ts, txns)) / 86400.0 AS days,
       count(*) AS cycles,
       list_sort(list_distinct(flatten(list(txns)))) AS evidence,
       min(start_ts) AS window_start,
       max(last_ts) AS window_end
FROM episodes
GROUP BY ring, episode
ORDER BY origin, window_start
"""


def detect_cycles(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Time-respecting cycles of ``min_hops`` to ``max_hops`` payments back to their origin."""
    bound = {
        "min_amount": float(params["min_amount"]),
        "max_account_transfers": int(params["max_account_transfers"]),
        "max_pair_transfers": int(params["max_pair_transfers"]),
        "window_days": int(params["window_days"]),
        "min_kept": float(params["min_kept"]),
        "max_kept": float(params["max_kept"]),
    }
    min_hops, max_hops = int(params["min_hops"]), int(params["max_hops"])
    closing = range(max(min_hops, 2), max_hops + 1)
    stems = ("edges", "pruned", "frontier", "step", *(f"cycles{hops}" for hops in closing))
    with scratch(ctx, *stems) as (e, pruned, frontier, step, *cycles):
        ctx.create(e, _EDGES, bound)
        for _ in range(_PRUNE_PASSES):
            ctx.create(pruned, _PRUNE.format(e=e), bound)
            e, pruned = pruned, e
        ctx.create(
            frontier,
            f"SELECT src AS origin, dst AS node, ts AS start_ts, ts AS last_ts, amt AS first_amt, "
            f"amt AS last_amt, [src, dst] AS nodes, [txn_id] AS txns FROM {e}",
        )
        closed = dict(zip(closing, cycles, strict=True))
        for hops in range(2, max_hops + 1):
            ctx.create(step, _STEP.format(frontier=frontier, e=e), bound)
            if hops in closed:
                ctx.create(closed[hops], f"SELECT * FROM {step} WHERE node = origin")
            ctx.create(frontier, f"SELECT * FROM {step} WHERE node <> origin")
        found = " UNION ALL ".join(f"SELECT * FROM {name}" for name in cycles)
        rings = ctx.frame(_RINGS.format(cycles=f"({found}) AS cycles"), bound) if cycles else None
    if rings is None:
        return []
    return [
        _finding(row, int(params["window_days"]))
        for row in rings.iter_rows(named=True)
        if len(row["nodes"]) > 3 or row["first_amt"] >= params["min_round_trip"]  # a small loan repaid
    ]


def _finding(row: dict[str, object], window_days: int) -> Finding:
    nodes = [str(n) for n in row["nodes"]]  # type: ignore[attr-defined]
    ring = nodes[:-1]
    hops = len(ring)
    first, last, days = float(row["first_amt"]), float(row["last_amt"]), float(row["days"])  # type: ignore[arg-type]
    score = 0.5 + 0.3 * min(1.0, (hops - 2) / 4) + 0.2 * max(0.0, 1.0 - days / window_days)
    return Finding(
        subject=ring[0],
        window_start=as_datetime(row["window_start"]),
        window_end=as_datetime(row["window_end"]),
        score=round(min(1.0, score), 3),
        evidence=tuple(str(t) for t in row["evidence"]),  # type: ignore[attr-defined]
        members=tuple(
            Member(account, "origin" if i == 0 else "intermediary", {"position": i + 1})
            for i, account in enumerate(ring)
        ),
        figures={
            "hops": hops,
            "path": " -> ".join(nodes),
            "amount_first": round(first, 2),
            "amount_last": round(last, 2),
            "kept_share": round(last / first, 3),
            "days": round(days, 1),
            "cycles": int(row["cycles"]),  # type: ignore[call-overload]
        },
    )
