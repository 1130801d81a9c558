"""Synthetic inputs for the benchmarks, generated once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from screening import Store
from screening.synth import SynthSummary, bundled_fx_rates, generate


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], SynthSummary]:
    """Cache of generated worlds keyed by (payments, suffix); filled on first use."""
    return {}


def world(
    cache: dict[tuple[int, str], SynthSummary], folder: Path, payments: int, suffix: str
) -> SynthSummary:
    key = (payments, suffix)
    if key not in cache:
        cache[key] = generate(payments, folder / f"payments-{payments}.{suffix}", seed=11)
    return cache[key]


WorldStore = Callable[[int], tuple[SynthSummary, Path]]
"""Payments -> the synthetic world of that size and a store holding it."""


@pytest.fixture(scope="session")
def world_store(
    synthetic: dict[tuple[int, str], SynthSummary], tmp_path_factory: pytest.TempPathFactory
) -> WorldStore:
    """Each size's world and a store holding it, made once per session; measurements work on copies."""
    folder = tmp_path_factory.mktemp("worlds")
    stores: dict[int, Path] = {}

    def made(payments: int) -> tuple[SynthSummary, Path]:
        generated = world(synthetic, folder, payments, "parquet")
        if payments not in stores:
            db = folder / f"world-{payments}.duckdb"
            with Store.open(db) as store:
                store.load(bundled_fx_rates(), dataset="fx_rates")
                store.load(generated.accounts_path, dataset="accounts")
                store.load(generated.payments_path)
            stores[payments] = db
        return generated, stores[payments]

    return made
