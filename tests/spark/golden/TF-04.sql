WITH flows AS (
  SELECT
    payer_account AS subject,
    txn_id,
    ts,
    amt,
    payee_country AS country,
    'to' AS direction,
    payee_fatf_call AS called,
    COALESCE(payee_name, payee_account) AS provider
  FROM sp
  WHERE
    (
      channel = 'crypto' OR COALESCE(mcc, '') = '6051'
    )
    AND NOT payer_account IS NULL
    AND (
      payee_unregulated_vasp OR payee_fatf_call
    )
    AND amt >= CAST(0.0 AS DOUBLE)
  UNION ALL
  SELECT
    payee_account,
    txn_id,
    ts,
    amt,
    payer_country,
    'from',
    payer_fatf_call,
    COALESCE(payer_name, payer_account)
  FROM sp
  WHERE
    (
      channel = 'crypto' OR COALESCE(mcc, '') = '6051'
    )
    AND NOT payee_account IS NULL
    AND (
      payer_unregulated_vasp OR payer_fatf_call
    )
    AND amt >= CAST(0.0 AS DOUBLE)
    AND NOT (
      (
        payee_unregulated_vasp OR payee_fatf_call
      ) AND NOT payer_account IS NULL
    )
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '30' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS gap
    FROM flows
  )
)
SELECT
  subject,
  MIN(ts) AS window_start,
  MAX(ts) AS window_end,
  LEAST(
    1.0,
    0.65 + CASE WHEN BOOL_OR(called) THEN 0.15 ELSE 0 END + 0.05 * LEAST(COUNT(*) - 1, 3) + CASE WHEN COUNT(DISTINCT direction) = 2 THEN 0.05 ELSE 0 END
  ) AS score,
  CASE
    WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)) = 0
    THEN NULL
    ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)
  END AS evidence,
  COUNT(*) AS payments,
  COUNT(*) FILTER(WHERE
    direction = 'to') AS sent,
  COUNT(*) FILTER(WHERE
    direction = 'from') AS received,
  ROUND(SUM(amt), 2) AS total,
  CASE
    WHEN SIZE(COLLECT_SET(provider)) = 0
    THEN NULL
    ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(provider)), ', ')
  END AS providers,
  CASE
    WHEN SIZE(COLLECT_SET(country)) = 0
    THEN NULL
    ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(country)), ', ')
  END AS countries,
  CASE
    WHEN BOOL_OR(called)
    THEN ' (on the FATF call-for-action list)'
    ELSE ' (without virtual-asset licensing)'
  END AS listing
FROM episodes
GROUP BY
  subject,
  episode
