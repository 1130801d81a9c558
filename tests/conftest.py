"""Shared fixtures: a fresh store per test and a helper to write input files."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from screening import Store
from screening.detection.ruleset import default_rules_folder
from screening.synth import bundled_fx_rates

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

HEADER = "txn_id,ts,amount,currency,payer_account,payer_name,payer_country,payee_account,payee_country,channel,purpose"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.duckdb") as opened:
        yield opened


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in the test's folder and return its path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return _write


def csv_text(*rows: str, header: str = HEADER) -> str:
    """A payments CSV with the canonical header and the given data rows."""
    return "\n".join((header, *rows)) + "\n"


STRUCTURING = (
    "S1,2026-03-02T13:00:00Z,9500,USD,,,,ACC-1,US,cash,",
    "S2,2026-03-02T15:10:00Z,9200,USD,,,,ACC-1,US,cash,",
    "S3,2026-03-02T17:45:00Z,9900,USD,,,,ACC-1,US,cash,",
    "N1,2026-03-02T12:00:00Z,120,USD,ACC-7,,US,ACC-8,US,card,coffee",
)


@pytest.fixture
def rule_folder(tmp_path: Path) -> Path:
    """A rule folder of its own: the shipped reference data and ML-01 only."""
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_folder() / "reference", folder / "reference")
    (folder / "money-laundering").mkdir()
    shutil.copy(default_rules_folder() / "money-laundering" / "ML-01.yaml", folder / "money-laundering")
    return folder


@pytest.fixture
def screened_store(store: Store, tmp_path: Path) -> Store:
    """A store holding rates and one day with a structuring episode on ACC-1."""
    store.load(bundled_fx_rates(), dataset="fx_rates")
    path = tmp_path / "day1.csv"
    path.write_text(csv_text(*STRUCTURING))
    store.load(path)
    return store
