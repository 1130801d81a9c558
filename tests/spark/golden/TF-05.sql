WITH findings AS (
  SELECT
    subject,
    rule_id,
    CAST(NULL AS TIMESTAMP) AS window_start,
    CAST(NULL AS TIMESTAMP) AS window_end
  FROM run_alerts
  WHERE
    rule_id IN ('OB-01', 'OB-04', 'OB-05', 'TF-01', 'TF-02', 'TF-03', 'ML-09')
  UNION ALL
  SELECT
    subject,
    rule_id,
    window_start,
    window_end
  FROM alerts
  WHERE
    rule_id IN ('OB-01', 'OB-04', 'OB-05', 'TF-01', 'TF-02', 'TF-03', 'ML-09')
    AND window_end >= CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP) - INTERVAL '180' DAY
), flagged AS (
  SELECT
    subject,
    ARRAY_SORT(
      CASE
        WHEN SIZE(COLLECT_LIST(DISTINCT rule_id) FILTER(WHERE
          rule_id LIKE 'OB-%')) = 0
        THEN NULL
        ELSE COLLECT_LIST(DISTINCT rule_id) FILTER(WHERE
          rule_id LIKE 'OB-%')
      END
    ) AS ob_rules,
    ARRAY_SORT(
      CASE
        WHEN SIZE(COLLECT_LIST(DISTINCT rule_id) FILTER(WHERE
          rule_id NOT LIKE 'OB-%')) = 0
        THEN NULL
        ELSE COLLECT_LIST(DISTINCT rule_id) FILTER(WHERE
          rule_id NOT LIKE 'OB-%')
      END
    ) AS tf_rules,
    MIN(window_start) FILTER(WHERE
      rule_id NOT LIKE 'OB-%') AS tf_start
  FROM findings
  GROUP BY
    subject
), finding_evidence AS (
  SELECT
    a.subject,
    e.txn_id
  FROM alerts AS a
  JOIN alert_evidence AS e
    ON a.alert_id = e.alert_id
  WHERE
    a.rule_id IN ('OB-01', 'OB-04', 'OB-05', 'TF-01', 'TF-02', 'TF-03', 'ML-09')
    AND a.window_end >= CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP) - INTERVAL '180' DAY
    AND a.subject IN (
      SELECT
        subject
      FROM flagged
      WHERE
        NOT ob_rules IS NULL
    )
), payouts AS (
  SELECT
    payer_account AS subject,
    txn_id,
    ts,
    amt,
    payee_country AS country
  FROM sp
  WHERE
    NOT payer_account IS NULL
    AND payee_conflict_border
    AND NOT payee_donor_source
    AND NOT payer_is_med
    AND payee_country IS DISTINCT FROM payer_country
    AND amt >= CAST(100.0 AS DOUBLE)
    AND amt <= CAST(5000.0 AS DOUBLE)
    AND ts >= CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP) - INTERVAL '180' DAY
    AND (
      channel IN ('msb', 'cash', 'crypto')
      OR COALESCE(mcc, '') IN ('4829', '6051')
      OR payee_is_msb
      OR payee_is_person
      OR payee_account IS NULL
    )
), repeated AS (
  SELECT
    subject,
    MIN(started) AS started,
    MAX(ts) AS ended
  FROM (
    SELECT
      subject,
      ts,
      COUNT(*) OVER w AS n,
      MIN(ts) OVER w AS started
    FROM payouts
    WINDOW w AS (
      PARTITION BY subject
      ORDER BY ts NULLS LAST
      RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
    )
  )
  WHERE
    n >= 3
  GROUP BY
    subject
), candidates AS (
  SELECT
    COALESCE(f.subject, r.subject) AS subject,
    COALESCE(LEAST(f.tf_start, r.started), CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP)) AS since
  FROM flagged AS f
  FULL JOIN repeated AS r
    ON r.subject = f.subject
), inflows AS (
  SELECT
    i.payee_account AS subject,
    i.payer_account AS payer,
    i.txn_id,
    i.ts,
    i.amt,
    c.since,
    SUM(i.amt) OVER (
      PARTITION BY i.payee_account, i.payer_account
      ORDER BY i.ts NULLS LAST
      RANGE BETWEEN INTERVAL '60' DAY PRECEDING AND CURRENT ROW
    ) AS cumulative
  FROM sp AS i
  JOIN candidates AS c
    ON c.subject = i.payee_account
  WHERE
    NOT i.payer_account IS NULL
    AND i.payer_account <> i.payee_account
    AND i.ts >= c.since - INTERVAL '180' DAY
), big_payers AS (
  SELECT
    subject,
    payer
  FROM inflows
  GROUP BY ALL
  HAVING
    MAX(cumulative) >= CAST(15000.0 AS DOUBLE)
), hubs AS (
  SELECT
    b.subject,
    COUNT(DISTINCT b.payer) AS payers,
    SUM(i.amt) AS gathered,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(i.ts AS k0, i.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(i.ts AS k0, i.txn_id AS v))), s -> s.v)
    END AS in_txns
  FROM big_payers AS b
  JOIN inflows AS i
    ON i.subject = b.subject AND i.payer = b.payer
  WHERE
    EXISTS(
      SELECT
        1
      FROM sp AS m
      WHERE
        m.payer_account = b.subject
        AND (
          m.payee_is_med OR m.payee_is_travel
        )
        AND m.ts >= i.since - INTERVAL '180' DAY
    )
  GROUP BY
    b.subject
  HAVING
    COUNT(DISTINCT b.payer) >= 3
), paid_out AS (
  SELECT
    r.subject,
    r.started,
    COUNT(*) AS payouts,
    SUM(p.amt) AS paid_out,
    CASE
      WHEN SIZE(TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(p.ts AS k0, p.txn_id AS v))), s -> s.v)) = 0
      THEN NULL
      ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(p.ts AS k0, p.txn_id AS v))), s -> s.v)
    END AS out_txns,
    CASE
      WHEN SIZE(COLLECT_SET(p.country)) = 0
      THEN NULL
      ELSE ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(p.country)), ', ')
    END AS countries
  FROM repeated AS r
  JOIN payouts AS p
    ON p.subject = r.subject AND p.ts BETWEEN r.started AND r.ended
  GROUP BY
    r.subject,
    r.started
), nexus AS (
  SELECT
    COALESCE(f.subject, p.subject) AS subject,
    f.ob_rules,
    f.tf_rules,
    LEAST(f.tf_start, p.started) AS tf_start,
    h.payers,
    h.gathered,
    h.in_txns,
    p.payouts,
    p.paid_out,
    p.out_txns,
    p.countries
  FROM flagged AS f
  FULL JOIN paid_out AS p
    ON p.subject = f.subject
  LEFT JOIN hubs AS h
    ON h.subject = COALESCE(f.subject, p.subject)
  WHERE
    (
      NOT f.ob_rules IS NULL OR NOT h.subject IS NULL
    )
    AND (
      NOT f.tf_rules IS NULL OR NOT p.subject IS NULL
    )
), evidence AS (
  SELECT
    n.subject,
    ARRAY_DISTINCT(
      FILTER(
        FLATTEN(
          FILTER(
            ARRAY(
              COALESCE(n.in_txns, ARRAY()),
              COALESCE(n.out_txns, ARRAY()),
              COALESCE(
                CASE
                  WHEN SIZE(COLLECT_LIST(fe.txn_id)) = 0
                  THEN NULL
                  ELSE COLLECT_LIST(fe.txn_id)
                END,
                ARRAY()
              )
            ),
            v -> NOT v IS NULL
          )
        ),
        v -> NOT v IS NULL
      )
    ) AS txns
  FROM nexus AS n
  LEFT JOIN finding_evidence AS fe
    ON n.subject = fe.subject
  GROUP BY
    n.subject,
    n.in_txns,
    n.out_txns
), span AS (
  SELECT
    v.subject,
    v.txns,
    MIN(s.ts) AS started,
    MAX(s.ts) AS ended
  FROM evidence AS v
  CROSS JOIN LATERAL EXPLODE(v.txns) AS u(txn_id)
  JOIN sp AS s
    ON s.txn_id = u.txn_id
  GROUP BY
    v.subject,
    v.txns
)
SELECT
  n.subject,
  COALESCE(n.tf_start, s.started) AS window_start,
  s.ended AS window_end,
  LEAST(
    1.0,
    0.75 + CASE WHEN NOT n.ob_rules IS NULL THEN 0.1 ELSE 0 END + CASE WHEN NOT n.tf_rules IS NULL THEN 0.1 ELSE 0 END + CASE WHEN NOT n.payouts IS NULL THEN 0.05 ELSE 0 END
  ) AS score,
  s.txns AS evidence,
  CASE
    WHEN NOT n.ob_rules IS NULL
    THEN 'findings of ' || ARRAY_JOIN(n.ob_rules, ', ')
    ELSE 'large payments from several payers while it paid medical or travel providers'
  END AS organ_side,
  CONCAT_WS(
    ' and ',
    CASE
      WHEN NOT n.tf_rules IS NULL
      THEN 'findings of ' || ARRAY_JOIN(n.tf_rules, ', ')
    END,
    CASE
      WHEN NOT n.payouts IS NULL
      THEN 'payments into jurisdictions bordering conflict zones (' || n.countries || ')'
    END
  ) AS terror_side,
  COALESCE(n.payouts, 0) AS payouts,
  ROUND(COALESCE(n.paid_out, 0), 2) AS paid_out,
  COALESCE(n.payers, 0) AS payers,
  ROUND(COALESCE(n.gathered, 0), 2) AS gathered,
  CAST(15000.0 AS DOUBLE) AS min_paid,
  CAST(100.0 AS DOUBLE) AS min_payout,
  CAST(5000.0 AS DOUBLE) AS max_payout,
  30 AS payout_days,
  60 AS pay_days
FROM nexus AS n
JOIN span AS s
  USING (subject)
