WITH banded AS (
  SELECT
    COALESCE(payee_account, payer_account) AS subject,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    channel IN ('cash', 'msb')
    AND NOT payee_account IS NULL
    AND amt >= CAST(0.8 AS DOUBLE) * CAST(10000.0 AS DOUBLE)
    AND amt < CAST(10000.0 AS DOUBLE)
  UNION ALL
  SELECT
    payer_account,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    channel IN ('cash', 'msb')
    AND NOT payer_account IS NULL
    AND payee_account IS NULL
    AND amt >= CAST(0.8 AS DOUBLE) * CAST(10000.0 AS DOUBLE)
    AND amt < CAST(10000.0 AS DOUBLE)
), rolling AS (
  SELECT
    subject,
    ts,
    COUNT(*) OVER hard AS hard_count,
    SUM(amt) OVER hard AS hard_total,
    COLLECT_LIST(txn_id) OVER hard AS hard_txns,
    MIN(ts) OVER hard AS hard_start,
    COUNT(*) OVER soft AS soft_count,
    SUM(amt) OVER soft AS soft_total,
    COLLECT_LIST(txn_id) OVER soft AS soft_txns,
    MIN(ts) OVER soft AS soft_start
  FROM banded
  WINDOW hard AS (
    PARTITION BY subject
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW
  ), soft AS (
    PARTITION BY subject
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW
  )
), hits AS (
  SELECT
    subject,
    ts,
    hard_count >= 3 AND hard_total >= CAST(10000.0 AS DOUBLE) AS hard,
    CASE
      WHEN hard_count >= 3 AND hard_total >= CAST(10000.0 AS DOUBLE)
      THEN hard_count
      ELSE soft_count
    END AS deposits,
    CASE
      WHEN hard_count >= 3 AND hard_total >= CAST(10000.0 AS DOUBLE)
      THEN hard_total
      ELSE soft_total
    END AS total,
    CASE
      WHEN hard_count >= 3 AND hard_total >= CAST(10000.0 AS DOUBLE)
      THEN hard_txns
      ELSE soft_txns
    END AS txns,
    CASE
      WHEN hard_count >= 3 AND hard_total >= CAST(10000.0 AS DOUBLE)
      THEN hard_start
      ELSE soft_start
    END AS started
  FROM rolling
  WHERE
    (
      hard_count >= 3 AND hard_total >= CAST(10000.0 AS DOUBLE)
    )
    OR (
      soft_count >= 3 AND soft_total >= CAST(10000.0 AS DOUBLE)
    )
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '7' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS gap
    FROM hits
  )
)
SELECT
  subject,
  MAX_BY(started, STRUCT(hard AS k0, deposits AS k1, total AS k2)) AS window_start,
  MAX_BY(ts, STRUCT(hard AS k0, deposits AS k1, total AS k2)) AS window_end,
  CASE WHEN BOOL_OR(hard) THEN 0.9 ELSE 0.6 END AS score,
  MAX_BY(txns, STRUCT(hard AS k0, deposits AS k1, total AS k2)) AS evidence,
  MAX(deposits) AS deposits,
  ROUND(MAX_BY(total, STRUCT(hard AS k0, deposits AS k1, total AS k2)), 2) AS total,
  CASE WHEN BOOL_OR(hard) THEN 24 || ' hours' ELSE 7 || ' days' END AS within,
  CAST(10000.0 AS DOUBLE) AS threshold
FROM episodes
GROUP BY
  subject,
  episode
