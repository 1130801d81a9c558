"""A small store with two alerts on a broker's account, a network finding and a rule's, for the report tests.

The alerts are written into the store directly, not found by running the rules,
so that the reports (and their golden files) change only when the report code does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screening import Store
from tests.conftest import SHARED_DATA

GOAML_XSD = SHARED_DATA / "goaml" / "goAMLSchema-5.0.2.xsd"
SUBMITTED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
BROKER = "DE89370400440532013000"
HOSTILE = "<script>alert('x')</script> Klinik & Co"

PAYMENTS = f"""txn_id,ts,amount,currency,payer_account,payer_name,payer_country,payer_type,payer_bank,payee_account,payee_name,payee_country,payee_type,payee_bank,channel,purpose
P1,2026-03-02T09:15:00Z,45000,EUR,GB29NWBK60161331926819,Zoë Ağaoğlu,GB,person,NWBKGB2L,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,wire,transplant package deposit
P2,2026-03-03T11:00:00Z,38000,EUR,IL620108000000099999999,Dov Levi,IL,person,,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,wire,kidney treatment abroad
P3,2026-03-05T16:40:00Z,60000,EUR,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,TR330006100519786457841326,"{HOSTILE.replace('"', '""')}",TR,organisation,,wire,Behandlung Niere
P4,2026-03-06T10:05:00Z,9500,USD,,Ahmad Karimi,AF,person,,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,cash,
P5,2026-03-06T12:30:00Z,9800,USD,,,,,,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,cash,
P6,2026-03-07T08:00:00Z,1200,EUR,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,ACC-77,"=HYPERLINK(""http://x"")",,,,card,hotel
P7,2026-03-07T14:20:00Z,3000,USD,{BROKER},Medi-Travel Consult GmbH,DE,organisation,COBADEFFXXX,MD24AG000225100013104168,Ion Popa,MD,person,AGRNMD2X,wire,advance
"""
RATES = "day,currency,rate\n2026-03-01,EUR,1.08000000\n2026-03-01,USD,1.00000000\n"

ALERTS = (
    {
        "alert_id": "NW-01-v1-DE89370400440532013000-20260302",
        "rule_id": "NW-01",
        "typology": "organ brokering",
        "pack": "networks",
        "severity": "critical",
        "score": 0.91,
        "window_start": datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
        "window_end": datetime(2026, 3, 7, 14, 20, tzinfo=UTC),
        "figures": {"recipients": 2, "donors": 1, "received": 89640.0, "venue": "TR", "members": 6},
        "explanation": f"Broker {BROKER} received 89,640 USD from 2 recipients, paid a donor in MD and "
        f"{HOSTILE} in TR.",
        "evidence": ("P1", "P2", "P3", "P6", "P7"),
        "parameters": {"price_min": 15000},
        "members": (
            (BROKER, "broker", False),
            ("GB29NWBK60161331926819", "recipient", False),
            ("IL620108000000099999999", "recipient", False),
            ("TR330006100519786457841326", "medical facility", False),
            ("ACC-77", "facilitator", False),
            ("MD24AG000225100013104168", "donor", True),
        ),
    },
    {
        "alert_id": "ML-01-v1-DE89370400440532013000-20260306",
        "rule_id": "ML-01",
        "typology": "structuring",
        "pack": "money-laundering",
        "severity": "medium",
        "score": 0.7,
        "window_start": datetime(2026, 3, 6, 10, 5, tzinfo=UTC),
        "window_end": datetime(2026, 3, 6, 12, 30, tzinfo=UTC),
        "figures": {"deposits": 2, "total": 19300.0},
        "explanation": f"Account {BROKER} had 2 cash deposits just under 10,000 USD within 48 hours.",
        "evidence": ("P4", "P5"),
        "parameters": {"threshold": 10000},
        "members": (),
    },
)


def build_case_store(folder: Path, payments: str = PAYMENTS) -> Path:
    """A store with the payments above and the two alerts; returns its path."""
    path = folder / "case.duckdb"
    (folder / "rates.csv").write_text(RATES)
    (folder / "payments.csv").write_text(payments)
    with Store.open(path) as store:
        store.load(folder / "rates.csv", dataset="fx_rates")
        result = store.load(folder / "payments.csv", source="core-banking")
        assert result.loaded == payments.count("\n") - 1, result.as_dict()
        con = store.connection
        manifest = {"rules": [{"id": a["rule_id"], "parameters": a["parameters"]} for a in ALERTS]}
        con.execute(
            "INSERT INTO runs VALUES (1, $t, $t, $t, 'done', $m)",
            {"t": datetime(2026, 3, 8, tzinfo=UTC), "m": json.dumps(manifest)},
        )
        for a in ALERTS:
            con.execute(
                "INSERT INTO alerts (alert_id, run_id, rule_id, rule_version, typology, severity, score, subject, "
                "window_start, window_end, figures, explanation, pack, standalone) VALUES ($id, 1, $rule, '1', "
                "$typology, $severity, $score, $subject, $ws, $we, $figures, $explanation, $pack, true)",
                {"id": a["alert_id"], "rule": a["rule_id"], "typology": a["typology"],
                 "severity": a["severity"], "score": a["score"], "subject": BROKER, "ws": a["window_start"],
                 "we": a["window_end"], "figures": json.dumps(a["figures"]), "explanation": a["explanation"],
                 "pack": a["pack"]},
            )  # fmt: skip
            for account, role, victim in a["members"]:
                con.execute(
                    "INSERT INTO alert_members VALUES ($id, $account, $role, $victim, NULL)",
                    {"id": a["alert_id"], "account": account, "role": role, "victim": victim},
                )
            for txn in a["evidence"]:
                con.execute(
                    "INSERT INTO alert_evidence VALUES ($id, 'core-banking', $txn)",
                    {"id": a["alert_id"], "txn": txn},
                )
    return path


@pytest.fixture
def case_db(tmp_path: Path) -> Path:
    return build_case_store(tmp_path)


@pytest.fixture
def goaml_xsd() -> Path:
    if not GOAML_XSD.exists():
        pytest.skip(f"the goAML schema is not here: {GOAML_XSD} (shared data beside the project)")
    return GOAML_XSD
