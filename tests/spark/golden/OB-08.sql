WITH pays AS (
  SELECT
    payer_account AS hub,
    payee_account AS payee,
    txn_id,
    ts,
    amt,
    payee_donor_source OR channel IN ('msb', 'cash') OR COALESCE(mcc, '') = '4829' AS donor_like,
    ROW_NUMBER() OVER (
      PARTITION BY payer_account, payee_account
      ORDER BY ts NULLS LAST, txn_id NULLS LAST
    ) AS n
  FROM sp
  WHERE
    payee_is_person
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
), new_payees AS (
  SELECT
    hub,
    payee,
    ts,
    txn_id,
    amt
  FROM pays
  WHERE
    n = 1
    AND donor_like
    AND amt BETWEEN CAST(250.0 AS DOUBLE) AND CAST(3000.0 AS DOUBLE)
), recruits AS (
  SELECT
    a.hub,
    a.payee,
    a.ts AS advance_ts,
    b.ts AS balance_ts,
    a.amt + b.amt AS payout,
    a.txn_id AS advance_txn,
    b.txn_id AS balance_txn
  FROM new_payees AS a
  JOIN pays AS b
    ON b.hub = a.hub AND b.payee = a.payee AND b.n = 2
  WHERE
    b.ts - a.ts BETWEEN INTERVAL '7' DAY AND INTERVAL '45' DAY
    AND a.amt + b.amt <= CAST(25000.0 AS DOUBLE)
), bounties AS (
  SELECT
    r.hub,
    r.payee,
    r.advance_ts,
    r.balance_ts,
    r.payout,
    r.advance_txn,
    r.balance_txn,
    p.txn_id,
    p.ts,
    p.amt
  FROM recruits AS r
  JOIN pays AS p
    ON p.hub = r.hub AND p.payee = r.payee AND p.n > 2 AND p.ts > r.balance_ts
  WHERE
    p.amt <= CAST(1000.0 AS DOUBLE)
), timed AS (
  SELECT
    b.hub,
    b.payee,
    b.txn_id,
    b.ts,
    b.amt,
    b.payout,
    b.advance_txn,
    b.balance_txn,
    b.advance_ts,
    CASE
      WHEN SIZE(COLLECT_LIST(DISTINCT np.payee)) = 0
      THEN NULL
      ELSE COLLECT_LIST(DISTINCT np.payee)
    END AS recruited,
    CASE
      WHEN SIZE(COLLECT_LIST(DISTINCT np.txn_id)) = 0
      THEN NULL
      ELSE COLLECT_LIST(DISTINCT np.txn_id)
    END AS recruited_txns
  FROM bounties AS b
  JOIN new_payees AS np
    ON np.hub = b.hub
    AND np.payee <> b.payee
    AND np.ts > b.balance_ts
    AND np.ts BETWEEN b.ts - INTERVAL '30' DAY AND b.ts
  GROUP BY ALL
), schedule AS (
  SELECT
    hub,
    payee,
    COALESCE(CAST(STDDEV_POP(gap) AS DOUBLE) / CAST(NULLIF(AVG(gap), 0) AS DOUBLE), 0) AS gap_cv
  FROM (
    SELECT
      p.hub,
      p.payee,
      CAST((
        UNIX_MICROS(p.ts) - UNIX_MICROS(LAG(p.ts) OVER (PARTITION BY p.hub, p.payee ORDER BY p.ts NULLS LAST))
      ) AS DOUBLE) / CAST(1000000.0 AS DOUBLE) AS gap
    FROM pays AS p
    SEMI JOIN timed AS t
      ON t.hub = p.hub AND t.payee = p.payee
  )
  GROUP BY
    hub,
    payee
), pairs AS (
  SELECT
    hub,
    payee,
    COUNT(*) AS bounties,
    AVG(amt) AS mean_bounty,
    COALESCE(CAST(STDDEV_POP(amt) AS DOUBLE) / CAST(NULLIF(AVG(amt), 0) AS DOUBLE), 0) AS cv,
    ANY_VALUE(payout) IGNORE NULLS AS payout,
    MIN(advance_ts) AS advance_ts,
    MIN(ts) AS first_bounty,
    MAX(ts) AS window_end,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)
    END AS bounty_txns,
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE
              WHEN SIZE(COLLECT_LIST(recruited)) = 0
              THEN NULL
              ELSE COLLECT_LIST(recruited)
            END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    ) AS recruited,
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE
              WHEN SIZE(COLLECT_LIST(recruited_txns)) = 0
              THEN NULL
              ELSE COLLECT_LIST(recruited_txns)
            END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    ) AS recruited_txns,
    ANY_VALUE(advance_txn) IGNORE NULLS AS advance_txn,
    ANY_VALUE(balance_txn) IGNORE NULLS AS balance_txn
  FROM timed
  GROUP BY
    hub,
    payee
)
SELECT
  payee AS subject,
  advance_ts AS window_start,
  window_end,
  LEAST(
    0.95,
    0.55 + 0.1 * bounties + 0.1 * (
      1 - CAST(cv AS DOUBLE) / CAST(0.2 AS DOUBLE)
    )
  ) AS score,
  CONCAT(
    COALESCE(ARRAY(advance_txn, balance_txn), ARRAY()),
    COALESCE(bounty_txns, ARRAY()),
    COALESCE(recruited_txns, ARRAY())
  ) AS evidence,
  hub,
  bounties,
  ROUND(mean_bounty, 2) AS mean_bounty,
  ROUND(cv, 3) AS cv,
  ROUND(payout, 2) AS payout,
  SIZE(recruited) AS new_payees,
  ARRAY_JOIN(ARRAY_SORT(recruited), ', ') AS new_payee_accounts
FROM pairs
JOIN schedule
  USING (hub, payee)
WHERE
  bounties >= 2
  AND SIZE(recruited) >= 2
  AND cv < CAST(0.2 AS DOUBLE)
  AND gap_cv >= CAST(0.15 AS DOUBLE)
