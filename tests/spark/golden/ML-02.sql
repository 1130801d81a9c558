WITH deposits AS (
  SELECT
    payee_account AS subject,
    txn_id,
    ts,
    amt,
    COALESCE(payer_bank, payer_name, payer_country, '?') AS place
  FROM sp
  WHERE
    channel = 'cash' AND payer_account IS NULL AND NOT payee_account IS NULL
), rolling AS (
  SELECT
    subject,
    ts,
    COUNT(*) OVER w AS deposits,
    SUM(amt) OVER w AS deposited,
    COLLECT_LIST(txn_id) OVER w AS txns,
    COLLECT_LIST(place) OVER w AS places,
    MIN(ts) OVER w AS started
  FROM deposits
  WINDOW w AS (
    PARTITION BY subject
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW
  )
), bursts AS (
  SELECT
    *
  FROM (
    SELECT
      *,
      SIZE(ARRAY_DISTINCT(FILTER(places, v -> NOT v IS NULL))) AS locations
    FROM rolling
    WHERE
      deposits >= 5
  )
  WHERE
    locations >= 3
), onward AS (
  SELECT
    b.subject,
    b.ts,
    b.started,
    b.deposits,
    b.deposited,
    b.locations,
    b.txns,
    SUM(o.amt) AS moved,
    CASE WHEN SIZE(COLLECT_LIST(o.txn_id)) = 0 THEN NULL ELSE COLLECT_LIST(o.txn_id) END AS out_txns,
    MAX(o.ts) AS last_out,
    BOOL_OR(o.cross_border) AS abroad,
    COUNT(*) FILTER(WHERE
      o.payee_account IS NULL) AS withdrawals,
    COUNT(*) FILTER(WHERE
      NOT o.payee_account IS NULL) AS transfers
  FROM bursts AS b
  JOIN sp AS o
    ON o.payer_account = b.subject
    AND o.ts > b.ts
    AND o.ts <= b.ts + INTERVAL '48' HOUR
    AND (
      (
        NOT o.payee_account IS NULL AND o.payee_account <> b.subject
      )
      OR (
        o.payee_account IS NULL
        AND o.channel = 'cash'
        AND NOT CASE
          WHEN SIZE(b.places) = 0
          THEN FALSE
          ELSE ARRAY_CONTAINS(
            FILTER(b.places, v -> NOT v IS NULL),
            COALESCE(o.payee_bank, o.payee_name, o.payee_country, '?')
          )
        END
      )
    )
  GROUP BY ALL
), hits AS (
  SELECT
    *,
    CAST(moved AS DOUBLE) / CAST(deposited AS DOUBLE) AS share
  FROM onward
  WHERE
    moved >= CAST(0.7 AS DOUBLE) * deposited
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
), best AS (
  SELECT
    subject,
    MAX_BY(STRUCT(e.*), STRUCT(e.deposits AS k0, e.share AS k1)) AS e,
    MIN(e.started) AS episode_start,
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE
              WHEN SIZE(COLLECT_LIST(CONCAT(COALESCE(e.txns, ARRAY()), COALESCE(e.out_txns, ARRAY())))) = 0
              THEN NULL
              ELSE COLLECT_LIST(CONCAT(COALESCE(e.txns, ARRAY()), COALESCE(e.out_txns, ARRAY())))
            END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    ) AS txns,
    MAX(e.last_out) AS episode_end
  FROM episodes AS e
  GROUP BY
    subject,
    episode
)
SELECT
  subject,
  episode_start AS window_start,
  episode_end AS window_end,
  LEAST(
    1.0,
    0.6 + 0.05 * LEAST(e.locations - 3, 2) + 0.15 * LEAST(
      1.0,
      CAST((
        e.share - CAST(0.7 AS DOUBLE)
      ) AS DOUBLE) / CAST(GREATEST(1.0 - CAST(0.7 AS DOUBLE), 0.01) AS DOUBLE)
    ) + CASE WHEN e.abroad THEN 0.1 ELSE 0.0 END
  ) AS score,
  txns AS evidence,
  e.started AS first_deposit,
  e.deposits AS deposits,
  e.locations AS locations,
  ROUND(e.deposited, 2) AS deposited,
  e.ts AS last_deposit,
  e.last_out AS last_out,
  ROUND(e.moved, 2) AS moved,
  ROUND(e.share, 3) AS share,
  e.transfers AS transfers,
  e.withdrawals AS withdrawals,
  CASE WHEN e.abroad THEN ', partly abroad' ELSE '' END AS abroad,
  48 AS onward_hours
FROM best
