"""goAML STR reports: built from the store's alerts, valid against the FIU's XSD, or not written at all.

Golden file: ``tests/reports/golden/str.xml``. After a deliberate change to the
report, regenerate it with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports`` and
review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from screening import Store
from screening.cli import main
from screening.errors import InputError
from screening.reports.case import load_case
from screening.reports.config import EXAMPLE_CONFIG, load_config
from screening.reports.goaml import (
    ReportOptions,
    SchemaValidationError,
    build_report,
    load_schema,
    serialise,
    validation_errors,
    write_report,
)
from tests.reports.conftest import ALERTS, BROKER, HOSTILE, PAYMENTS, SUBMITTED, build_case_store

GOLDEN = Path(__file__).parent / "golden" / "str.xml"
ALL = [a["alert_id"] for a in ALERTS]


def report_bytes(db: Path, alert_ids: list[str], config: Path = EXAMPLE_CONFIG) -> bytes:
    with Store.open(db, read_only=True) as store:
        case = load_case(store.connection, alert_ids, store.base_currency)
    return serialise(build_report(case, load_config(config), ReportOptions(submission_date=SUBMITTED)))


def assert_valid(document: bytes, xsd: Path) -> etree._Element:
    assert validation_errors(document, load_schema(xsd)) == []
    return etree.fromstring(document)


def test_report_matches_the_golden_file(case_db: Path, goaml_xsd: Path) -> None:
    document = report_bytes(case_db, ALL)
    assert_valid(document, goaml_xsd)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(document)
    assert document == GOLDEN.read_bytes()


def test_every_evidence_payment_is_a_transaction_with_both_parties(case_db: Path, goaml_xsd: Path) -> None:
    report = assert_valid(report_bytes(case_db, ALL), goaml_xsd)
    transactions = report.findall("transaction")
    assert [t.findtext("transactionnumber") for t in transactions] == [
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
    ]
    for t in transactions:
        assert t.find("t_from") is not None and t.find("t_to") is not None
        assert t.find("t_from_my_client") is None and t.find("t_to_my_client") is None
    first = transactions[0]
    assert first.findtext("t_from/from_account/account") == "GB29NWBK60161331926819"
    assert first.findtext("t_from/from_account/swift") == "NWBKGB2L"
    assert first.findtext("t_to/to_account/t_entity/name") == "Medi-Travel Consult GmbH"
    assert first.findtext("amount_local") == "48600.00"  # 45,000 EUR at 1.08 into the store's USD
    assert first.findtext("t_from/from_foreign_currency/foreign_amount") == "45000.000"


def test_a_cash_depositor_without_an_account_is_a_person(case_db: Path, goaml_xsd: Path) -> None:
    report = assert_valid(report_bytes(case_db, [ALL[1]]), goaml_xsd)
    deposit = report.find("transaction")
    assert deposit is not None
    assert deposit.findtext("t_from/from_funds_code") == "CASH"
    assert deposit.findtext("t_from/from_person/first_name") == "Ahmad"
    assert deposit.findtext("t_from/from_person/last_name") == "Karimi"


def test_the_narrative_names_network_members_and_donors_as_likely_victims(
    case_db: Path, goaml_xsd: Path
) -> None:
    reason = assert_valid(report_bytes(case_db, ALL), goaml_xsd).findtext("reason") or ""
    assert f"Members: {BROKER} (broker); " in reason
    assert "MD24AG000225100013104168 (donor, likely victim)." in reason


def test_indicators_come_from_the_typologies_through_the_config(case_db: Path, goaml_xsd: Path) -> None:
    report = assert_valid(report_bytes(case_db, ALL), goaml_xsd)
    assert [i.text for i in report.iterfind("report_indicators/indicator")] == ["FOWNB", "STRUC", "ML002"]


def test_the_narrative_holds_every_alert_explanation(case_db: Path, goaml_xsd: Path) -> None:
    reason = assert_valid(report_bytes(case_db, ALL), goaml_xsd).findtext("reason") or ""
    for alert in ALERTS:
        assert alert["alert_id"] in reason and alert["explanation"] in reason


def test_names_outside_the_goaml_pattern_are_folded_and_kept_as_written(
    case_db: Path, goaml_xsd: Path
) -> None:
    report = assert_valid(report_bytes(case_db, ALL), goaml_xsd)
    [p1, _, p3, _, _, p6, _] = report.findall("transaction")
    assert p1.findtext("t_from/from_account/account_name") == "Zoe Agaoglu"
    assert p3.findtext("t_to/to_account/account_name") == "script alert 'x' script Klinik Co"
    assert f"Payee name as written: {HOSTILE}" in (p3.findtext("comments") or "")
    assert p6.findtext("t_to/to_account/account_name") == "HYPERLINK http x"


def test_control_characters_in_payment_text_do_not_break_the_xml(tmp_path: Path, goaml_xsd: Path) -> None:
    db = build_case_store(tmp_path, PAYMENTS.replace("kidney treatment abroad", "kidney\x01treatment\x1b"))
    report = assert_valid(report_bytes(db, ALL), goaml_xsd)
    assert (
        report.findall("transaction")[1].findtext("transaction_description") == "kidney\ufffdtreatment\ufffd"
    )


def test_a_report_that_fails_the_schema_names_the_element_and_line_and_writes_nothing(
    case_db: Path, goaml_xsd: Path, tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        EXAMPLE_CONFIG.read_text().replace('transmode_code = "SWIFT"', 'transmode_code = "TELEX"')
    )
    with Store.open(case_db, read_only=True) as store:
        case = load_case(store.connection, ALL, store.base_currency)
    tree = build_report(case, load_config(config), ReportOptions(submission_date=SUBMITTED))
    out = tmp_path / "str.xml"
    with pytest.raises(SchemaValidationError) as raised:
        write_report(tree, load_schema(goaml_xsd), goaml_xsd, out)
    message = str(raised.value)
    assert "nothing was written" in message
    assert "line 35: Element 'transmode_code'" in message and "'TELEX'" in message
    assert not out.exists() and list(tmp_path.glob("*.tmp")) == []


def test_cli_writes_a_valid_report(case_db: Path, goaml_xsd: Path, tmp_path: Path) -> None:
    out = tmp_path / "str.xml"
    code = main(["report", *ALL, "--format", "goaml", "--out", str(out), "--db", str(case_db),
                 "--config", str(EXAMPLE_CONFIG), "--xsd", str(goaml_xsd), "--date", "2026-04-01T09:30:00Z",
                 "--reference", "STR-2026-0042"])  # fmt: skip
    assert code == 0
    report = assert_valid(out.read_bytes(), goaml_xsd)
    assert report.findtext("entity_reference") == "STR-2026-0042"
    assert report.findtext("submission_date") == "2026-04-01T09:30:00"


def test_cli_refuses_a_goaml_report_without_a_schema(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCREENING_GOAML_XSD", raising=False)
    out = tmp_path / "str.xml"
    code = main(["report", ALL[0], "--format", "goaml", "--out", str(out), "--db", str(case_db),
                 "--config", str(EXAMPLE_CONFIG)])  # fmt: skip
    assert code == 2
    assert "no goAML schema to validate against: pass --xsd PATH" in capsys.readouterr().err
    assert not out.exists()


def test_cli_refuses_an_unknown_alert_id(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "str.xml"
    code = main(["report", ALL[0], "OB-99-nope", "--format", "goaml", "--out", str(out), "--db", str(case_db),
                 "--config", str(EXAMPLE_CONFIG), "--xsd", "unused.xsd"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: no alert 'OB-99-nope'; `screening alerts` lists them"
    assert not out.exists()


def test_a_foreign_payment_without_a_rate_is_refused(tmp_path: Path) -> None:
    db = build_case_store(tmp_path, PAYMENTS.replace(",EUR,", ",CHF,"))
    with pytest.raises(InputError, match="P1 \\(source core-banking\\) in CHF has no exchange rate into USD"):
        report_bytes(db, ALL)


def test_the_local_currency_must_be_the_stores(case_db: Path, tmp_path: Path) -> None:
    config = tmp_path / "aed.toml"
    config.write_text(
        EXAMPLE_CONFIG.read_text().replace('# currency_code_local = "AED"', 'currency_code_local = "AED"')
    )
    with pytest.raises(
        InputError, match=r"aed.toml, field report.currency_code_local: is AED, but the store's"
    ):
        report_bytes(case_db, ALL, config)


def test_the_broker_is_the_subject(case_db: Path) -> None:
    with Store.open(case_db, read_only=True) as store:
        case = load_case(store.connection, ALL, store.base_currency)
    [subject] = case.subjects
    assert subject.account == BROKER and subject.type == "organisation" and subject.country == "DE"
    assert subject.alert_ids == tuple(ALL)
    assert subject.risk == pytest.approx(1 - (1 - 0.91 * 1.0) * (1 - 0.7 * 0.5), abs=1e-4)


def test_a_narrative_longer_than_goaml_allows_is_shortened_with_a_note(
    case_db: Path, goaml_xsd: Path
) -> None:
    with Store.open(case_db) as store:
        store.connection.execute("UPDATE alerts SET explanation = repeat('Paid a donor. ', 700)")
    reason = assert_valid(report_bytes(case_db, ALL), goaml_xsd).findtext("reason") or ""
    assert len(reason) == 8000
    assert reason.endswith(" [shortened; the HTML case report lists every alert in full]")
