WITH paid AS (
  SELECT
    payer_account AS hub,
    payee_account AS payee,
    txn_id,
    ts,
    amt,
    payee_name,
    payee_country,
    payee_donor_source,
    channel IN ('cash', 'msb')
    OR COALESCE(mcc, '') IN (
      SELECT
        mcc
      FROM ref_role_mcc
      WHERE
        role = 'MSB'
    ) AS pickup,
    ROW_NUMBER() OVER (
      PARTITION BY payer_account, payee_account
      ORDER BY ts NULLS LAST, txn_id NULLS LAST
    ) AS k
  FROM sp
  WHERE
    payee_is_person
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
), staged AS (
  SELECT
    a.hub,
    a.payee,
    a.payee_name,
    a.payee_country,
    a.payee_donor_source,
    a.txn_id AS advance_txn,
    b.txn_id AS balance_txn,
    a.ts AS advance_ts,
    b.ts AS balance_ts,
    a.amt AS advance,
    b.amt AS balance,
    a.pickup OR b.pickup AS pickup
  FROM paid AS a
  JOIN paid AS b
    ON b.hub = a.hub AND b.payee = a.payee
  WHERE
    a.k = 1
    AND b.k = 2
    AND a.amt BETWEEN CAST(500.0 AS DOUBLE) AND CAST(3000.0 AS DOUBLE)
    AND b.ts - a.ts BETWEEN INTERVAL '7' DAY AND INTERVAL '45' DAY
    AND a.amt + b.amt <= CAST(25000.0 AS DOUBLE)
    AND ABS(b.amt - a.amt) > CAST(0.1 AS DOUBLE) * a.amt
    AND (
      a.payee_donor_source OR a.pickup OR b.pickup
    )
), fresh AS (
  /* no earlier relationship: nothing paid either way before the advance, in all stored history */
  SELECT
    s.*
  FROM staged AS s
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM payments AS p
      WHERE
        p.payer_account = s.hub AND p.payee_account = s.payee AND p.ts < s.advance_ts
    )
    AND NOT EXISTS(
      SELECT
        1
      FROM payments AS p
      WHERE
        p.payer_account = s.payee AND p.payee_account = s.hub AND p.ts < s.advance_ts
    )
), funded AS (
  /* the payer also took a transplant-sized transfer from another individual around the payout */
  SELECT
    f.hub,
    f.payee,
    MAX(r.amt) AS recipient_paid,
    CASE WHEN SIZE(COLLECT_LIST(r.txn_id)) = 0 THEN NULL ELSE COLLECT_LIST(r.txn_id) END AS recipient_txns
  FROM fresh AS f
  JOIN sp AS r
    ON r.payee_account = f.hub
  WHERE
    r.payer_is_person
    AND r.payer_account <> f.payee
    AND NOT r.channel IN ('card', 'crypto')
    AND r.amt >= CAST(15000.0 AS DOUBLE)
    AND r.ts BETWEEN f.advance_ts - INTERVAL '90' DAY AND f.balance_ts
  GROUP BY
    f.hub,
    f.payee
), rolling AS (
  SELECT
    fresh.*,
    funded.recipient_paid,
    funded.recipient_txns,
    COUNT(*) OVER (
      PARTITION BY hub
      ORDER BY advance_ts NULLS LAST
      RANGE BETWEEN INTERVAL '180' DAY PRECEDING AND CURRENT ROW
    ) AS within
  FROM fresh
  LEFT JOIN funded
    USING (hub, payee)
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '180' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY hub ORDER BY advance_ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      advance_ts - LAG(advance_ts) OVER (PARTITION BY hub ORDER BY advance_ts NULLS LAST) AS gap
    FROM rolling
  )
), opened AS (
  SELECT
    account,
    MIN(opened) AS opened
  FROM accounts
  GROUP BY
    account
)
SELECT
  e.hub AS subject,
  MIN(e.advance_ts) AS window_start,
  MAX(e.balance_ts) AS window_end,
  LEAST(
    1.0,
    0.5 + 0.1 * (
      COUNT(*) - 1
    ) + CASE
      WHEN COUNT(*) FILTER(WHERE
        e.balance > e.advance) * 2 > COUNT(*)
      THEN 0.1
      ELSE 0
    END + CASE WHEN NOT MAX(e.recipient_paid) IS NULL THEN 0.1 ELSE 0 END + CASE
      WHEN COUNT(*) FILTER(WHERE
        o.opened >= CAST(e.advance_ts AS DATE) - 90) > 0
      THEN 0.1
      ELSE 0
    END
  ) AS score,
  ARRAY_DISTINCT(
    FILTER(
      FLATTEN(
        FILTER(
          CASE
            WHEN SIZE(
              TRANSFORM(
                ARRAY_SORT(
                  COLLECT_LIST(STRUCT(e.advance_ts AS k0, ARRAY(e.advance_txn, e.balance_txn) AS v))
                ),
                s -> s.v
              )
            ) = 0
            THEN NULL
            ELSE TRANSFORM(
              ARRAY_SORT(
                COLLECT_LIST(STRUCT(e.advance_ts AS k0, ARRAY(e.advance_txn, e.balance_txn) AS v))
              ),
              s -> s.v
            )
          END,
          v -> NOT v IS NULL
        )
      ) || FLATTEN(
        FILTER(
          CASE
            WHEN SIZE(COLLECT_LIST(COALESCE(e.recipient_txns, CAST(ARRAY() AS ARRAY<STRING>)))) = 0
            THEN NULL
            ELSE COLLECT_LIST(COALESCE(e.recipient_txns, CAST(ARRAY() AS ARRAY<STRING>)))
          END,
          v -> NOT v IS NULL
        )
      ),
      v -> NOT v IS NULL
    )
  ) AS evidence,
  COUNT(*) AS payees,
  SIZE(
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE
              WHEN SIZE(COLLECT_LIST(COALESCE(e.recipient_txns, CAST(ARRAY() AS ARRAY<STRING>)))) = 0
              THEN NULL
              ELSE COLLECT_LIST(COALESCE(e.recipient_txns, CAST(ARRAY() AS ARRAY<STRING>)))
            END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    )
  ) AS recipient_transfers,
  CAST(15000.0 AS DOUBLE) AS recipient_floor,
  MAX(e.within) AS most_within_window,
  ROUND(SUM(e.advance), 2) AS advances,
  ROUND(SUM(e.balance), 2) AS balances,
  COUNT(*) FILTER(WHERE
    e.payee_donor_source) AS donor_country_payees,
  COUNT(*) FILTER(WHERE
    e.pickup) AS pickup_payees,
  COUNT(*) FILTER(WHERE
    o.opened >= CAST(e.advance_ts AS DATE) - 90) AS new_accounts,
  LISTAGG(
    
      e.payee_name || ' (' || e.payee || ', ' || COALESCE(e.payee_country, '?') || ': ' || CAST(ROUND(e.advance) AS BIGINT) || ' then ' || CAST(ROUND(e.balance) AS BIGINT) || ' after ' || DATEDIFF(CAST(e.balance_ts AS DATE), CAST(e.advance_ts AS DATE)) || ' days)',
      '; '
    
  ) WITHIN GROUP (ORDER BY
    e.advance_ts NULLS LAST) AS payouts
FROM episodes AS e
LEFT JOIN opened AS o
  ON o.account = e.payee
GROUP BY
  e.hub,
  e.episode
HAVING
  (
    MAX(e.within) >= 2 AND BOOL_OR(e.balance > e.advance)
  )
  OR NOT MAX(e.recipient_paid) IS NULL
