WITH flows AS (
  SELECT
    payee_account AS subject,
    payer_account AS npo,
    payer_name AS npo_name,
    'from' AS direction,
    payee_occupation AS occupation,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    payer_is_npo
    AND payee_is_person
    AND payee_is_medical_professional
    AND amt >= CAST(1000.0 AS DOUBLE)
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
  UNION ALL
  SELECT
    payer_account,
    payee_account,
    payee_name,
    'to',
    payer_occupation,
    txn_id,
    ts,
    amt
  FROM sp
  WHERE
    payee_is_npo
    AND payer_is_person
    AND payer_is_medical_professional
    AND amt >= CAST(1000.0 AS DOUBLE)
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
), rolling AS (
  SELECT
    subject,
    npo,
    npo_name,
    occupation,
    txn_id,
    ts,
    COUNT(*) OVER w AS payments,
    MIN(ts) OVER w AS started,
    COLLECT_LIST(txn_id) OVER w AS txns,
    COLLECT_LIST(amt) OVER w AS amounts,
    COLLECT_LIST(CAST(UNIX_MICROS(ts) AS DOUBLE) / CAST(1000000.0 AS DOUBLE)) OVER w AS times,
    COUNT(*) FILTER(WHERE
      direction = 'from') OVER w AS paid_by_npo,
    COUNT(*) FILTER(WHERE
      direction = 'to') OVER w AS paid_to_npo
  FROM flows
  WINDOW w AS (
    PARTITION BY subject, npo
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '90' DAY PRECEDING AND CURRENT ROW
  )
), shaped AS (
  SELECT
    *,
    COALESCE(
      CAST(AGGREGATE(
        FILTER(amounts, v -> NOT v IS NULL),
        STRUCT(CAST(0 AS DOUBLE) AS n, CAST(0 AS DOUBLE) AS mean, CAST(0 AS DOUBLE) AS m2),
        (s, x) -> STRUCT(
          s.n + 1 AS n,
          s.mean + (
            x - s.mean
          ) / (
            s.n + 1
          ) AS mean,
          s.m2 + (
            x - (
              s.mean + (
                x - s.mean
              ) / (
                s.n + 1
              )
            )
          ) * (
            x - s.mean
          ) AS m2
        ),
        s -> CASE
          WHEN s.n = 0
          THEN NULL
          WHEN s.n = 1
          THEN CAST(0 AS DOUBLE)
          ELSE SQRT(s.m2 / s.n)
        END
      ) AS DOUBLE) / CAST(NULLIF(
        AGGREGATE(FILTER(amounts, v -> NOT v IS NULL), CAST(0 AS DOUBLE), (acc, x) -> acc + x) / SIZE(FILTER(amounts, v -> NOT v IS NULL)),
        0
      ) AS DOUBLE),
      0
    ) AS amount_cv,
    TRANSFORM(
      IF((
        SIZE(times) - 1
      ) < 1, ARRAY(), SEQUENCE(1, (
        SIZE(times) - 1
      ))),
      i -> times[i + 1 - 1] - times[i - 1]
    ) AS gaps
  FROM rolling
  WHERE
    payments >= 2
), hits AS (
  SELECT
    *,
    COALESCE(
      CAST(AGGREGATE(
        FILTER(gaps, v -> NOT v IS NULL),
        STRUCT(CAST(0 AS DOUBLE) AS n, CAST(0 AS DOUBLE) AS mean, CAST(0 AS DOUBLE) AS m2),
        (s, x) -> STRUCT(
          s.n + 1 AS n,
          s.mean + (
            x - s.mean
          ) / (
            s.n + 1
          ) AS mean,
          s.m2 + (
            x - (
              s.mean + (
                x - s.mean
              ) / (
                s.n + 1
              )
            )
          ) * (
            x - s.mean
          ) AS m2
        ),
        s -> CASE
          WHEN s.n = 0
          THEN NULL
          WHEN s.n = 1
          THEN CAST(0 AS DOUBLE)
          ELSE SQRT(s.m2 / s.n)
        END
      ) AS DOUBLE) / CAST(NULLIF(
        AGGREGATE(FILTER(gaps, v -> NOT v IS NULL), CAST(0 AS DOUBLE), (acc, x) -> acc + x) / SIZE(FILTER(gaps, v -> NOT v IS NULL)),
        0
      ) AS DOUBLE),
      0
    ) AS gap_cv
  FROM shaped
  WHERE
    NOT (
      amount_cv < CAST(0.02 AS DOUBLE)
      AND (
        SIZE(gaps) < 2
        OR COALESCE(
          CAST(AGGREGATE(
            FILTER(gaps, v -> NOT v IS NULL),
            STRUCT(CAST(0 AS DOUBLE) AS n, CAST(0 AS DOUBLE) AS mean, CAST(0 AS DOUBLE) AS m2),
            (s, x) -> STRUCT(
              s.n + 1 AS n,
              s.mean + (
                x - s.mean
              ) / (
                s.n + 1
              ) AS mean,
              s.m2 + (
                x - (
                  s.mean + (
                    x - s.mean
                  ) / (
                    s.n + 1
                  )
                )
              ) * (
                x - s.mean
              ) AS m2
            ),
            s -> CASE
              WHEN s.n = 0
              THEN NULL
              WHEN s.n = 1
              THEN CAST(0 AS DOUBLE)
              ELSE SQRT(s.m2 / s.n)
            END
          ) AS DOUBLE) / CAST(NULLIF(
            AGGREGATE(FILTER(gaps, v -> NOT v IS NULL), CAST(0 AS DOUBLE), (acc, x) -> acc + x) / SIZE(FILTER(gaps, v -> NOT v IS NULL)),
            0
          ) AS DOUBLE),
          0
        ) < CAST(0.25 AS DOUBLE)
      )
    )
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '90' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject, npo ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject, npo ORDER BY ts NULLS LAST) AS gap
    FROM hits
  )
)
SELECT
  subject,
  MAX_BY(started, STRUCT(payments AS k0, ts AS k1)) AS window_start,
  MAX(ts) AS window_end,
  LEAST(0.9, 0.45 + 0.1 * MAX(payments)) AS score,
  MAX_BY(txns, STRUCT(payments AS k0, ts AS k1)) AS evidence,
  npo,
  ANY_VALUE(npo_name) IGNORE NULLS AS npo_name,
  ANY_VALUE(occupation) IGNORE NULLS AS occupation,
  MAX(payments) AS payments,
  MAX_BY(paid_by_npo, STRUCT(payments AS k0, ts AS k1)) AS paid_by_npo,
  MAX_BY(paid_to_npo, STRUCT(payments AS k0, ts AS k1)) AS paid_to_npo,
  ROUND(
    MAX_BY(
      AGGREGATE(
        SLICE(FILTER(amounts, v -> NOT v IS NULL), 2, SIZE(FILTER(amounts, v -> NOT v IS NULL))),
        FILTER(amounts, v -> NOT v IS NULL)[0] + CAST(0 AS BIGINT),
        (acc, x) -> acc + x
      ),
      STRUCT(payments AS k0, ts AS k1)
    ),
    2
  ) AS total,
  ROUND(MAX_BY(amount_cv, STRUCT(payments AS k0, ts AS k1)), 2) AS amount_cv,
  90 AS window_days
FROM episodes
GROUP BY
  subject,
  npo,
  episode
