WITH med_billing AS (
  /* hospitals and clinics: accounts paid under a medical merchant code */
  SELECT DISTINCT
    payee_account AS account
  FROM sp
  WHERE
    mcc IN (
      SELECT
        mcc
      FROM ref_role_mcc
      WHERE
        role = 'MED'
    )
    AND NOT payee_account IS NULL
), med_out AS (
  SELECT
    payer_account AS hub,
    payee_account AS counterparty,
    txn_id,
    ts,
    amt,
    payee_name AS name,
    'med' AS kind,
    payer_is_insurer AS insurer
  FROM sp
  WHERE
    payee_is_med
    AND NOT payee_is_person
    AND NOT payer_account IS NULL
    AND payer_account <> payee_account
), candidates AS (
  SELECT
    hub
  FROM med_out
  WHERE
    NOT insurer
  GROUP BY
    hub
  HAVING
    COUNT(DISTINCT counterparty) >= 2
), credits AS (
  SELECT
    s.payee_account AS hub,
    s.payer_account AS counterparty,
    s.txn_id,
    s.ts,
    s.amt,
    s.payer_name AS name,
    CASE WHEN s.payer_is_person THEN 'person' ELSE 'other' END AS kind,
    FALSE AS insurer
  FROM sp AS s
  JOIN candidates AS c
    ON c.hub = s.payee_account
  WHERE
    s.payer_account IS DISTINCT FROM s.payee_account
), events AS (
  SELECT
    *
  FROM credits
  UNION ALL
  SELECT
    m.*
  FROM med_out AS m
  JOIN candidates AS c
    ON m.hub = c.hub
), anchors AS (
  /* every 90-day window opening with an individual's payment into the account */
  SELECT DISTINCT
    hub,
    ts AS opens
  FROM credits
  WHERE
    kind = 'person'
), windows AS (
  SELECT
    a.hub,
    a.opens,
    COUNT(DISTINCT e.counterparty) FILTER(WHERE
      e.kind = 'person') AS individuals,
    COUNT(DISTINCT e.counterparty) FILTER(WHERE
      e.kind = 'med') AS institutions,
    COALESCE(SUM(e.amt) FILTER(WHERE
      e.kind = 'person'), 0) AS from_individuals,
    COALESCE(SUM(e.amt) FILTER(WHERE
      e.kind IN ('person', 'other')), 0) AS inflow,
    COALESCE(SUM(e.amt) FILTER(WHERE
      e.kind = 'med'), 0) AS to_institutions,
    MAX(e.ts) AS closes,
    CASE
      WHEN SIZE(
        TRANSFORM(
          ARRAY_SORT(
            COLLECT_LIST(STRUCT(e.ts AS k0, e.txn_id AS v)) FILTER(WHERE
              e.kind IN ('person', 'med'))
          ),
          s -> s.v
        )
      ) = 0
      THEN NULL
      ELSE TRANSFORM(
        ARRAY_SORT(
          COLLECT_LIST(STRUCT(e.ts AS k0, e.txn_id AS v)) FILTER(WHERE
            e.kind IN ('person', 'med'))
        ),
        s -> s.v
      )
    END AS txns,
    CASE
      WHEN SIZE(COLLECT_SET(CASE WHEN e.kind = 'med' THEN e.name END)) = 0
      THEN NULL
      ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(CASE WHEN e.kind = 'med' THEN e.name END)), ', ')
    END AS institution_names
  FROM anchors AS a
  JOIN events AS e
    ON e.hub = a.hub AND e.ts >= a.opens AND e.ts < a.opens + INTERVAL '90' DAY
  GROUP BY
    a.hub,
    a.opens
), hits AS (
  SELECT
    *
  FROM windows
  WHERE
    individuals >= 5
    AND institutions >= 2
    AND from_individuals >= CAST(15000.0 AS DOUBLE)
    AND from_individuals >= CAST(0.5 AS DOUBLE) * inflow
    AND NOT hub IN (
      SELECT
        account
      FROM med_billing
    )
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '90' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY hub ORDER BY opens NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      opens - LAG(opens) OVER (PARTITION BY hub ORDER BY opens NULLS LAST) AS gap
    FROM hits
  )
)
SELECT
  hub AS subject,
  MIN(opens) AS window_start, /* the episode starts with its first qualifying window (stable as the episode grows); figures */ /* are those of its strongest 90-day window */
  MAX(closes) AS window_end,
  LEAST(
    1.0,
    0.5 + 0.05 * (
      MAX(individuals) - 5
    ) + 0.1 * (
      MAX(institutions) - 2
    ) + CASE
      WHEN MAX(CAST(from_individuals AS DOUBLE) / CAST(individuals AS DOUBLE)) >= CAST(15000.0 AS DOUBLE)
      THEN 0.15
      ELSE 0
    END
  ) AS score,
  ARRAY_DISTINCT(
    FILTER(
      FLATTEN(
        FILTER(
          CASE WHEN SIZE(COLLECT_LIST(txns)) = 0 THEN NULL ELSE COLLECT_LIST(txns) END,
          v -> NOT v IS NULL
        )
      ),
      v -> NOT v IS NULL
    )
  ) AS evidence,
  MAX_BY(opens, STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)) AS best_start,
  MAX_BY(closes, STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)) AS best_end,
  MAX(individuals) AS individuals,
  MAX_BY(
    institutions,
    STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)
  ) AS institutions,
  ROUND(
    MAX_BY(
      from_individuals,
      STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)
    ),
    2
  ) AS from_individuals,
  ROUND(
    MAX_BY(
      CAST(from_individuals AS DOUBLE) / CAST(NULLIF(inflow, 0) AS DOUBLE),
      STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)
    ),
    4
  ) AS share,
  ROUND(
    MAX_BY(
      to_institutions,
      STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)
    ),
    2
  ) AS to_institutions,
  MAX_BY(
    institution_names,
    STRUCT(individuals AS k0, institutions AS k1, from_individuals AS k2)
  ) AS institution_names,
  90 AS within_days
FROM episodes
GROUP BY
  hub,
  episode
