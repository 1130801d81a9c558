-- country_flag
SELECT
  code,
  BOOL_OR(list = 'donor_source') AS donor_source,
  BOOL_OR(list = 'transplant_venue') AS venue,
  BOOL_OR(list = 'recipient_origin') AS recipient_origin,
  BOOL_OR(list = 'conflict_border') AS conflict_border,
  BOOL_OR(list = 'fatf_call_for_action') AS fatf_call,
  BOOL_OR(list = 'fatf_increased_monitoring') AS fatf_grey,
  BOOL_OR(list = 'unregulated_vasp') AS unregulated_vasp
FROM ref_country
GROUP BY
  code;

-- corridor_pair
SELECT
  origin AS a,
  venue AS b
FROM ref_corridor
UNION
SELECT
  venue,
  donor
FROM ref_corridor;

-- party
WITH side AS (
  SELECT
    payee_account AS account,
    payee_name AS name,
    payee_type AS type,
    payee_country AS country,
    mcc
  FROM (
    SELECT
      *
      EXCEPT (batch_id, source_file, source_row)
    FROM payments
    WHERE
      ts >= CAST('2026-01-01 00:00:00' AS TIMESTAMP)
      AND ts <= CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP)
  )
  WHERE
    NOT payee_account IS NULL
  UNION ALL
  SELECT
    payer_account,
    payer_name,
    payer_type,
    payer_country,
    NULL
  FROM (
    SELECT
      *
      EXCEPT (batch_id, source_file, source_row)
    FROM payments
    WHERE
      ts >= CAST('2026-01-01 00:00:00' AS TIMESTAMP)
      AND ts <= CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP)
  )
  WHERE
    NOT payer_account IS NULL
), seen AS (
  SELECT
    side.account,
    FIRST(side.name) AS name,
    MODE(side.type) AS type,
    MODE(side.country) AS country,
    (
      BOOL_OR(mcc_role.role = 'MED')
      OR COALESCE(
        LOWER(FIRST(side.name)) RLIKE '(^|[^\\pL\\pN])(krankenhaus|laboratoire|diagnostics|laboratory|diagnostic|transplant|nephrology|hastanesi|clinique|hospital|ospedale|dialysis|surgical|больница|clinica|clínica|hôpital|hastane|medical|medizin|médical|surgery|अस्पताल|клиника|clinic|klinik|tissue|مستشفى|labor|عيادة|labs|lab|hla)([^\\pL\\pN]|$)',
        FALSE
      )
    ) AS is_med,
    (
      BOOL_OR(mcc_role.role = 'LAB')
      OR COALESCE(
        LOWER(FIRST(side.name)) RLIKE '(^|[^\\pL\\pN])(laboratoire|diagnostics|laboratory|diagnostic|crossmatch|genetics|tissue|labor|labs|lab|hla)([^\\pL\\pN]|$)',
        FALSE
      )
    ) AS is_lab,
    (
      BOOL_OR(mcc_role.role = 'TRAVEL')
      OR COALESCE(
        LOWER(FIRST(side.name)) RLIKE '(^|[^\\pL\\pN])(airlines|travels|tourism|airline|airways|voyages|seyahat|travel|hotels|reisen|viajes|turizm|tours|hotel)([^\\pL\\pN]|$)',
        FALSE
      )
    ) AS is_travel,
    (
      BOOL_OR(mcc_role.role = 'NPO')
      OR COALESCE(
        LOWER(FIRST(side.name)) RLIKE '(^|[^\\pL\\pN])(association|foundation|charitable|fondation|fundación|stiftung|charity|relief|vakfı|جمعية|aid|ngo)([^\\pL\\pN]|$)',
        FALSE
      )
    ) AS is_npo,
    (
      BOOL_OR(mcc_role.role = 'MSB')
      OR COALESCE(
        LOWER(FIRST(side.name)) RLIKE '(^|[^\\pL\\pN])(money\\ transfer|western\\ union|remittance|moneygram|exchange|hawala|wallet|forex)([^\\pL\\pN]|$)',
        FALSE
      )
    ) AS is_msb,
    (
      BOOL_OR(mcc_role.role = 'INSURER')
      OR COALESCE(
        LOWER(FIRST(side.name)) RLIKE '(^|[^\\pL\\pN])(versicherung|health\\ plan|insurance|assurance|insurer|seguros|sigorta|takaful|mutual)([^\\pL\\pN]|$)',
        FALSE
      )
    ) AS is_insurer
  FROM side
  LEFT JOIN ref_role_mcc AS mcc_role
    ON mcc_role.mcc = side.mcc
  GROUP BY
    side.account
), kyc AS (
  SELECT
    account,
    FIRST(holder_type) AS holder_type,
    FIRST(occupation) AS occupation,
    FIRST(country) AS country
  FROM accounts
  GROUP BY
    account
)
SELECT
  seen.account,
  seen.name,
  COALESCE(kyc.holder_type, seen.type) = 'person' AS is_person,
  COALESCE(seen.is_med, FALSE) AS is_med,
  COALESCE(seen.is_lab, FALSE) AS is_lab,
  COALESCE(seen.is_travel, FALSE) AS is_travel,
  COALESCE(seen.is_npo, FALSE) AS is_npo,
  COALESCE(seen.is_msb, FALSE) AS is_msb,
  COALESCE(seen.is_insurer, FALSE) AS is_insurer,
  kyc.occupation,
  COALESCE(kyc.holder_type, seen.type) = 'person'
  AND COALESCE(
    LOWER(kyc.occupation) RLIKE '(^|[^\\pL\\pN])(anesthesiologist|lab\\ technician|haematologist|nephrologist|anaesthetist|hematologist|cardiologist|anesthetist|pathologist|radiologist|transplant|pharmacist|laboratory|physician|urologist|clinician|paramedic|surgeon|medical|dentist|doctor|nurse)([^\\pL\\pN]|$)',
    FALSE
  ) AS is_medical_professional,
  COALESCE(seen.country, kyc.country) AS country
