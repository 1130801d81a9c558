WITH cash_outs AS (
  SELECT
    payer_account AS subject,
    txn_id,
    ts,
    amt,
    payee_country AS country,
    payee_account IS NULL AND channel = 'cash' AS atm,
    COALESCE(payee_account, payee_bank, payee_country) AS agent
  FROM sp
  WHERE
    NOT payer_account IS NULL
    AND payee_conflict_border
    AND payee_country IS DISTINCT FROM payer_country
    AND amt >= CAST(100.0 AS DOUBLE)
    AND amt <= CAST(5000.0 AS DOUBLE)
    AND (
      (
        payee_account IS NULL AND channel = 'cash'
      )
      OR channel = 'msb'
      OR COALESCE(mcc, '') = '4829'
      OR payee_is_msb
    )
), fresh AS (
  SELECT
    c.*
  FROM cash_outs AS c
  WHERE
    c.atm
    OR NOT EXISTS(
      SELECT
        1
      FROM sp AS p
      WHERE
        p.payer_account = c.subject
        AND p.payee_account = c.agent
        AND p.ts < c.ts - INTERVAL '30' DAY
        AND p.ts >= c.ts - INTERVAL '90' DAY
    )
), rolling AS (
  SELECT
    subject,
    ts,
    COUNT(*) OVER w AS cash_outs,
    SUM(amt) OVER w AS total,
    MIN(ts) OVER w AS started
  FROM fresh
  WINDOW w AS (
    PARTITION BY subject
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
  )
), hits AS (
  SELECT
    *
  FROM rolling
  WHERE
    cash_outs >= 3 AND total >= CAST(2500.0 AS DOUBLE)
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '30' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS gap
    FROM hits
  )
), best AS (
  SELECT
    subject,
    MIN(started) AS started,
    MAX(ts) AS ended
  FROM episodes
  GROUP BY
    subject,
    episode
), detail AS (
  SELECT
    b.subject,
    b.started,
    b.ended,
    COUNT(*) AS cash_outs,
    SUM(c.amt) AS total,
    COUNT(*) FILTER(WHERE
      c.atm) AS atm,
    COUNT(DISTINCT c.agent) FILTER(WHERE
      NOT c.atm) AS agents,
    CASE
      WHEN SIZE(COLLECT_SET(c.country)) = 0
      THEN NULL
      ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(c.country)), ', ')
    END AS countries,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(c.ts AS k0, c.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(c.ts AS k0, c.txn_id AS v))), s -> s.v)
    END AS txns
  FROM best AS b
  JOIN fresh AS c
    ON c.subject = b.subject AND c.ts BETWEEN b.started AND b.ended
  GROUP BY ALL
), inflow AS (
  SELECT
    d.subject,
    d.started,
    MAX(i.amt) AS inflow
  FROM detail AS d
  JOIN sp AS i
    ON i.payee_account = d.subject
    AND i.payer_account IS DISTINCT FROM d.subject
    AND i.amt >= CAST(5000.0 AS DOUBLE)
    AND i.ts < d.started
    AND i.ts >= d.started - INTERVAL '14' DAY
  GROUP BY ALL
)
SELECT
  d.subject,
  d.started AS window_start,
  d.ended AS window_end,
  LEAST(
    1.0,
    0.6 + 0.05 * LEAST(d.cash_outs - 3, 3) + CASE WHEN d.atm > 0 THEN 0.1 ELSE 0 END + CASE WHEN d.agents > 1 THEN 0.05 ELSE 0 END + CASE WHEN NOT f.inflow IS NULL THEN 0.1 ELSE 0 END
  ) AS score,
  d.txns AS evidence,
  d.cash_outs AS cash_outs,
  ROUND(d.total, 2) AS total,
  d.countries AS countries,
  d.atm AS atm_withdrawals,
  d.agents AS agents,
  ROUND(COALESCE(f.inflow, 0), 2) AS large_inflow,
  CAST(5000.0 AS DOUBLE) AS inflow_floor,
  14 AS inflow_days
FROM detail AS d
LEFT JOIN inflow AS f
  USING (subject, started)
