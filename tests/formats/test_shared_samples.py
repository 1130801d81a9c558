"""Round trips on the real sample files in ../shared/data: counts, amounts and parties as in the source."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from screening import InputError, Store
from tests.conftest import SHARED_DATA

ISO = SHARED_DATA / "iso20022"
SWIFT = SHARED_DATA / "swift"
GOAML = SHARED_DATA / "goaml" / "samples"

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"shared sample data absent ({SHARED_DATA})")


def files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.rglob(pattern)) if folder.is_dir() else []


def count(path: Path, tag: str) -> int:
    """How many elements of a local name the file holds, counted by lxml directly."""
    return sum(1 for _ in etree.iterparse(str(path), tag=f"{{*}}{tag}", resolve_entities=False))


@pytest.mark.parametrize("path", files(ISO / "pacs.008", "pacs.008.001.*.xml"), ids=lambda p: p.name)
def test_every_pacs008_version_reads_its_transaction(store: Store, path: Path) -> None:
    result = store.load(path)
    assert result.read == 1
    raw = json.loads(store.quarantine().row(0, named=True)["raw"])
    assert (raw["amount"], raw["currency"]) == ("1000.00", "EUR")
    assert (raw["payer_name"], raw["payee_name"]) == ("Debtor Corp", "Creditor Ltd")


def test_pacs008_samples_without_accounts_are_quarantined_for_that_reason(store: Store) -> None:
    store.load(ISO / "pacs.008" / "pacs.008.001.08.xml")
    assert store.quarantine()["reason"].to_list() == [
        "payer_account/payee_account: needs at least one of payer_account, payee_account"
    ]


@pytest.mark.parametrize("path", files(ISO / "pain.001", "*.pain.001.*.xml"), ids=lambda p: p.name)
def test_every_market_pain001_loads_each_transaction(store: Store, path: Path) -> None:
    result = store.load(path)
    assert result.read == count(path, "CdtTrfTxInf")
    assert result.loaded == result.read
    amounts = sorted(
        Decimal(e.text) for e in etree.parse(str(path)).iter("{*}InstdAmt", "{*}EqvtAmt") if e.text
    )
    assert sorted(store.payments()["amount"].to_list()) == amounts


def test_pain001_versions_03_and_09_of_one_payment_load_as_the_same_payment(store: Store) -> None:
    folder = ISO / "pain.001" / "market" / "de" / "sepa-credit-transfer"
    first = store.load(next(folder.glob("*.pain.001.001.03.xml")))
    second = store.load(next(folder.glob("*.pain.001.001.09.xml")))
    assert first.loaded == second.duplicates == second.read


CAMT = [p for p in files(ISO / "bank-samples", "*camt*") if "v09" not in p.name]  # v09 is a camt.055


@pytest.mark.parametrize("path", CAMT, ids=lambda p: p.name)
def test_camt_samples_give_one_payment_per_entry_or_transaction_detail(store: Store, path: Path) -> None:
    expected = 0
    for _, entry in etree.iterparse(str(path), tag="{*}Ntry"):
        expected += max(1, sum(1 for _ in entry.iter("{*}TxDtls")))
    result = store.load(path)
    assert result.read == expected
    assert result.reconciles


def test_camt053_sample_maps_the_statement_owner_and_counterparty(store: Store) -> None:
    store.load(ISO / "bank-samples" / "FI_camt_053_sample.xml.xml")
    payments = {row["txn_id"]: row for row in store.payments().iter_rows(named=True)}
    batch = payments["FI7433010001222090:091029ARCH03002"]
    assert (batch["payer_account"], batch["payer_name"]) == ("FI7433010001222090", "BANK ACCOUNT OWNER")
    assert (batch["payee_account"], batch["payee_name"]) == ("29501800020582", "Creditor Company")
    assert batch["amount"] == Decimal("1000.010")
    assert batch["purpose"].startswith("Invoices 123 and 321")


def test_message_types_not_read_are_named_in_the_error(store: Store) -> None:
    with pytest.raises(InputError, match=r"it holds pacs\.002\.001\.11"):
        store.load(ISO / "bank-samples" / "valid_pacs_v11.xml")


PAIRS = [p for p in files(SWIFT / "mt_mx_pairs", "*mt103*pacs*008*.fin")]


@pytest.mark.parametrize("fin", PAIRS, ids=lambda p: p.name)
def test_an_mt103_and_its_pacs008_load_as_the_same_payment(store: Store, fin: Path) -> None:
    mt = store.load(fin, source="sample")
    mx = store.load(fin.with_suffix(".xml"), source="sample")
    assert mx.read == mt.read == 1
    if mt.loaded:
        assert (mx.loaded, mx.duplicates) == (0, 1)
        return
    mt_raw, mx_raw = (json.loads(raw) for raw in store.quarantine()["raw"].to_list())
    core = ("txn_id", "ts", "amount", "currency", "payer_name", "payer_country", "payer_bank", "payee_name")
    assert {k: mt_raw[k] for k in core} == {k: mx_raw[k] for k in core}


@pytest.mark.parametrize(
    "path",
    [p for p in files(SWIFT / "mt940", "*.sta") if p.stem not in {"invalid_statement", "empty_non_swift"}],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_mt940_samples_load_and_reconcile(store: Store, path: Path) -> None:
    result = store.load(path)
    lines = sum(1 for line in path.read_bytes().splitlines() if line.lstrip().startswith(b":61:"))
    assert result.read == lines
    assert result.reconciles


def test_mt940_sample_debit_line_matches_the_statement(store: Store) -> None:
    store.load(next((SWIFT / "mt940").rglob("ing.sta")))
    first = store.payments().row(0, named=True)
    assert (first["amount"], first["currency"], first["payer_account"]) == (
        Decimal("25.030"),
        "EUR",
        "0001234567",
    )
    assert first["ts"].date().isoformat() == "2010-07-22"
    assert first["purpose"].startswith("RC AFREKENING BETALINGSVERKEER BETREFT REKENING 4715589")


def test_mt940_deutsche_mark_statement_is_quarantined_by_the_currency_rule(store: Store) -> None:
    result = store.load(SWIFT / "mt940" / "self-provided" / "raphaelm.sta")
    assert result.quarantined == result.read
    assert "currency: unknown ISO 4217 currency code: 'DEM'" in store.quarantine()["reason"].to_list()


@pytest.mark.parametrize("name", ["STR.xml", "AIFT.xml", "ECDDT.xml"])
def test_goaml_transaction_reports_load_with_both_parties(store: Store, name: str) -> None:
    result = store.load(GOAML / name)
    assert (result.read, result.loaded) == (1, 1)
    row = store.payments().row(0, named=True)
    assert row["payer_name"] == "Layla Hassan"
    assert row["payee_name"] == "John Smith"
    assert row["currency"] == "AED"
    assert row["txn_id"].startswith("101/")


@pytest.mark.parametrize("name", ["AIF.xml", "SAR.xml", "DPMSR.xml", "TR.2079.200000309.xml"])
def test_goaml_activity_reports_add_nothing_and_say_so(store: Store, name: str) -> None:
    result = store.load(GOAML / name)
    assert result.read == 0
    assert result.notes == ("1 of 1 goAML reports hold no transactions (activity reports)",)
