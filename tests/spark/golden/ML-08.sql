WITH legs AS (
  SELECT
    payer_account AS subject,
    'out' AS direction,
    txn_id,
    ts,
    amt,
    channel,
    payee_country AS other_country,
    payer_country AS own_country,
    payee_account AS other
  FROM sp
  WHERE
    NOT payer_account IS NULL
  UNION ALL
  SELECT
    payee_account,
    'in',
    txn_id,
    ts,
    amt,
    channel,
    payer_country,
    payee_country,
    payer_account
  FROM sp
  WHERE
    NOT payee_account IS NULL
), large AS (
  SELECT
    *
  FROM legs
  WHERE
    amt >= CAST(5000.0 AS DOUBLE)
    AND NOT other_country IS NULL
    AND NOT own_country IS NULL
    AND other_country <> own_country
), novel AS (
  SELECT
    l.*
  FROM large AS l
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM legs AS p
      WHERE
        p.subject = l.subject
        AND p.other_country = l.other_country
        AND p.ts < l.ts
        AND p.ts >= l.ts - INTERVAL '90' DAY
    )
    AND NOT EXISTS(
      SELECT
        1
      FROM legs AS p
      WHERE
        p.subject = l.subject
        AND p.channel = l.channel
        AND p.ts < l.ts
        AND p.ts >= l.ts - INTERVAL '90' DAY
    )
), baseline AS (
  SELECT
    n.subject,
    n.direction,
    n.txn_id,
    n.ts,
    n.amt,
    n.channel,
    n.other_country,
    n.other,
    COUNT(*) FILTER(WHERE
      h.direction = n.direction) AS n_hist,
    AVG(h.amt) FILTER(WHERE
      h.direction = n.direction) AS mean_hist,
    STDDEV_POP(h.amt) FILTER(WHERE
      h.direction = n.direction) AS sd_hist,
    MEDIAN(h.amt) FILTER(WHERE
      h.direction = n.direction) AS median_hist,
    MAX(h.amt) AS max_hist,
    COUNT(*) AS n_all,
    MIN(h.ts) AS since
  FROM novel AS n
  JOIN legs AS h
    ON h.subject = n.subject AND h.ts < n.ts AND h.ts >= n.ts - INTERVAL '90' DAY
  GROUP BY ALL
), hits AS (
  SELECT
    *
  FROM baseline
  WHERE
    n_hist >= 10
    AND amt > max_hist
    AND (
      amt - mean_hist >= CAST(4.0 AS DOUBLE) * sd_hist
      OR amt >= CAST(10.0 AS DOUBLE) * median_hist
    )
)
SELECT
  hi.subject,
  hi.ts AS window_start,
  hi.ts AS window_end,
  hi.since AS since,
  LEAST(
    1.0,
    0.6 + 0.1 * LEAST(
      CAST(CAST(hi.amt AS DOUBLE) / CAST(GREATEST(hi.median_hist, 0.01) AS DOUBLE) AS DOUBLE) / CAST(10.0 AS DOUBLE),
      4.0
    )
  ) AS score,
  ARRAY(hi.txn_id) AS evidence,
  CASE WHEN hi.direction = 'out' THEN 'paid' ELSE 'received' END AS verb,
  CASE WHEN hi.direction = 'out' THEN 'to' ELSE 'from' END AS preposition,
  ROUND(hi.amt, 2) AS amount,
  hi.channel AS channel,
  hi.other_country AS corridor,
  COALESCE(hi.other, 'cash') AS counterparty,
  hi.n_hist AS history_payments,
  CASE WHEN hi.direction = 'out' THEN 'outgoing' ELSE 'incoming' END AS side,
  ROUND(hi.median_hist, 2) AS median_amount,
  ROUND(hi.max_hist, 2) AS largest_amount,
  ROUND(
    CASE
      WHEN hi.sd_hist > 0
      THEN CAST((
        hi.amt - hi.mean_hist
      ) AS DOUBLE) / CAST(hi.sd_hist AS DOUBLE)
    END,
    1
  ) AS z_score,
  ROUND(CAST(hi.amt AS DOUBLE) / CAST(GREATEST(hi.median_hist, 0.01) AS DOUBLE), 1) AS median_multiple,
  90 AS corridor_days
FROM hits AS hi
