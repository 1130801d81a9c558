"""An STR we write loads back through the goAML reader: every payment, its amount and both parties."""

from __future__ import annotations

from pathlib import Path

from screening import Store
from tests.reports.conftest import build_case_store

GOLDEN = Path(__file__).parent / "golden" / "str.xml"


def test_the_golden_str_loads_back_with_the_amounts_and_parties_of_the_store(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    source = build_case_store(tmp_path / "source")
    with Store.open(source, read_only=True) as store:
        original = store.sql(
            "SELECT txn_id, amount_base::DOUBLE AS amount, payer_account, payee_account FROM payments"
        )
    with Store.open(tmp_path / "back.duckdb") as store:
        result = store.load(GOLDEN)
        back = store.sql(
            "SELECT split_part(txn_id, '/', -1) AS txn_id, amount::DOUBLE AS amount, payer_account, payee_account "
            "FROM payments"
        )
    assert (result.read, result.loaded, result.quarantined) == (7, 7, 0)
    expected = original.join(back.select("txn_id"), on="txn_id").sort("txn_id")
    assert back.sort("txn_id").select("txn_id", "amount").rows() == expected.select("txn_id", "amount").rows()
    assert back.sort("txn_id")["payee_account"].to_list() == expected["payee_account"].to_list()
    accounts = back.sort("txn_id")["payer_account"].to_list()
    assert [a for a in accounts if a] == [a for a in expected["payer_account"].to_list() if a]