FROM seen
LEFT JOIN kyc
  USING (account);

-- sp
SELECT
  s.*
  EXCEPT (amount_base),
  CAST(s.amount_base AS DOUBLE) AS amt,
  COALESCE(payer_party.is_person, FALSE) AS payer_is_person,
  COALESCE(payer_party.is_med, FALSE) AS payer_is_med,
  COALESCE(payer_party.is_lab, FALSE) AS payer_is_lab,
  COALESCE(payer_party.is_travel, FALSE) AS payer_is_travel,
  COALESCE(payer_party.is_npo, FALSE) AS payer_is_npo,
  COALESCE(payer_party.is_msb, FALSE) AS payer_is_msb,
  COALESCE(payer_party.is_insurer, FALSE) AS payer_is_insurer,
  COALESCE(payer_party.is_medical_professional, FALSE) AS payer_is_medical_professional,
  payer_party.occupation AS payer_occupation,
  COALESCE(payer_flags.donor_source, FALSE) AS payer_donor_source,
  COALESCE(payer_flags.venue, FALSE) AS payer_venue,
  COALESCE(payer_flags.recipient_origin, FALSE) AS payer_recipient_origin,
  COALESCE(payer_flags.conflict_border, FALSE) AS payer_conflict_border,
  COALESCE(payer_flags.fatf_call, FALSE) AS payer_fatf_call,
  COALESCE(payer_flags.fatf_grey, FALSE) AS payer_fatf_grey,
  COALESCE(payer_flags.unregulated_vasp, FALSE) AS payer_unregulated_vasp,
  COALESCE(payee_party.is_person, FALSE) AS payee_is_person,
  COALESCE(payee_party.is_med, FALSE) AS payee_is_med,
  COALESCE(payee_party.is_lab, FALSE) AS payee_is_lab,
  COALESCE(payee_party.is_travel, FALSE) AS payee_is_travel,
  COALESCE(payee_party.is_npo, FALSE) AS payee_is_npo,
  COALESCE(payee_party.is_msb, FALSE) AS payee_is_msb,
  COALESCE(payee_party.is_insurer, FALSE) AS payee_is_insurer,
  COALESCE(payee_party.is_medical_professional, FALSE) AS payee_is_medical_professional,
  payee_party.occupation AS payee_occupation,
  COALESCE(payee_flags.donor_source, FALSE) AS payee_donor_source,
  COALESCE(payee_flags.venue, FALSE) AS payee_venue,
  COALESCE(payee_flags.recipient_origin, FALSE) AS payee_recipient_origin,
  COALESCE(payee_flags.conflict_border, FALSE) AS payee_conflict_border,
  COALESCE(payee_flags.fatf_call, FALSE) AS payee_fatf_call,
  COALESCE(payee_flags.fatf_grey, FALSE) AS payee_fatf_grey,
  COALESCE(payee_flags.unregulated_vasp, FALSE) AS payee_unregulated_vasp,
  NOT s.payer_country IS NULL
  AND NOT s.payee_country IS NULL
  AND s.payer_country <> s.payee_country AS cross_border,
  NOT s.purpose IS NULL
  AND LOWER(s.purpose) RLIKE '(^|[^\\pL\\pN])(transplantation|transplantation|transplantation|трансплантация|трансплантація|tissue\\ typing|cross\\-match|nephrectomy|transplante|organspende|organ\\ nakli|प्रत्यारोपण|प्रत्यारोपण|transplant|crossmatch|trasplante|transplant|غسيل\\ الكلى|پیوند\\ کاری|recipient|пересадка|donation|dialysis|diálisis|मिर्गौला|donneur|dialyse|donante|diálise|spender|dialyse|diyaliz|rinichi|donator|dializă|kidney|greffe|organe|órgano|organo|doador|böbrek|bobrek|диализ|गुर्दा|liver|organ|donor|graft|riñón|rinon|órgão|niere|nakil|donör|почка|донор|нирка|донор|השתלה|زراعة|متبرع|किडनी|rein|כליה|תורם|كلية|दाता|گردہ|عطیہ|hla|rim|زرع)([^\\pL\\pN]|$)' AS medical_text,
  NOT corridor_pair.a IS NULL AS corridor
FROM (
  SELECT
    *
    EXCEPT (batch_id, source_file, source_row)
  FROM payments
  WHERE
    ts >= CAST('2026-01-01 00:00:00' AS TIMESTAMP)
    AND ts <= CAST('2026-03-31 23:59:59.999999' AS TIMESTAMP)
) AS s
LEFT JOIN party AS payer_party
  ON payer_party.account = s.payer_account
LEFT JOIN country_flag AS payer_flags
  ON payer_flags.code = s.payer_country
LEFT JOIN party AS payee_party
  ON payee_party.account = s.payee_account
LEFT JOIN country_flag AS payee_flags
  ON payee_flags.code = s.payee_country
LEFT JOIN corridor_pair
  ON corridor_pair.a = s.payer_country AND corridor_pair.b = s.payee_country;
