WITH candidate AS (
  SELECT
    payer_account,
    payee_account,
    txn_id,
    ts,
    amt,
    payee_name,
    payee_country,
    payer_country,
    payee_is_person,
    corridor,
    medical_text,
    medical_text
    OR LOWER(COALESCE(purpose, '')) RLIKE '(^|[^\\pL\\pN])(treat|medic|médic|surg|operation|hospital|clinic|clínic|klinik|patient|therap|transplant|trasplant|donation|donor|kidney|dialys|tedavi|ameliyat|tıbb|hastane|nakl|nakil|böbrek|tratamient|tratament|cirug|cirurg|traitement|chirurg|soins|behandlung|medizin|krankenhaus|niere|rinichi|riñ)' || '|(^|[^\\pL\\pN])organ([^\\pL]|$)' || '|лечени|лікуван|операци|медицин|больниц|клиник|пересадк|почк|علاج|طبي|جراح|مستشفى|زراعة|كلى|كلية|טיפול|רפואי|ניתוח|השתל|כליה|इलाज|उपचार|ऑपरेशन|अस्पताल|किडनी|प्रत्यारोपण|गुर्दा|آپریشن|گردہ' AS treatment_text,
    cross_border,
    cross_border AND payee_venue AS venue_abroad
  FROM sp
  WHERE
    payer_is_person
    AND NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND payer_account <> payee_account
    AND (
      payee_is_person OR cross_border
    )
    AND NOT payee_is_insurer
    AND NOT (
      payee_is_med
      AND COALESCE(mcc, '') IN (
        SELECT
          mcc
        FROM ref_role_mcc
        WHERE
          role = 'MED'
      )
    )
), rolling AS (
  SELECT
    *,
    SUM(amt) OVER w AS total,
    COUNT(*) OVER w AS payments,
    BOOL_OR(treatment_text) OVER w AS worded,
    BOOL_OR(medical_text) OVER w AS organ_words,
    COLLECT_LIST(txn_id) OVER w AS txns,
    MIN(ts) OVER w AS started
  FROM candidate
  WINDOW w AS (
    PARTITION BY payer_account, payee_account
    ORDER BY ts NULLS LAST
    RANGE BETWEEN INTERVAL '60' DAY PRECEDING AND CURRENT ROW
  )
), in_band AS (
  SELECT
    *
  FROM rolling
  WHERE
    total BETWEEN CAST(15000.0 AS DOUBLE) AND CAST(200000.0 AS DOUBLE)
    AND payments <= 3
), collectors AS (
  /* foreign entities collecting price-band sums from several individuals abroad */
  SELECT
    payee_account,
    COUNT(DISTINCT payer_account) AS band_payers
  FROM in_band
  WHERE
    cross_border AND NOT payee_is_person
  GROUP BY
    payee_account
), hits AS (
  SELECT
    b.*,
    COALESCE(c.band_payers, 0) AS band_payers
  FROM in_band AS b
  LEFT JOIN collectors AS c
    ON b.payee_account = c.payee_account
  WHERE
    b.worded
    OR (
      b.venue_abroad AND (
        b.payee_is_person OR c.band_payers >= 2
      )
    )
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '60' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY payer_account, payee_account ORDER BY ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      ts - LAG(ts) OVER (PARTITION BY payer_account, payee_account ORDER BY ts NULLS LAST) AS gap
    FROM hits
  )
)
SELECT
  payer_account AS subject,
  MIN(started) AS window_start,
  MAX_BY(ts, total) AS window_end,
  LEAST(
    1.0,
    0.5 + CASE WHEN BOOL_OR(organ_words) THEN 0.25 WHEN BOOL_OR(worded) THEN 0.15 ELSE 0 END + CASE WHEN BOOL_OR(venue_abroad) THEN 0.1 ELSE 0 END + CASE WHEN BOOL_OR(corridor) THEN 0.1 ELSE 0 END + CASE WHEN BOOL_OR(payee_is_person) THEN 0.05 ELSE 0 END
  ) AS score,
  MAX_BY(txns, total) AS evidence,
  ROUND(MAX(total), 2) AS total,
  MAX_BY(payments, total) AS payments,
  payee_account AS payee,
  ANY_VALUE(payee_name) IGNORE NULLS AS payee_name,
  ANY_VALUE(payee_country) IGNORE NULLS AS payee_country,
  CASE
    WHEN ANY_VALUE(payee_is_person) IGNORE NULLS
    THEN 'an individual'
    ELSE 'an entity'
  END AS payee_kind,
  CONCAT_WS(
    '; ',
    CASE
      WHEN BOOL_OR(worded)
      THEN 'the remittance text speaks of treatment, donation or transplantation'
    END,
    CASE
      WHEN BOOL_OR(venue_abroad)
      THEN 'the payee is abroad in a transplant-venue country'
    END,
    CASE
      WHEN MAX(band_payers) >= 2
      THEN 'the payee collected such sums from ' || MAX(band_payers) || ' individuals abroad'
    END,
    CASE
      WHEN BOOL_OR(corridor)
      THEN 'the payment runs on a known organ-trafficking corridor'
    END
  ) AS reasons
FROM episodes
GROUP BY
  payer_account,
  payee_account,
  episode
