WITH texts AS (
  /* Workaround until the reference data carries treatment words: whole words, as in medical_terms. */
  SELECT
    *,
    LOWER(purpose) RLIKE '(^|[^\\pL\\pN])(treatment|medical|surgery|operation|hospital|clinic|tratament|tratamento|tratamiento|' || 'médicaux|médical|médico|chirurgie|behandlung|behandlungskosten|tedavi|tedavisi|ameliyat|лечение|лечения|' || 'операция|лікування|טיפול|רפואי|ניתוח|علاج|عملية|جراحة|इलाज|ऑपरेशन|علاج|آپریشن)([^\\pL\\pN]|$)' AS treatment_text
  FROM sp
  WHERE
    NOT purpose IS NULL
), worded AS (
  SELECT
    txn_id,
    ts,
    amt,
    payer_account,
    payee_account,
    purpose,
    medical_text AS transplant_word
  FROM texts
  WHERE
    (
      (
        medical_text AND amt >= CAST(200.0 AS DOUBLE)
      )
      OR (
        treatment_text AND amt >= CAST(10000.0 AS DOUBLE)
      )
    )
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
    AND (
      (
        payer_is_person AND payee_is_person
      )
      OR channel IN ('msb', 'crypto')
      OR COALESCE(mcc, '') IN ('4829', '6051')
    )
), sides AS (
  SELECT
    payer_account AS subject,
    'paid' AS direction,
    payee_account AS counterpart,
    txn_id,
    ts,
    amt,
    purpose,
    transplant_word
  FROM worded
  UNION ALL
  SELECT
    payee_account,
    'received',
    payer_account,
    txn_id,
    ts,
    amt,
    purpose,
    transplant_word
  FROM worded
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '90' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY subject ORDER BY ts NULLS LAST, txn_id NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY subject ORDER BY ts NULLS LAST, txn_id NULLS LAST) AS gap
    FROM sides
  )
), quoted AS (
  /* A text is quoted once, where the episode first uses it. */
  SELECT
    *,
    ROW_NUMBER() OVER (PARTITION BY subject, episode, purpose ORDER BY ts NULLS LAST, txn_id NULLS LAST) = 1 AS first_use
  FROM episodes
)
SELECT
  subject,
  MIN(ts) AS window_start,
  MAX(ts) AS window_end,
  LEAST(
    1.0,
    CASE
      WHEN BOOL_OR(transplant_word)
      THEN CAST(0.8 AS DOUBLE)
      ELSE CAST(0.6 AS DOUBLE)
    END + CAST(0.05 AS DOUBLE) * (
      COUNT(*) - 1
    )
  ) AS score,
  CASE
    WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)) = 0
    THEN NULL
    ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(ts AS k0, txn_id AS v))), s -> s.v)
  END AS evidence,
  COUNT(*) AS transfers,
  COUNT(*) FILTER(WHERE
    transplant_word) AS transplant_transfers,
  COUNT(*) FILTER(WHERE
    direction = 'paid') AS paid,
  COUNT(*) FILTER(WHERE
    direction = 'received') AS received,
  ROUND(SUM(amt), 2) AS total,
  COUNT(DISTINCT counterpart) AS counterparts,
  CAST(10000.0 AS DOUBLE) AS treatment_min_amount,
  ARRAY_JOIN(
    SLICE(
      CASE
        WHEN SIZE(
          TRANSFORM(
            ARRAY_SORT(
              COLLECT_LIST(STRUCT(ts AS k0, txn_id AS k1, purpose AS k2, '"' || purpose || '"' AS v)) FILTER(WHERE
                first_use)
            ),
            s -> s.v
          )
        ) = 0
        THEN NULL
        ELSE TRANSFORM(
          ARRAY_SORT(
            COLLECT_LIST(STRUCT(ts AS k0, txn_id AS k1, purpose AS k2, '"' || purpose || '"' AS v)) FILTER(WHERE
              first_use)
          ),
          s -> s.v
        )
      END,
      1,
      4
    ),
    ', '
  ) AS texts
FROM quoted
GROUP BY
  subject,
  episode
