WITH venues AS (
  SELECT
    account,
    country AS venue
  FROM party
  WHERE
    country IN (
      SELECT
        code
      FROM ref_country
      WHERE
        list = 'transplant_venue'
    )
  UNION
  SELECT
    payer_account,
    payee_country
  FROM sp
  WHERE
    payee_is_med AND payee_venue AND NOT payer_account IS NULL
), routed AS (
  SELECT DISTINCT
    s.payee_account AS subject,
    'recipient' AS leg,
    s.txn_id,
    s.ts,
    s.amt,
    s.payer_account AS counterpart,
    s.payer_country || ' > ' || v.venue AS route
  FROM sp AS s
  JOIN venues AS v
    ON v.account = s.payee_account
  JOIN ref_corridor AS c
    ON c.origin = s.payer_country AND c.venue = v.venue
  WHERE
    s.cross_border
    AND s.payer_is_person
    AND s.amt >= CAST(10000.0 AS DOUBLE)
    AND NOT COALESCE(s.mcc, '') IN (
      SELECT
        mcc
      FROM ref_role_mcc
      WHERE
        role = 'MED'
    )
  UNION
  SELECT DISTINCT
    s.payer_account,
    'donor',
    s.txn_id,
    s.ts,
    s.amt,
    s.payee_account,
    v.venue || ' > ' || s.payee_country
  FROM sp AS s
  JOIN venues AS v
    ON v.account = s.payer_account
  JOIN ref_corridor AS c
    ON c.venue = v.venue AND c.donor = s.payee_country
  WHERE
    s.cross_border
    AND s.payee_is_person
    AND s.amt BETWEEN CAST(500.0 AS DOUBLE) AND CAST(25000.0 AS DOUBLE)
), legs AS (
  SELECT
    subject,
    leg,
    txn_id,
    ts,
    amt,
    counterpart,
    CASE WHEN SIZE(COLLECT_LIST(route)) = 0 THEN NULL ELSE COLLECT_LIST(route) END AS routes
  FROM routed
  GROUP BY
    subject,
    leg,
    txn_id,
    ts,
    amt,
    counterpart
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '180' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST, txn_id NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST, txn_id NULLS LAST) AS gap
    FROM legs
  )
), per_leg AS (
  SELECT
    subject,
    episode,
    leg,
    MIN(ts) AS window_start,
    MAX(ts) AS window_end,
    COUNT(DISTINCT txn_id) AS flows,
    COUNT(DISTINCT counterpart) AS parties,
    SUM(amt) AS total,
    CASE WHEN SIZE(COLLECT_LIST(txn_id)) = 0 THEN NULL ELSE COLLECT_LIST(txn_id) END AS txns,
    FLATTEN(
      FILTER(
        CASE WHEN SIZE(COLLECT_LIST(routes)) = 0 THEN NULL ELSE COLLECT_LIST(routes) END,
        v -> NOT v IS NULL
      )
    ) AS routes
  FROM episodes
  GROUP BY
    subject,
    episode,
    leg
  HAVING
    leg = 'recipient' OR COUNT(DISTINCT counterpart) >= 2
)
SELECT
  subject,
  MIN(window_start) AS window_start,
  MAX(window_end) AS window_end,
  LEAST(1.0, 0.3 * CAST(1.0 AS DOUBLE) * COUNT(*)) AS score,
  FLATTEN(
    FILTER(
      CASE WHEN SIZE(COLLECT_LIST(txns)) = 0 THEN NULL ELSE COLLECT_LIST(txns) END,
      v -> NOT v IS NULL
    )
  ) AS evidence,
  COUNT(*) AS legs,
  COALESCE(MAX(CASE WHEN leg = 'recipient' THEN flows END), 0) AS recipient_flows,
  ROUND(COALESCE(MAX(CASE WHEN leg = 'recipient' THEN total END), 0), 2) AS recipient_total,
  COALESCE(MAX(CASE WHEN leg = 'donor' THEN parties END), 0) AS donors,
  COALESCE(MAX(CASE WHEN leg = 'donor' THEN flows END), 0) AS donor_flows,
  ROUND(COALESCE(MAX(CASE WHEN leg = 'donor' THEN total END), 0), 2) AS donor_total,
  ARRAY_JOIN(
    ARRAY_SORT(
      ARRAY_DISTINCT(
        FILTER(
          FLATTEN(
            FILTER(
              CASE WHEN SIZE(COLLECT_LIST(routes)) = 0 THEN NULL ELSE COLLECT_LIST(routes) END,
              v -> NOT v IS NULL
            )
          ),
          v -> NOT v IS NULL
        )
      )
    ),
    ', '
  ) AS routes
FROM per_leg
GROUP BY
  subject,
  episode
