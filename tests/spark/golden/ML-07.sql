WITH credits AS (
  SELECT
    payee_account AS subject,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    NOT payee_account IS NULL
    AND payee_account IS DISTINCT FROM payer_account
    AND amt >= CAST(1000.0 AS DOUBLE)
), debits AS (
  SELECT
    payer_account AS subject,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    NOT payer_account IS NULL AND payer_account IS DISTINCT FROM payee_account
), onward AS (
  SELECT
    c.subject,
    c.txn_id,
    c.ts,
    c.amt,
    COALESCE(SUM(d.amt), 0) AS out_amt,
    CASE
      WHEN SIZE(COLLECT_LIST(d.txn_id) FILTER(WHERE
        NOT d.txn_id IS NULL)) = 0
      THEN NULL
      ELSE COLLECT_LIST(d.txn_id) FILTER(WHERE
        NOT d.txn_id IS NULL)
    END AS out_txns,
    MAX(d.ts) AS last_out
  FROM credits AS c
  LEFT JOIN debits AS d
    ON d.subject = c.subject AND d.ts > c.ts AND d.ts <= c.ts + INTERVAL '48' HOUR
  GROUP BY
    c.subject,
    c.txn_id,
    c.ts,
    c.amt
), marked AS (
  SELECT
    *,
    out_amt >= CAST(0.8 AS DOUBLE) * amt AND out_amt <= CAST(1.2 AS DOUBLE) * amt AS passed
  FROM onward
), rolling AS (
  SELECT
    subject,
    ts,
    passed,
    COUNT(*) FILTER(WHERE
      passed) OVER w AS passes,
    SUM(amt) FILTER(WHERE
      passed) OVER w AS passed_amt,
    SUM(out_amt) FILTER(WHERE
      passed) OVER w AS moved,
    SUM(amt) OVER w AS credited,
    MIN(ts) FILTER(WHERE
      passed) OVER w AS started
  FROM marked
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
    passed AND passes >= 3 AND passed_amt >= CAST(0.6 AS DOUBLE) * credited
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
), spans AS (
  SELECT
    subject,
    MIN(started) AS started,
    MAX(ts) AS ended
  FROM episodes
  GROUP BY
    subject,
    episode
), evidence AS (
  SELECT
    b.subject,
    b.started,
    b.ended,
    COUNT(*) FILTER(WHERE
      m.passed) AS passes,
    SUM(m.amt) FILTER(WHERE
      m.passed) AS passed_amt,
    SUM(m.out_amt) FILTER(WHERE
      m.passed) AS moved,
    SUM(m.amt) AS credited,
    MAX(m.last_out) FILTER(WHERE
      m.passed) AS last_out,
    FLATTEN(
      FILTER(
        CASE
          WHEN SIZE(
            TRANSFORM(
              ARRAY_SORT(
                COLLECT_LIST(STRUCT(m.ts AS k0, ARRAY_PREPEND(COALESCE(m.out_txns, ARRAY()), m.txn_id) AS v)) FILTER(WHERE
                  m.passed)
              ),
              s -> s.v
            )
          ) = 0
          THEN NULL
          ELSE TRANSFORM(
            ARRAY_SORT(
              COLLECT_LIST(STRUCT(m.ts AS k0, ARRAY_PREPEND(COALESCE(m.out_txns, ARRAY()), m.txn_id) AS v)) FILTER(WHERE
                m.passed)
            ),
            s -> s.v
          )
        END,
        v -> NOT v IS NULL
      )
    ) AS txns
  FROM spans AS b
  JOIN marked AS m
    ON m.subject = b.subject AND m.ts BETWEEN b.started AND b.ended
  GROUP BY ALL
), outflow AS (
  SELECT
    v.*,
    SUM(d.amt) AS debited
  FROM evidence AS v
  JOIN debits AS d
    ON d.subject = v.subject
    AND d.ts > v.last_out - INTERVAL '30' DAY
    AND d.ts <= v.last_out
  GROUP BY ALL
  HAVING
    v.moved >= CAST(0.5 AS DOUBLE) * SUM(d.amt)
)
SELECT
  subject,
  started AS window_start,
  last_out AS window_end,
  LEAST(
    1.0,
    0.6 + 0.05 * LEAST(passes - 3, 4) + CAST(0.2 * GREATEST(CAST(passed_amt AS DOUBLE) / CAST(credited AS DOUBLE) - CAST(0.6 AS DOUBLE), 0) AS DOUBLE) / CAST(GREATEST(1.0 - CAST(0.6 AS DOUBLE), 0.01) AS DOUBLE)
  ) AS score,
  txns AS evidence,
  passes,
  ROUND(passed_amt, 2) AS passed_amount,
  ROUND(moved, 2) AS moved,
  ROUND(CAST(passed_amt AS DOUBLE) / CAST(credited AS DOUBLE), 3) AS credit_share,
  48 AS pass_hours,
  ROUND(CAST(moved AS DOUBLE) / CAST(debited AS DOUBLE), 3) AS debit_share,
  CAST(1000.0 AS DOUBLE) AS min_amount
FROM outflow
