"""goAML reports' transactions load as payments, with the report reference as lineage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from screening import Store
from tests.conftest import FIXTURES

REPORT = FIXTURES / "goaml_in" / "str_two_transactions.xml"


def loaded(store: Store) -> dict[str, dict[str, Any]]:
    store.load(REPORT)
    return {row["txn_id"]: row for row in store.payments().iter_rows(named=True)}


def test_transaction_id_carries_the_reporting_entity_and_report_reference(store: Store) -> None:
    assert list(loaded(store)) == ["2079/STR-2026-0117/T-1"]


def test_account_to_entity_transaction_maps_both_parties(store: Store) -> None:
    payment = loaded(store)["2079/STR-2026-0117/T-1"]
    assert (payment["amount"], payment["currency"]) == (Decimal("12500.000"), "EUR")
    assert (payment["payer_account"], payment["payer_name"], payment["payer_bank"]) == (
        "DE89370400440532013000",
        "Omar Haddad",
        "DEUTDEFF",
    )
    assert (payment["payee_account"], payment["payee_name"], payment["payee_type"]) == (
        "entity:FR:RCS-123456",
        "Clinique Saint-Luc SARL",
        "organisation",
    )
    assert payment["payee_country"] == "FR"
    assert payment["ts"].isoformat() == "2026-03-02T10:15:00+00:00"


def test_report_code_and_codes_are_kept_in_purpose(store: Store) -> None:
    payment = loaded(store)["2079/STR-2026-0117/T-1"]
    assert payment["purpose"] == (
        "Transfer for medical travel package [goAML STR] [report STR-2026-0117] [transmode K] [funds K] "
        "[location Berlin branch]"
    )


def test_bad_iban_and_multi_party_transactions_are_quarantined_each_alone(store: Store) -> None:
    result = store.load(REPORT)
    assert (result.read, result.loaded, result.quarantined) == (3, 1, 2)
    rows = store.quarantine().select("source_row", "field", "reason").rows()
    assert rows[0][:2] == (2, "payee_account")
    assert "/report[1]/transaction[2]/t_to_my_client/to_account" in rows[0][2]
    assert rows[1][:2] == (3, "(record)")
    assert "involved_parties" in rows[1][2]


def test_person_without_account_is_keyed_by_identity_document(store: Store) -> None:
    store.load(REPORT)
    raw = store.quarantine().row(0, named=True)["raw"]
    assert '"payer_account":"person:RO:RO1850101123456"' in raw
    assert "[foreign 48700.00 RON]" in raw


TWO = FIXTURES / "goaml_in" / "two_reports.xml"


def test_reports_batched_under_one_root_each_keep_their_reference(store: Store) -> None:
    result = store.load(TWO)
    assert (result.read, result.loaded, result.quarantined) == (2, 1, 1)
    payment = store.payments().row(0, named=True)
    assert payment["txn_id"] == "3177/CTR-0001/1"
    assert (payment["payer_account"], payment["payer_name"]) == ("person:PK:N123", "Sara Ali")
    assert (payment["payee_account"], payment["payee_name"], payment["payee_bank"]) == (
        "1012345678",
        "Gold Souk Trading LLC",
        "EBILAEAD",
    )
    assert payment["payee_country"] == "AE"


def test_a_transaction_of_the_second_report_is_placed_by_its_xpath(store: Store) -> None:
    store.load(TWO)
    problem = store.quarantine().row(0, named=True)
    assert (problem["record_key"], problem["reason"]) == (
        "3177/CTR-0002/1",
        "amount: must be greater than zero: '0'",
    )
    assert '"at":"/reports/report[2]/transaction[1]"' in problem["raw"]
    assert '"payer_account":"entity:AE:FZE-99"' in problem["raw"]
