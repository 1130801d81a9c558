WITH donations AS (
  SELECT
    payee_account AS subject,
    payer_account AS donor,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    NOT payee_account IS NULL
    AND NOT payer_account IS NULL
    AND payer_account <> payee_account
    AND amt <= CAST(500.0 AS DOUBLE)
    AND (
      COALESCE(mcc, '') = ''
      OR mcc IN (
        SELECT
          mcc
        FROM ref_role_mcc
        WHERE
          role = 'NPO'
      )
    )
), rolling AS (
  SELECT
    subject,
    ts,
    COUNT(*) OVER w AS donations,
    SUM(amt) OVER w AS collected,
    MIN(ts) OVER w AS started
  FROM donations
  WINDOW w AS (
    PARTITION BY subject
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
  )
), crowds AS (
  SELECT
    *
  FROM rolling
  WHERE
    donations >= 50 AND collected >= CAST(1000.0 AS DOUBLE)
), onward AS (
  SELECT
    c.subject,
    c.ts,
    c.started,
    c.donations,
    c.collected,
    SUM(o.amt) AS forwarded,
    MAX(o.ts) AS last_out,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(o.ts AS k0, o.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(o.ts AS k0, o.txn_id AS v))), s -> s.v)
    END AS out_txns,
    COUNT(*) FILTER(WHERE
      o.payee_conflict_border AND o.payee_country IS DISTINCT FROM o.payer_country) AS to_conflict_border,
    COUNT(*) FILTER(WHERE
      o.channel = 'crypto' OR o.payee_unregulated_vasp OR COALESCE(o.mcc, '') = '6051') AS to_vasp,
    COUNT(*) FILTER(WHERE
      o.channel = 'msb' OR COALESCE(o.mcc, '') = '4829') AS via_msb,
    COUNT(*) FILTER(WHERE
      o.payee_account IS NULL) AS withdrawals,
    CASE
      WHEN SIZE(COLLECT_SET(o.payee_country)) = 0
      THEN NULL
      ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(o.payee_country)), ', ')
    END AS destinations
  FROM crowds AS c
  JOIN sp AS o
    ON o.payer_account = c.subject
    AND o.payee_account IS DISTINCT FROM c.subject
    AND o.ts > c.ts
    AND o.ts <= c.ts + INTERVAL '72' HOUR
  GROUP BY ALL
  HAVING
    SUM(o.amt) >= CAST(0.7 AS DOUBLE) * c.collected
), counted AS (
  SELECT
    o.subject,
    o.ts,
    o.started,
    o.donations,
    o.collected,
    o.forwarded,
    o.last_out,
    o.out_txns,
    o.to_conflict_border,
    o.to_vasp,
    o.via_msb,
    o.withdrawals,
    o.destinations,
    COUNT(DISTINCT d.donor) AS donors,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(d.ts AS k0, d.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(d.ts AS k0, d.txn_id AS v))), s -> s.v)
    END AS in_txns
  FROM onward AS o
  JOIN donations AS d
    ON d.subject = o.subject AND d.ts BETWEEN o.started AND o.ts
  GROUP BY ALL
  HAVING
    COUNT(DISTINCT d.donor) >= 50
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '30' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST) AS gap
    FROM counted
  )
), best AS (
  SELECT
    subject,
    MAX_BY(STRUCT(e.*), STRUCT(e.donors AS k0, e.ts AS k1)) AS e,
    MIN(e.started) AS episode_start,
    MAX(e.last_out) AS episode_end,
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE
              WHEN SIZE(
                COLLECT_LIST(CONCAT(COALESCE(e.in_txns, ARRAY()), COALESCE(e.out_txns, ARRAY())))
              ) = 0
              THEN NULL
              ELSE COLLECT_LIST(CONCAT(COALESCE(e.in_txns, ARRAY()), COALESCE(e.out_txns, ARRAY())))
            END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    ) AS txns
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
    0.6 + CAST(0.1 * (
      CAST(e.forwarded AS DOUBLE) / CAST(e.collected AS DOUBLE) - CAST(0.7 AS DOUBLE)
    ) AS DOUBLE) / CAST(GREATEST(1.0 - CAST(0.7 AS DOUBLE), 0.01) AS DOUBLE) + CASE WHEN e.to_conflict_border > 0 THEN 0.15 ELSE 0 END + CASE WHEN e.to_vasp > 0 THEN 0.15 ELSE 0 END + CASE WHEN e.via_msb > 0 OR e.withdrawals > 0 THEN 0.05 ELSE 0 END
  ) AS score,
  txns AS evidence,
  e.started AS first_donation,
  e.last_out AS last_out,
  e.donations AS donations,
  e.donors AS donors,
  ROUND(e.collected, 2) AS collected,
  e.ts AS last_donation,
  ROUND(e.forwarded, 2) AS forwarded,
  ROUND(CAST(e.forwarded AS DOUBLE) / CAST(e.collected AS DOUBLE), 3) AS share,
  COALESCE(e.destinations, 'cash') AS destinations,
  e.to_conflict_border AS to_conflict_border,
  e.to_vasp AS to_vasp,
  e.via_msb AS via_msb,
  e.withdrawals AS withdrawals,
  CAST(500.0 AS DOUBLE) AS max_donation,
  72 AS onward_hours
FROM best
