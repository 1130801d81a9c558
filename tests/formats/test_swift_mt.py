"""SWIFT MT103 transfers and MT940 statements load as payments, quarantined per message or line."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from screening import InputError, Store
from tests.conftest import FIXTURES

Write = Callable[..., Path]
SWIFT = FIXTURES / "swift"


def loaded(store: Store, path: Path) -> dict[str, dict[str, Any]]:
    store.load(path)
    return {row["txn_id"]: row for row in store.payments().iter_rows(named=True)}


def test_mt103_with_50k_and_59_maps_accounts_names_and_banks(store: Store) -> None:
    payment = loaded(store, SWIFT / "mt103.fin")["9f2b7c1e-5d4a-4c3b-8a2e-1f0e9d8c7b6a"]
    assert (payment["amount"], payment["currency"]) == (Decimal("12500.000"), "EUR")
    assert payment["ts"].date().isoformat() == "2026-03-02"
    assert (payment["payer_account"], payment["payer_name"], payment["payer_bank"]) == (
        "DE89370400440532013000",
        "OMAR HADDAD",
        "DEUTDEFF",
    )
    assert (payment["payee_account"], payment["payee_name"], payment["payee_bank"]) == (
        "FR1420041010050500013M02606",
        "CLINIQUE SAINT-LUC SARL",
        "BNPAFRPP",
    )
    assert (payment["payer_country"], payment["payee_country"]) == ("DE", "FR")
    assert payment["purpose"] == "TRANSPLANT PACKAGE DEPOSIT INV 2026-118 [via COBADEFF] [charges SHA]"


def test_mt103_without_uetr_is_keyed_by_sender_and_reference(store: Store) -> None:
    payment = loaded(store, SWIFT / "mt103.fin")["NWBKGB2L:REF-103-0002"]
    assert (payment["payer_name"], payment["payer_country"]) == ("GLOBAL TRAVEL LTD", "GB")
    assert (payment["payee_name"], payment["payee_country"]) == ("ALPEN KLINIK AG", "CH")


def test_mt103_banks_default_to_sender_and_receiver_when_52a_and_57a_are_absent(store: Store) -> None:
    payment = loaded(store, SWIFT / "mt103.fin")["NWBKGB2L:REF-103-0002"]
    assert (payment["payer_bank"], payment["payee_bank"]) == ("NWBKGB2L", "UBSWCHZH")


def test_mt103_malformed_32a_and_bad_iban_quarantine_that_message_with_its_tags(store: Store) -> None:
    result = store.load(SWIFT / "mt103.fin")
    assert (result.read, result.loaded, result.quarantined) == (3, 2, 1)
    reason = store.quarantine().row(0, named=True)["reason"]
    assert "amount: not a date, currency and amount: '2603EUR1,00' (at message 3 :32A: (line 34))" in reason
    assert "payer_account: invalid IBAN" in reason
    assert "message 3 :50K:" in reason


def test_mt940_credit_line_takes_the_counterparty_from_structured_86(store: Store) -> None:
    payments = loaded(store, SWIFT / "mt940.sta")
    credit = payments["DE89370400440532013000:STMT-0302/61/1/1"]
    assert (credit["payee_account"], credit["payee_country"]) == ("DE89370400440532013000", "DE")
    assert (credit["payer_account"], credit["payer_name"], credit["payer_bank"]) == (
        "GB82WEST12345698765432",
        "OMAR HADDAD",
        "NWBKGB2L",
    )
    assert credit["purpose"] == "EREF+KIDNEY-PKG-4 Package 4 deposit [type NTRF] [ref KIDNEY-PKG-4]"
    assert (credit["amount"], credit["currency"]) == (Decimal("48000.000"), "EUR")


def test_mt940_debit_line_makes_the_statement_account_the_payer(store: Store) -> None:
    debit = loaded(store, SWIFT / "mt940.sta")["DE89370400440532013000:STMT-0302/61/1/2"]
    assert debit["payer_account"] == "DE89370400440532013000"
    assert debit["payee_account"] is None
    assert debit["purpose"] == "PAYMENT TO DR R SALEH [type NTRF]"


def test_mt940_impossible_date_quarantines_the_line_with_its_tag(store: Store) -> None:
    result = store.load(SWIFT / "mt940.sta")
    assert (result.read, result.loaded, result.quarantined) == (3, 2, 1)
    problem = store.quarantine().row(0, named=True)
    assert problem["reason"] == "ts: not a timestamp: '2026-02-30'"
    assert '"at":"message 1 :61: (line 9)"' in problem["raw"]


def test_other_message_types_are_skipped_with_a_note(store: Store, write: Write) -> None:
    path = write("mt202.fin", "{1:F01AAAABBCCXXXX0000000000}{2:I202DDDDEEFFXXXXN}{4:\n:20:X\n-}\n")
    result = store.load(path)
    assert result.read == 0
    assert result.notes == (
        "skipped messages of types this loader does not read (MT103, MT940/942/950): 1 MT202",
    )


def test_text_that_is_not_swift_is_refused_when_forced_as_mt(store: Store, write: Write) -> None:
    from screening.ingest.sources import reading_as

    with reading_as("mt"), pytest.raises(InputError, match=r"notes\.txt: no SWIFT MT message found"):
        store.load(write("notes.txt", "hello\n"))
