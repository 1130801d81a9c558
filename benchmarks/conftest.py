"""Synthetic inputs for the benchmarks, generated once per session."""

from __future__ import annotations

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


def loaded_store(cache: dict[int, Path], folder: Path, world_: SynthSummary, payments: int) -> Path:
    """A store holding the world, loaded once per session size; measurements work on copies."""
    if payments not in cache:
        db = folder / f"world-{payments}.duckdb"
        with Store.open(db) as store:
            store.load(bundled_fx_rates(), dataset="fx_rates")
            store.load(world_.accounts_path, dataset="accounts")
            store.load(world_.payments_path)
        cache[payments] = db
    return cache[payments]
