"""Names from payment data are printed as written: never read as console markup or emoji codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.cli import main

PAYMENTS = """txn_id,ts,amount,currency,payee_account,payee_name,channel
C1,2026-03-02T13:00:00Z,9500,USD,ACC-1,[/] [bold]Evil :smile:,cash
C2,2026-03-02T15:10:00Z,9200,USD,ACC-1,[/] [bold]Evil :smile:,cash
C3,2026-03-02T17:45:00Z,9900,USD,ACC-1,[/] [bold]Evil :smile:,cash
"""


@pytest.fixture
def store(tmp_path: Path) -> str:
    source = tmp_path / "hostile.csv"
    source.write_text(PAYMENTS, encoding="utf-8")
    db = str(tmp_path / "hostile.duckdb")
    assert main(["load", str(source), "--db", db, "-q"]) == 0
    assert main(["run", "--db", db, "-q"]) == 0
    return db


def test_entity_risk_prints_a_markup_like_name_as_written(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["risk", "--db", store]) == 0
    printed = capsys.readouterr().out
    assert "[/]" in printed and ":smile:" in printed and "[bold]" in printed


def test_an_alert_explanation_prints_a_markup_like_name_as_written(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["alerts", "--db", store]) == 0
    assert main(["explain", "--db", store, _alert_id(store, capsys)]) == 0


def _alert_id(store: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    main(["alerts", "--db", store, "--format", "csv"])
    return capsys.readouterr().out.splitlines()[1].split(",")[0]
