"""Synthetic inputs for the benchmarks, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.synth import SynthSummary, generate


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
