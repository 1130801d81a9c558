"""ISO 20022 files load as payments: pacs.008, pain.001 and camt.053, with per-transaction quarantine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from screening import Store
from tests.conftest import FIXTURES

ISO = FIXTURES / "iso20022"


def loaded(store: Store, name: str) -> dict[str, dict[str, Any]]:
    """Load a fixture and return its stored payments by txn_id."""
    store.load(ISO / name)
    return {row["txn_id"]: row for row in store.payments().iter_rows(named=True)}


def test_pacs008_maps_parties_accounts_agents_and_remittance(store: Store) -> None:
    payment = loaded(store, "pacs008_two_messages.xml")["4a1b2c3d-1111-4222-8333-944455556666"]
    assert payment["amount"] == Decimal("12500.000")
    assert payment["currency"] == "EUR"
    assert (payment["payer_name"], payment["payer_account"], payment["payer_bank"]) == (
        "Omar Haddad",
        "DE89370400440532013000",
        "DEUTDEFF",
    )
    assert (payment["payer_type"], payment["payee_type"]) == ("person", "organisation")
    assert (payment["payee_account"], payment["payee_bank"]) == ("FR1420041010050500013M02606", "BNPAFRPP")
    assert payment["purpose"] == (
        "Consultation and transplant package deposit [purpose MDCS] [category SUPP] [via COBADEFF] "
        "[charges SHA]"
    )
    assert payment["channel"] == "wire"


def test_country_comes_from_the_iban_when_the_address_has_none(store: Store) -> None:
    payment = loaded(store, "pacs008_two_messages.xml")["4a1b2c3d-1111-4222-8333-944455556666"]
    assert (payment["payer_country"], payment["payee_country"]) == ("DE", "FR")


def test_country_comes_from_the_bic_when_there_is_no_iban(store: Store) -> None:
    payment = loaded(store, "pacs008_two_messages.xml")["BANK-20260302-002:TX-77"]
    assert payment["payee_account"] == "0762-011623852957"
    assert payment["payee_country"] == "CH"


def test_settlement_date_of_the_group_header_is_used_when_the_transaction_has_none(store: Store) -> None:
    payment = loaded(store, "pacs008_two_messages.xml")["BANK-20260302-002:TX-77"]
    assert payment["ts"].date().isoformat() == "2026-03-03"


def test_an_invalid_iban_quarantines_only_its_transaction_naming_the_element(store: Store) -> None:
    result = store.load(ISO / "pacs008_two_messages.xml")
    assert (result.read, result.loaded, result.quarantined) == (3, 2, 1)
    problem = store.quarantine().row(0, named=True)
    assert problem["field"] == "payer_account"
    assert "invalid IBAN" in problem["reason"]
    assert "/FIToFICstmrCdtTrf[1]/CdtTrfTxInf[2]/DbtrAcct/Id/IBAN" in problem["reason"]
    assert '"at":"/Messages/Document/FIToFICstmrCdtTrf[1]/CdtTrfTxInf[2]"' in problem["raw"]


def test_transaction_without_any_reference_is_named_by_message_and_position(store: Store) -> None:
    store.load(ISO / "pacs008_two_messages.xml")
    assert store.quarantine()["record_key"].to_list() == ["BANK-20260302-001:#1.2"]


def test_reloading_a_message_file_adds_nothing(store: Store) -> None:
    store.load(ISO / "pacs008_two_messages.xml")
    again = store.load(ISO / "pacs008_two_messages.xml")
    assert (again.read, again.loaded, again.quarantined, again.duplicates) == (3, 0, 0, 3)


def test_pain001_takes_the_debtor_and_execution_date_from_the_payment_block(store: Store) -> None:
    payments = loaded(store, "pain001.xml")
    first = payments["PAY-2026-0302/BATCH-A:#1.1"]
    assert (first["payer_name"], first["payer_account"], first["payer_type"]) == (
        "Medreise Vermittlung GmbH",
        "DE89370400440532013000",
        "organisation",
    )
    assert first["ts"].date().isoformat() == "2026-03-04"
    assert first["purpose"] == "Anzahlung Behandlung [purpose MDCS] [category SUPP]"
    second_block = payments["PAY-2026-0302/BATCH-B:DONOR-9"]
    assert second_block["ts"].date().isoformat() == "2026-03-05"
    assert second_block["purpose"] == "[ultimate payee Donor 9 family]"


def test_pain001_currency_is_checked_by_the_shared_rules(store: Store) -> None:
    result = store.load(ISO / "pain001.xml")
    assert (result.read, result.loaded, result.quarantined) == (3, 2, 1)
    problem = store.quarantine().row(0, named=True)
    assert problem["reason"] == "currency: unknown ISO 4217 currency code: 'EURO'"
    assert "/CstmrCdtTrfInitn[1]/PmtInf[1]/CdtTrfTxInf[2]" in problem["raw"]


def test_pain001_references_are_unique_within_their_payment_block(store: Store) -> None:
    store.load(ISO / "pain001_blocks.xml")
    assert sorted(store.payments()["txn_id"].to_list()) == [
        "MSG-A/PI-1:#1.3",
        "MSG-A/PI-1:E2E-1",
        "MSG-A/PI-1:E2E-1#1.2",
        "MSG-A/PI-3:E2E-1",
    ]


def test_pain001_debtor_problems_name_the_payment_blocks_element(store: Store) -> None:
    result = store.load(ISO / "pain001_blocks.xml")
    assert (result.read, result.loaded, result.quarantined) == (5, 4, 1)
    problem = store.quarantine().row(0, named=True)
    assert problem["record_key"] == "MSG-A/PI-2:E2E-1"
    assert "/CstmrCdtTrfInitn[1]/PmtInf[2]/DbtrAcct/Id/IBAN)" in problem["reason"]


def test_pain001_transfer_codes_win_over_the_payment_blocks(store: Store) -> None:
    payments = loaded(store, "pain001_blocks.xml")
    block = payments["MSG-A/PI-1:E2E-1"]
    assert block["purpose"] == "invoice 77 [category SUPP] [ultimate payer Acme Holding] [charges SLEV]"
    assert (block["payer_type"], block["payer_bank"]) == ("organisation", "COBADEFF")
    own = payments["MSG-A/PI-1:#1.3"]
    assert own["purpose"] == "[category SALA] [ultimate payer Acme Payroll Services] [charges SLEV]"
    equivalent = payments["MSG-A/PI-1:E2E-1#1.2"]
    assert (equivalent["amount"], equivalent["currency"]) == (Decimal("200.000"), "USD")
    assert (
        equivalent["purpose"] == "[purpose GDDS] [category SUPP] [ultimate payer Acme Holding] [charges OUR]"
    )


def test_camt053_credit_makes_the_statement_account_the_payee(store: Store) -> None:
    credit = loaded(store, "camt053.xml")["CH9300762011623852957:REF-0001"]
    assert (credit["payee_account"], credit["payee_name"], credit["payee_bank"]) == (
        "CH9300762011623852957",
        "Alpen Klinik AG",
        "UBSWCHZH80A",
    )
    assert (credit["payer_account"], credit["payer_name"], credit["payer_country"]) == (
        "GB82WEST12345698765432",
        "Omar Haddad",
        "JO",
    )
    assert credit["purpose"] == "Package 4 deposit [purpose MDCS] [bank code PMNT/RCDT/XBCT]"


def test_camt053_batch_entry_gives_one_payment_per_transaction_detail(store: Store) -> None:
    payments = loaded(store, "camt053.xml")
    own = "CH9300762011623852957"
    batch = [payments[f"{own}:REF-0002-A"], payments[f"{own}:REF-0002/2"]]
    assert [p["amount"] for p in batch] == [Decimal("4000.000"), Decimal("3000.000")]
    assert {p["payer_account"] for p in batch} == {own}
    assert [p["payee_name"] for p in batch] == ["Dr. Rami Saleh", "Nile Travel"]
    assert batch[1]["payee_country"] == "EG"


def test_camt_entry_without_credit_debit_indicator_is_quarantined(store: Store) -> None:
    result = store.load(ISO / "camt053.xml")
    assert (result.read, result.loaded, result.quarantined) == (4, 3, 1)
    problem = store.quarantine().row(0, named=True)
    assert problem["source_row"] == 4
    assert "credit/debit indicator" in problem["reason"]
    assert "Stmt[1]/Ntry[3]/CdtDbtInd" in problem["reason"]
