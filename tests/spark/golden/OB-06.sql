WITH med_billing AS (
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
), bulk AS (
  SELECT
    payer_account,
    payee_account,
    txn_id,
    ts,
    amt,
    payer_name,
    payer_country,
    payee_name,
    payee_country,
    corridor,
    payer_is_person
  FROM sp
  WHERE
    payee_is_med
    AND NOT payee_is_person
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
    AND /* an institution: billed under a medical merchant code, or a medical name that is not a travel business */ (
      payee_account IN (
        SELECT
          account
        FROM med_billing
      )
      OR NOT payee_is_travel
    )
    AND cross_border
    AND NOT payer_is_insurer
    AND amt BETWEEN CAST(10000.0 AS DOUBLE) AND CAST(150000.0 AS DOUBLE)
    AND NOT payer_account IN (
      SELECT
        account
      FROM med_billing
    )
), rolling AS (
  SELECT
    *,
    COUNT(*) OVER w AS payments,
    SUM(amt) OVER w AS total,
    COLLECT_LIST(txn_id) OVER w AS txns,
    MIN(ts) OVER w AS started
  FROM bulk
  WINDOW w AS (
    PARTITION BY payer_account, payee_account
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '180' DAY PRECEDING AND CURRENT ROW
  )
), hits AS (
  SELECT
    *
  FROM rolling
  WHERE
    payments >= 3
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '180' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY payer_account, payee_account ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY payer_account, payee_account ORDER BY ts NULLS LAST) AS gap
    FROM hits
  )
), found AS (
  SELECT
    payer_account,
    payee_account,
    MIN(started) AS window_start,
    MAX(ts) AS window_end,
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
    MAX(payments) AS most_within_window,
    BOOL_OR(corridor) AS corridor,
    ANY_VALUE(payer_is_person) IGNORE NULLS AS payer_is_person,
    ANY_VALUE(payee_name) IGNORE NULLS AS institution_name,
    ANY_VALUE(payee_country) IGNORE NULLS AS institution_country,
    ANY_VALUE(payer_country) IGNORE NULLS AS payer_country
  FROM episodes
  GROUP BY
    payer_account,
    payee_account,
    episode
)
SELECT
  f.payer_account AS subject,
  f.window_start,
  f.window_end,
  LEAST(
    1.0,
    0.55 + 0.05 * (
      f.most_within_window - 3
    ) + CASE WHEN f.corridor THEN 0.15 ELSE 0 END + CASE WHEN f.payer_is_person THEN 0.1 ELSE 0 END
  ) AS score,
  f.evidence,
  SIZE(f.evidence) AS payments,
  f.most_within_window,
  ROUND(
    (
      SELECT
        SUM(b.amt)
      FROM bulk AS b
      WHERE
        CASE
          WHEN SIZE(f.evidence) = 0
          THEN FALSE
          ELSE ARRAY_CONTAINS(FILTER(f.evidence, v -> NOT v IS NULL), b.txn_id)
        END
    ),
    2
  ) AS total,
  f.payee_account AS institution,
  f.institution_name,
  f.institution_country,
  f.payer_country,
  CASE WHEN f.payer_is_person THEN 'An individual' ELSE 'An organisation' END AS payer_kind,
  180 AS within_days
FROM found AS f
