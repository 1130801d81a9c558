WITH exposure AS (
  SELECT
    payer_account AS subject,
    txn_id,
    ts,
    amt,
    payee_country AS country,
    'paid' AS direction,
    payee_fatf_call AS called
  FROM sp
  WHERE
    NOT payer_account IS NULL
    AND (
      payee_fatf_call OR payee_fatf_grey
    )
    AND amt >= CAST(0.0 AS DOUBLE)
  UNION ALL
  SELECT
    payee_account,
    txn_id,
    ts,
    amt,
    payer_country,
    'received',
    payer_fatf_call
  FROM sp
  WHERE
    NOT payee_account IS NULL
    AND (
      payer_fatf_call OR payer_fatf_grey
    )
    AND amt >= CAST(0.0 AS DOUBLE)
    AND NOT (
      payee_fatf_call AND NOT payer_account IS NULL
    )
), called AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '30' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS gap
    FROM exposure
    WHERE
      called
  )
), episodes AS (
  SELECT
    subject,
    episode,
    MIN(ts) AS started,
    MAX(ts) AS ended,
    COUNT(*) AS payments,
    SUM(amt) AS total,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)
    END AS txns,
    CASE
      WHEN SIZE(COLLECT_SET(country)) = 0
      THEN NULL
      ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(country)), ', ')
    END AS countries,
    CASE
      WHEN COUNT(DISTINCT direction) = 2
      THEN 'to and from'
      WHEN MIN(direction) = 'paid'
      THEN 'to'
      ELSE 'from'
    END AS directions
  FROM called
  GROUP BY
    subject,
    episode
), grey AS (
  SELECT
    e.subject,
    e.episode,
    COUNT(g.txn_id) AS grey_payments,
    COALESCE(SUM(g.amt), 0) AS grey_total,
    CASE
      WHEN SIZE(COLLECT_SET(g.country)) = 0
      THEN NULL
      ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(g.country)), ', ')
    END AS grey_countries
  FROM episodes AS e
  LEFT JOIN exposure AS g
    ON g.subject = e.subject
    AND NOT g.called
    AND g.ts >= e.started - INTERVAL '30' DAY
    AND g.ts <= e.ended
  GROUP BY
    e.subject,
    e.episode
)
SELECT
  e.subject,
  e.started AS window_start,
  e.ended AS window_end,
  LEAST(
    1.0,
    0.7 + CAST(0.05 AS DOUBLE) * LEAST(e.payments - 1, 3) + CAST(0.03 AS DOUBLE) * LEAST(g.grey_payments, 3)
  ) AS score,
  e.txns AS evidence,
  e.payments AS payments,
  ROUND(e.total, 2) AS total,
  e.countries AS countries,
  e.directions AS directions,
  g.grey_payments AS grey_payments,
  ROUND(g.grey_total, 2) AS grey_total,
  CASE
    WHEN g.grey_payments > 0
    THEN FORMAT_STRING(
      ' Around that time it also dealt with grey-list jurisdictions (%s) in %s payment(s).',
      g.grey_countries,
      g.grey_payments
    )
    ELSE ''
  END AS grey_note
FROM episodes AS e
JOIN grey AS g
  USING (subject, episode)
