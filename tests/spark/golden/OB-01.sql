WITH inflow AS (
  /* every individual's payment into an account, with that payer's running total over payer_days */
  SELECT
    payee_account AS hub,
    payer_account AS payer,
    ts,
    SUM(amt) OVER (
      PARTITION BY payee_account, payer_account
      ORDER BY ts NULLS LAST
      RANGE BETWEEN INTERVAL '60' DAY PRECEDING AND CURRENT ROW
    ) AS payer_total
  FROM sp
  WHERE
    payer_is_person
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
), crossed AS (
  SELECT
    hub,
    payer,
    ts,
    LAG(ts) OVER (PARTITION BY hub, payer ORDER BY ts NULLS LAST) AS previous
  FROM inflow
  WHERE
    payer_total >= CAST(15000.0 AS DOUBLE)
), large AS (
  /* one row per large payer per window: the moment its total first reached the floor */
  SELECT
    hub,
    payer,
    ts
  FROM crossed
  WHERE
    previous IS NULL OR ts - previous > INTERVAL '180' DAY
), gathered AS (
  SELECT
    hub,
    ts,
    COUNT(*) OVER w AS payers,
    MIN(ts) OVER w AS first_large
  FROM large
  WINDOW w AS (
    PARTITION BY hub
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '180' DAY PRECEDING AND CURRENT ROW
  )
), hits AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '180' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY hub ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY hub ORDER BY ts NULLS LAST) AS gap
    FROM gathered
    WHERE
      payers >= 3
  )
), episodes AS (
  SELECT
    hub,
    episode,
    MIN(first_large) - INTERVAL '60' DAY AS scope_start,
    MIN(first_large) AS window_start,
    LEAST(
      GREATEST(MAX(ts), MIN(first_large) + INTERVAL '180' DAY),
      CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP)
    ) AS window_end
  FROM hits
  GROUP BY
    hub,
    episode
), moves AS (
  /* the hub's credits and debits over the episode (instalments before the first large total included) */
  SELECT
    e.hub,
    e.episode,
    'in' AS dir,
    p.txn_id,
    p.ts,
    p.amt,
    p.payer_account AS counterparty,
    p.payer_is_person AS person,
    FALSE AS donor_band,
    FALSE AS med,
    FALSE AS travel
  FROM episodes AS e
  JOIN sp AS p
    ON p.payee_account = e.hub AND p.ts BETWEEN e.scope_start AND e.window_end
  WHERE
    p.payer_account IS DISTINCT FROM e.hub
  UNION ALL
  SELECT
    e.hub,
    e.episode,
    'out',
    p.txn_id,
    p.ts,
    p.amt,
    p.payee_account,
    p.payee_is_person,
    p.payee_is_person
    AND p.payee_donor_source
    AND p.amt BETWEEN CAST(500.0 AS DOUBLE) AND CAST(25000.0 AS DOUBLE),
    p.payee_is_med AND NOT p.payee_is_person,
    p.payee_is_travel AND NOT p.payee_is_person
  FROM episodes AS e
  JOIN sp AS p
    ON p.payer_account = e.hub AND p.ts BETWEEN e.scope_start AND e.window_end
  WHERE
    p.payee_account IS DISTINCT FROM e.hub
), large_in AS (
  SELECT DISTINCT
    m.hub,
    m.episode,
    m.counterparty
  FROM moves AS m
  JOIN large AS l
    ON l.hub = m.hub AND l.payer = m.counterparty
  JOIN episodes AS e
    ON e.hub = m.hub AND e.episode = m.episode
  WHERE
    m.dir = 'in' AND l.ts BETWEEN e.window_start AND e.window_end
), tallies AS (
  SELECT
    hub,
    episode,
    SUM(amt) FILTER(WHERE
      dir = 'in') AS inflow,
    SUM(amt) FILTER(WHERE
      dir = 'out') AS outflow,
    COALESCE(SUM(amt) FILTER(WHERE
      dir = 'out' AND donor_band), 0) AS donor_paid,
    COUNT(DISTINCT counterparty) FILTER(WHERE
      dir = 'out' AND donor_band) AS donors,
    COUNT(DISTINCT counterparty) FILTER(WHERE
      dir = 'out' AND med AND NOT donor_band) AS medical,
    COUNT(DISTINCT counterparty) FILTER(WHERE
      dir = 'out' AND travel AND NOT med AND NOT donor_band) AS travel,
    COUNT(DISTINCT counterparty) FILTER(WHERE
      dir = 'out' AND (
        donor_band OR med OR travel
      )) AS scattered,
    COUNT(DISTINCT counterparty) FILTER(WHERE
      large_payer) AS payers,
    SUM(amt) FILTER(WHERE
      large_payer) AS gathered,
    CASE
      WHEN SIZE(
        TRANSFORM(
          ARRAY_SORT(
            COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v)) FILTER(WHERE
              large_payer OR (
                dir = 'out' AND (
                  donor_band OR med OR travel
                )
              ))
          ),
          s -> s.v
        )
      ) = 0
      THEN NULL
      ELSE TRANSFORM(
        ARRAY_SORT(
          COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v)) FILTER(WHERE
            large_payer OR (
              dir = 'out' AND (
                donor_band OR med OR travel
              )
            ))
        ),
        s -> s.v
      )
    END AS evidence
  FROM (
    SELECT
      m.*,
      m.dir = 'in' AND NOT li.counterparty IS NULL AS large_payer
    FROM moves AS m
    LEFT JOIN large_in AS li
      ON m.counterparty = li.counterparty AND m.episode = li.episode AND m.hub = li.hub
  )
  GROUP BY
    hub,
    episode
)
SELECT
  t.hub AS subject,
  e.window_start,
  e.window_end,
  LEAST(
    1.0,
    0.55 + 0.05 * (
      t.payers - 3
    ) + CASE WHEN t.donors > 0 THEN 0.15 ELSE 0 END + CASE WHEN t.medical > 0 AND t.travel > 0 THEN 0.15 ELSE 0 END
  ) AS score,
  t.evidence,
  t.payers,
  ROUND(t.gathered, 2) AS gathered,
  ROUND(t.inflow, 2) AS inflow,
  ROUND(COALESCE(t.outflow, 0), 2) AS outflow,
  t.scattered,
  t.donors,
  t.medical,
  t.travel,
  ROUND(t.donor_paid, 2) AS donor_paid,
  ROUND(1 - CAST(COALESCE(t.outflow, 0) AS DOUBLE) / CAST(t.inflow AS DOUBLE), 4) AS kept,
  ROUND(CAST(t.donor_paid AS DOUBLE) / CAST(t.inflow AS DOUBLE), 4) AS donor_share
FROM tallies AS t
JOIN episodes AS e
  USING (hub, episode)
WHERE
  t.payers >= 3
  AND t.scattered >= 3
  AND 1 - CAST(COALESCE(t.outflow, 0) AS DOUBLE) / CAST(t.inflow AS DOUBLE) >= CAST(0.1 AS DOUBLE)
  AND CAST(t.donor_paid AS DOUBLE) / CAST(t.inflow AS DOUBLE) <= CAST(0.25 AS DOUBLE)
