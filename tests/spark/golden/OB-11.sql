WITH cash AS (
  SELECT
    payee_account AS subject,
    payee_occupation AS occupation,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    channel = 'cash'
    AND NOT payee_account IS NULL
    AND payee_is_person
    AND payee_is_medical_professional
), rolling AS (
  SELECT
    subject,
    occupation,
    txn_id,
    ts,
    SUM(amt) OVER w AS total,
    COUNT(*) OVER w AS deposits,
    MIN(ts) OVER w AS started,
    COLLECT_LIST(txn_id) OVER w AS txns
  FROM cash
  WINDOW w AS (
    PARTITION BY subject
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
  )
), monthly AS (
  SELECT
    subject,
    DATE_TRUNC('MONTH', ts) AS month,
    MAX(total) AS peak
  FROM rolling
  GROUP BY
    subject,
    DATE_TRUNC('MONTH', ts)
), candidates AS (
  SELECT
    *
  FROM rolling
  WHERE
    total >= CAST(5000.0 AS DOUBLE) AND deposits >= 3
), seen AS (
  SELECT
    account AS subject,
    MIN(ts) AS first_seen
  FROM (
    SELECT
      payee_account AS account,
      ts
    FROM sp
    WHERE
      payee_account IN (
        SELECT
          subject
        FROM candidates
      )
    UNION ALL
    SELECT
      payer_account,
      ts
    FROM sp
    WHERE
      payer_account IN (
        SELECT
          subject
        FROM candidates
      )
  )
  GROUP BY
    account
), framed AS (
  SELECT
    c.*,
    b.baseline_end,
    GREATEST(DATE_TRUNC('MONTH', s.first_seen), b.baseline_end - INTERVAL '12' MONTH) AS baseline_start
  FROM candidates AS c
  JOIN seen AS s
    USING (subject)
  CROSS JOIN LATERAL (
    SELECT
      DATE_TRUNC('MONTH', c.ts - INTERVAL '30' DAY) AS baseline_end
  ) AS b
), sums AS (
  SELECT
    f.subject,
    f.occupation,
    f.txn_id,
    f.ts,
    f.total,
    f.deposits,
    f.started,
    f.txns,
    (
      YEAR(f.baseline_end) * 12 + MONTH(f.baseline_end)
    ) - (
      YEAR(f.baseline_start) * 12 + MONTH(f.baseline_start)
    ) AS months,
    COALESCE(SUM(m.peak), 0) AS peak_sum,
    COALESCE(SUM(m.peak * m.peak), 0) AS peak_squares
  FROM framed AS f
  LEFT JOIN monthly AS m
    ON m.subject = f.subject AND m.month >= f.baseline_start AND m.month < f.baseline_end
  WHERE
    (
      YEAR(f.baseline_end) * 12 + MONTH(f.baseline_end)
    ) - (
      YEAR(f.baseline_start) * 12 + MONTH(f.baseline_start)
    ) >= 3
  GROUP BY
    f.subject,
    f.occupation,
    f.txn_id,
    f.ts,
    f.total,
    f.deposits,
    f.started,
    f.txns,
    f.baseline_start,
    f.baseline_end
), scored AS (
  SELECT
    *,
    CAST(peak_sum AS DOUBLE) / CAST(months AS DOUBLE) AS mean,
    SQRT(
      GREATEST(
        CAST(peak_squares AS DOUBLE) / CAST(months AS DOUBLE) - POWER(CAST(peak_sum AS DOUBLE) / CAST(months AS DOUBLE), 2),
        0
      )
    ) AS sigma
  FROM sums
), hits AS (
  SELECT
    *,
    CAST((
      total - mean
    ) AS DOUBLE) / CAST(GREATEST(sigma, CAST(250.0 AS DOUBLE)) AS DOUBLE) AS z
  FROM scored
  WHERE
    CAST((
      total - mean
    ) AS DOUBLE) / CAST(GREATEST(sigma, CAST(250.0 AS DOUBLE)) AS DOUBLE) >= CAST(3.0 AS DOUBLE)
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
)
SELECT
  subject,
  MAX_BY(started, z) AS window_start,
  MAX_BY(ts, z) AS window_end,
  LEAST(0.95, 0.5 + 0.05 * MAX(z)) AS score,
  MAX_BY(txns, z) AS evidence,
  ANY_VALUE(occupation) IGNORE NULLS AS occupation,
  ROUND(MAX_BY(total, z), 2) AS total,
  MAX_BY(deposits, z) AS deposits,
  ROUND(MAX_BY(mean, z), 2) AS baseline_mean,
  ROUND(MAX_BY(sigma, z), 2) AS baseline_sigma,
  CAST(250.0 AS DOUBLE) AS sigma_floor,
  MAX_BY(months, z) AS baseline_months,
  ROUND(MAX(z), 1) AS z,
  30 AS window_days
FROM episodes
GROUP BY
  subject,
  episode
