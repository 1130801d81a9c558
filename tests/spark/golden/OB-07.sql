WITH travel AS (
  SELECT
    txn_id,
    ts,
    amt,
    payer_account AS sponsor,
    payer_country AS sponsor_country,
    payee_name,
    LOWER(purpose) AS text
  FROM sp
  WHERE
    payee_is_travel
    AND NOT purpose IS NULL
    AND NOT payer_account IS NULL
    AND payee_account IS DISTINCT FROM payer_account
), sponsors AS (
  SELECT DISTINCT
    sponsor
  FROM travel
), counterparts AS (
  SELECT DISTINCT
    s.payer_account AS sponsor,
    s.payee_account AS person
  FROM sp AS s
  JOIN sponsors
    ON sponsors.sponsor = s.payer_account
  WHERE
    s.payee_is_person AND NOT s.payee_account IS NULL
  UNION
  SELECT DISTINCT
    s.payee_account,
    s.payer_account
  FROM sp AS s
  JOIN sponsors
    ON sponsors.sponsor = s.payee_account
  WHERE
    s.payer_is_person AND NOT s.payer_account IS NULL
), named AS (
  SELECT
    t.sponsor,
    t.sponsor_country,
    t.txn_id,
    t.ts,
    t.amt,
    c.person,
    p.name AS traveller,
    p.country AS home
  FROM travel AS t
  JOIN counterparts AS c
    ON c.sponsor = t.sponsor AND c.person <> t.sponsor
  JOIN party AS p
    ON p.account = c.person
  WHERE
    p.is_person
    AND LENGTH(p.name) >= 6
    AND CONTAINS(t.text, LOWER(p.name))
    AND p.country IN (
      SELECT
        code
      FROM ref_country
      WHERE
        list = 'donor_source'
    )
    AND p.country IS DISTINCT FROM t.sponsor_country
), venue_pay AS (
  SELECT
    s.payer_account AS sponsor,
    s.payee_country AS venue,
    s.ts
  FROM sp AS s
  JOIN sponsors
    ON sponsors.sponsor = s.payer_account
  WHERE
    (
      s.payee_is_travel OR s.payee_is_med
    ) AND s.payee_venue
), trips AS (
  SELECT DISTINCT
    n.sponsor,
    v.venue,
    n.txn_id,
    n.ts,
    n.amt,
    n.person,
    n.traveller,
    n.home
  FROM named AS n
  JOIN venue_pay AS v
    ON v.sponsor = n.sponsor
    AND v.venue <> n.home
    AND v.ts BETWEEN n.ts - INTERVAL '45' DAY AND n.ts + INTERVAL '45' DAY
), windows AS (
  SELECT
    e.sponsor,
    e.venue,
    e.ts AS window_end,
    MIN(t.ts) AS window_start,
    COUNT(DISTINCT LOWER(t.traveller)) AS travellers,
    CASE
      WHEN SIZE(ARRAY_SORT(COLLECT_LIST(DISTINCT t.txn_id))) = 0
      THEN NULL
      ELSE ARRAY_SORT(COLLECT_LIST(DISTINCT t.txn_id))
    END AS evidence,
    CASE
      WHEN SIZE(ARRAY_SORT(COLLECT_LIST(DISTINCT t.traveller || ' (' || t.home || ')'))) = 0
      THEN NULL
      ELSE ARRAY_SORT(COLLECT_LIST(DISTINCT t.traveller || ' (' || t.home || ')'))
    END AS names,
    CASE
      WHEN SIZE(ARRAY_SORT(COLLECT_LIST(DISTINCT t.home))) = 0
      THEN NULL
      ELSE ARRAY_SORT(COLLECT_LIST(DISTINCT t.home))
    END AS homes
  FROM trips AS e
  JOIN trips AS t
    ON t.sponsor = e.sponsor
    AND t.venue = e.venue
    AND t.ts BETWEEN e.ts - INTERVAL '90' DAY AND e.ts
  GROUP BY
    e.sponsor,
    e.venue,
    e.ts
  HAVING
    COUNT(DISTINCT LOWER(t.traveller)) >= 3
), episodes AS (
  SELECT
    *,
    SUM(CASE WHEN gap IS NULL OR gap > INTERVAL '90' DAY THEN 1 ELSE 0 END) OVER (PARTITION BY sponsor ORDER BY window_end NULLS LAST, venue NULLS LAST) AS episode
  FROM (
    SELECT
      *,
      window_end - LAG(window_end) OVER (PARTITION BY sponsor ORDER BY window_end NULLS LAST, venue NULLS LAST) AS gap
    FROM windows
  )
), best AS (
  SELECT
    sponsor,
    episode,
    MAX_BY(venue, STRUCT(travellers AS k0, window_end AS k1)) AS venue,
    MAX_BY(window_start, STRUCT(travellers AS k0, window_end AS k1)) AS window_start,
    MAX_BY(window_end, STRUCT(travellers AS k0, window_end AS k1)) AS window_end,
    MAX(travellers) AS travellers,
    MAX_BY(evidence, STRUCT(travellers AS k0, window_end AS k1)) AS evidence,
    MAX_BY(names, STRUCT(travellers AS k0, window_end AS k1)) AS names,
    MAX_BY(homes, STRUCT(travellers AS k0, window_end AS k1)) AS homes
  FROM episodes
  GROUP BY
    sponsor,
    episode
), paid AS (
  SELECT
    b.sponsor,
    b.episode,
    SUM(t.amt) AS travel_total
  FROM best AS b
  CROSS JOIN LATERAL EXPLODE(b.evidence) AS u(txn)
  JOIN travel AS t
    ON t.txn_id = u.txn
  GROUP BY
    b.sponsor,
    b.episode
)
SELECT
  b.sponsor AS subject,
  b.window_start,
  b.window_end,
  LEAST(0.95, 0.45 + 0.1 * b.travellers) AS score,
  b.evidence,
  b.travellers,
  b.venue,
  ARRAY_JOIN(b.names, ', ') AS traveller_names,
  ARRAY_JOIN(b.homes, ', ') AS home_countries,
  ROUND(p.travel_total, 2) AS travel_total,
  90 AS window_days
FROM best AS b
JOIN paid AS p
  USING (sponsor, episode)
