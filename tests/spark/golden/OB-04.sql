WITH steps AS (
  SELECT
    payer_account AS payer,
    payer_name,
    payer_country,
    payer_is_person,
    txn_id,
    ts,
    amt,
    payee_account,
    payee_name,
    payee_country,
    cross_border,
    purpose,
    CASE
      WHEN payee_is_lab
      OR LOWER(COALESCE(purpose, '')) RLIKE 'hla|crossmatch|cross-match|cross match|tissue typing|kreuzprobe|typage hla|doku tipleme'
      THEN 'lab'
      WHEN payee_is_travel
      THEN 'travel'
      WHEN payee_is_med AND cross_border
      THEN 'hospital'
    END AS step,
    NOT payer_is_person
    OR (
      NOT purpose IS NULL
      AND purpose RLIKE '(pax|for|guest|für|pour|para|/)\\s+\\pL'
      AND NOT CONTAINS(LOWER(purpose), LOWER(COALESCE(payer_name, '')))
    ) AS covers_other
  FROM sp
  WHERE
    NOT payer_account IS NULL
    AND NOT payee_account IS NULL
    AND NOT payee_is_person
    AND (
      payee_is_lab OR payee_is_travel OR payee_is_med OR NOT purpose IS NULL
    )
), marked AS (
  SELECT
    *
  FROM steps
  WHERE
    NOT step IS NULL
), links AS (
  /* individuals who paid a hub a large sum: their own steps count for the hub too */
  SELECT DISTINCT
    m.txn_id,
    l.payee_account AS hub
  FROM marked AS m
  JOIN sp AS l
    ON l.payer_account = m.payer
  WHERE
    m.payer_is_person
    AND l.payer_is_person
    AND l.amt >= CAST(5000.0 AS DOUBLE)
    AND NOT l.payee_account IS NULL
    AND l.payee_account <> m.payee_account
    AND NOT (
      l.payee_is_med OR l.payee_is_travel OR l.payee_is_insurer
    )
    AND l.ts BETWEEN m.ts - INTERVAL '60' DAY AND m.ts
), grouped AS (
  SELECT
    m.*,
    m.payer AS actor,
    TRUE AS own
  FROM marked AS m
  UNION ALL
  SELECT
    m.*,
    k.hub AS actor,
    FALSE AS own
  FROM marked AS m
  JOIN links AS k
    ON m.txn_id = k.txn_id
), sequences AS (
  SELECT
    l.actor,
    l.txn_id AS lab_txn,
    l.ts AS lab_ts,
    h.txn_id AS hospital_txn,
    h.ts AS hospital_ts,
    h.payee_name AS hospital,
    h.payee_country AS hospital_country,
    l.payee_name AS lab,
    l.own AND h.own AS all_own,
    l.own OR h.own AS some_own,
    l.covers_other AS lab_covers_other
  FROM grouped AS l
  JOIN grouped AS h
    ON h.actor = l.actor AND h.ts > l.ts AND h.ts <= l.ts + INTERVAL '45' DAY
  WHERE
    l.step = 'lab' AND h.step = 'hospital'
), with_travel AS (
  SELECT
    s.actor,
    s.lab_txn,
    s.hospital_txn,
    ANY_VALUE(s.lab_ts) IGNORE NULLS AS lab_ts,
    ANY_VALUE(s.hospital_ts) IGNORE NULLS AS hospital_ts,
    ANY_VALUE(s.hospital) IGNORE NULLS AS hospital,
    ANY_VALUE(s.hospital_country) IGNORE NULLS AS hospital_country,
    ANY_VALUE(s.lab) IGNORE NULLS AS lab,
    COUNT(*) AS travel_payments,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(t.ts AS k0, t.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(t.ts AS k0, t.txn_id AS v))), s -> s.v)
    END AS travel_txns,
    BOOL_OR(t.cross_border AND t.payee_country = s.hospital_country) AS travel_to_venue,
    BOOL_OR(
      COALESCE(t.purpose, '') RLIKE '(for|pax|für|pour|para|için)\\s+[^,;/]+[,;/&]\\s*\\S'
    ) AS several_named,
    BOOL_OR(t.covers_other) OR ANY_VALUE(s.lab_covers_other) IGNORE NULLS AS others_covered,
    BOOL_AND(s.all_own AND t.own) AS one_payer,
    BOOL_OR(s.some_own OR t.own) AS actor_pays
  FROM sequences AS s
  JOIN grouped AS t
    ON t.actor = s.actor
    AND t.step = 'travel'
    AND t.ts > s.lab_ts
    AND t.ts < s.hospital_ts
  GROUP BY
    s.actor,
    s.lab_txn,
    s.hospital_txn
), hits AS (
  SELECT
    *
  FROM with_travel
  WHERE
    actor_pays AND (
      travel_payments >= 2 OR travel_to_venue OR several_named
    )
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '45' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY actor ORDER BY lab_ts NULLS LAST, hospital_ts NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      lab_ts - LAG(lab_ts) OVER (PARTITION BY actor ORDER BY lab_ts NULLS LAST, hospital_ts NULLS LAST) AS gap
    FROM hits
  )
)
SELECT
  actor AS subject,
  MIN(lab_ts) AS window_start,
  MAX(hospital_ts) AS window_end,
  LEAST(
    1.0,
    0.6 + CASE WHEN BOOL_OR(others_covered) THEN 0.15 ELSE 0 END + CASE WHEN BOOL_OR(travel_to_venue) THEN 0.1 ELSE 0 END + CASE WHEN COUNT(DISTINCT lab_txn) >= 2 THEN 0.1 ELSE 0 END - CASE WHEN BOOL_AND(one_payer) THEN 0 ELSE 0.1 END
  ) AS score,
  ARRAY_DISTINCT(
    FILTER(
      FLATTEN(
        FILTER(
          CASE
            WHEN SIZE(COLLECT_LIST(ARRAY(lab_txn, hospital_txn) || travel_txns)) = 0
            THEN NULL
            ELSE COLLECT_LIST(ARRAY(lab_txn, hospital_txn) || travel_txns)
          END,
          v -> NOT v IS NULL
        )
      ),
      v -> NOT v IS NULL
    )
  ) AS evidence,
  COUNT(DISTINCT lab_txn) AS labs_paid,
  COUNT(DISTINCT hospital_txn) AS hospitals_paid,
  SIZE(
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            CASE
              WHEN SIZE(COLLECT_LIST(travel_txns)) = 0
              THEN NULL
              ELSE COLLECT_LIST(travel_txns)
            END,
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    )
  ) AS travel_paid,
  CASE
    WHEN SIZE(COLLECT_SET(hospital || ' (' || hospital_country || ')')) = 0
    THEN NULL
    ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(hospital || ' (' || hospital_country || ')')), ', ')
  END AS hospitals,
  CASE
    WHEN SIZE(COLLECT_SET(lab)) = 0
    THEN NULL
    ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(lab)), ', ')
  END AS labs,
  CASE
    WHEN BOOL_AND(one_payer)
    THEN 'itself'
    ELSE 'itself and individuals who paid it'
  END AS paid_by,
  CASE
    WHEN BOOL_OR(others_covered)
    THEN ', covering persons other than the payer'
    ELSE ''
  END AS covering,
  45 AS within_days
FROM episodes
GROUP BY
  actor,
  episode
