WITH legs AS (
  SELECT
    payee_account AS hub,
    payer_account AS party,
    'in' AS direction,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
    AND COALESCE(mcc, '') = ''
    AND NOT channel IN ('card', 'cash')
  UNION ALL
  SELECT
    payer_account,
    payee_account,
    'out',
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
    AND COALESCE(mcc, '') = ''
    AND NOT channel IN ('card', 'cash')
), counted AS (
  SELECT
    *,
    COUNT(*) OVER (PARTITION BY hub, party, direction) AS ties
  FROM legs
), one_off AS (
  SELECT
    *
  FROM counted
  WHERE
    ties <= 1
), rolling AS (
  SELECT
    hub,
    direction,
    ts,
    COUNT(*) OVER w AS legs,
    AVG(amt) OVER w AS mean_amt,
    STDDEV_POP(amt) OVER w AS sd_amt,
    SUM(amt) OVER w AS total,
    MIN(ts) OVER w AS started
  FROM one_off
  WINDOW w AS (
    PARTITION BY hub, direction
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
  )
), screened AS (
  SELECT
    (
      SELECT
        MIN(ts)
      FROM payments
    ) AS first_ts,
    (
      SELECT
        MAX(ts)
      FROM sp
    ) AS last_ts
), candidates AS (
  SELECT
    r.*
  FROM rolling AS r, screened
  WHERE
    r.legs >= 5
    AND r.sd_amt <= CAST(0.3 AS DOUBLE) * r.mean_amt
    AND (
      r.started >= screened.first_ts + INTERVAL '90' DAY
      OR r.ts <= screened.last_ts - INTERVAL '90' DAY
    )
), bursts AS (
  SELECT
    c.hub,
    c.direction,
    c.ts,
    c.started,
    c.legs,
    c.total,
    c.mean_amt,
    c.sd_amt,
    COUNT(*) AS around_legs
  FROM candidates AS c
  JOIN legs AS l
    ON l.hub = c.hub
    AND l.direction = c.direction
    AND l.ts >= c.started - INTERVAL '90' DAY
    AND l.ts <= c.ts + INTERVAL '90' DAY
  GROUP BY ALL
  HAVING
    c.legs >= CAST(0.75 AS DOUBLE) * COUNT(*)
), hits AS (
  SELECT
    c.hub,
    c.direction,
    c.ts,
    c.started,
    c.legs,
    c.total,
    c.mean_amt,
    CAST(c.sd_amt AS DOUBLE) / CAST(c.mean_amt AS DOUBLE) AS cv,
    CAST(c.legs AS DOUBLE) / CAST(c.around_legs AS DOUBLE) AS fan_share,
    COUNT(DISTINCT o.party) AS counterparties,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(o.ts AS k0, o.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(o.ts AS k0, o.txn_id AS v))), s -> s.v)
    END AS txns
  FROM bursts AS c
  JOIN one_off AS o
    ON o.hub = c.hub AND o.direction = c.direction AND o.ts BETWEEN c.started AND c.ts
  GROUP BY ALL
  HAVING
    COUNT(DISTINCT o.party) >= 5
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '30' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY hub, direction ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY hub, direction ORDER BY ts NULLS LAST) AS gap
    FROM hits
  )
), best AS (
  SELECT
    hub,
    direction,
    MAX_BY(STRUCT(e.*), STRUCT(e.counterparties AS k0, -e.cv AS k1)) AS e,
    MIN(e.started) AS episode_start,
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE WHEN SIZE(COLLECT_LIST(e.txns)) = 0 THEN NULL ELSE COLLECT_LIST(e.txns) END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    ) AS txns,
    MAX(e.ts) AS episode_end
  FROM episodes AS e
  GROUP BY
    hub,
    direction,
    episode
)
SELECT
  hub AS subject,
  episode_start AS window_start,
  episode_end AS window_end,
  LEAST(
    1.0,
    0.5 + 0.2 * LEAST(1.0, CAST((
      e.counterparties - 5
    ) AS DOUBLE) / CAST(10.0 AS DOUBLE)) + 0.3 * (
      1.0 - CAST(e.cv AS DOUBLE) / CAST(GREATEST(CAST(0.3 AS DOUBLE), 0.01) AS DOUBLE)
    )
  ) AS score,
  txns AS evidence,
  e.started AS fan_start,
  e.ts AS fan_end,
  CASE WHEN direction = 'in' THEN 'received from' ELSE 'paid' END AS verb,
  CASE WHEN direction = 'in' THEN 'fan-in' ELSE 'fan-out' END AS pattern,
  e.counterparties AS counterparties,
  ROUND(e.total, 2) AS total,
  ROUND(e.mean_amt, 2) AS mean_amount,
  ROUND(e.cv, 3) AS cv,
  ROUND(e.fan_share, 3) AS fan_share,
  90 AS context_days
FROM best
