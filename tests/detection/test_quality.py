"""Detection quality on the default demo world, measured against its ground truth.

Every planted organ-brokering network must be found (its broker among the
alerted accounts) while fewer than 1 in 1,000 legitimate accounts is alerted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening import InputError, Store
from screening.cli.load import DEMO_PAYMENTS
from screening.detection import screen
from screening.detection.evaluate import Evaluation, evaluate
from screening.synth import bundled_fx_rates, generate


@pytest.fixture(scope="module")
def demo_quality(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    folder = tmp_path_factory.mktemp("demo")
    world = generate(DEMO_PAYMENTS, folder / "payments.parquet", seed=7)
    with Store.open(folder / "demo.duckdb") as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        store.load(world.accounts_path, dataset="accounts")
        store.load(world.payments_path)
        screen(store)
        return evaluate(store.connection, world.truth_path)


def test_every_planted_organ_brokering_network_is_found(demo_quality: Evaluation) -> None:
    networks = demo_quality.per_typology.filter(typology="OB-01").row(0, named=True)
    assert networks["found"] == networks["planted"] >= 3


def test_fewer_than_one_in_a_thousand_legitimate_accounts_is_alerted(demo_quality: Evaluation) -> None:
    assert demo_quality.false_alert_rate < 0.001, demo_quality.as_dict()


def test_evaluation_needs_a_ground_truth_with_its_columns(store: Store, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("pattern,account\nX,A1\n")
    with pytest.raises(
        InputError, match=r"truth\.csv: the ground truth lacks columns pattern_id, role, typology"
    ):
        evaluate(store.connection, truth)
