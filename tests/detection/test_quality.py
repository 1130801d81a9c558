"""Detection quality on the default demo world (rules, then network patterns) against its ground truth.

Every planted organ-brokering network must be found (its broker among the
alerted accounts), with its donors reported as likely victims, every planted
laundering structure by its network pattern, while fewer than 1 in 1,000
legitimate accounts is alerted.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from screening import InputError, Store
from screening.cli.load import DEMO_PAYMENTS
from screening.detection import screen
from screening.detection.evaluate import Evaluation, evaluate
from screening.network import find_networks
from screening.synth import bundled_fx_rates, generate


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo world's store after the nightly job, and its ground truth."""
    folder = tmp_path_factory.mktemp("demo")
    world = generate(DEMO_PAYMENTS, folder / "payments.parquet", seed=7)
    with Store.open(folder / "demo.duckdb") as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        store.load(world.accounts_path, dataset="accounts")
        store.load(world.payments_path)
        screen(store)
        find_networks(store)
    return folder / "demo.duckdb", world.truth_path


@pytest.fixture(scope="module")
def demo_quality(demo: tuple[Path, Path]) -> Evaluation:
    with Store.open(demo[0], read_only=True) as store:
        return evaluate(store.connection, demo[1])


def test_every_planted_organ_brokering_network_is_found(demo_quality: Evaluation) -> None:
    networks = demo_quality.per_typology.filter(typology="OB-01").row(0, named=True)
    assert networks["found"] == networks["planted"] >= 3


@pytest.mark.parametrize("structure", ["ML-04", "ML-05", "ML-06"])
def test_every_planted_laundering_structure_is_found(demo_quality: Evaluation, structure: str) -> None:
    found = demo_quality.per_typology.filter(typology=structure).row(0, named=True)
    assert found["found"] == found["planted"] >= 1


def test_the_donors_of_every_planted_ring_are_reported_as_likely_victims(demo: tuple[Path, Path]) -> None:
    truth = pl.read_csv(demo[1], schema_overrides={"account": pl.String})
    donors = truth.filter(pl.col("pattern_id").str.starts_with("OB-01-") & (pl.col("role") == "donor"))
    with Store.open(demo[0], read_only=True) as store:
        reported = store.sql(
            "SELECT DISTINCT m.account FROM alert_members m JOIN alerts a USING (alert_id) "
            "WHERE a.rule_id = 'NW-01' AND (m.victim OR m.role = 'recruiter')"
        )
    assert set(donors["account"]) <= set(reported["account"])


def test_fewer_than_one_in_a_thousand_legitimate_accounts_is_alerted(demo_quality: Evaluation) -> None:
    assert demo_quality.false_alert_rate < 0.001, demo_quality.as_dict()


def test_evaluation_needs_a_ground_truth_with_its_columns(store: Store, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("pattern,account\nX,A1\n")
    with pytest.raises(
        InputError, match=r"truth\.csv: the ground truth lacks columns pattern_id, role, typology"
    ):
        evaluate(store.connection, truth)
