"""``generate``: a whole synthetic data set, written chunk by chunk.

Order of work: build the world, plant the patterns (small, kept in memory),
then walk the calendar in slices of about a million payments. Each slice gets
its background rows plus the planted rows that fall into it, is sorted by
time and written. Slices cover consecutive time ranges, so the file is sorted
by ``ts`` as a whole and ``txn_id`` follows that order.

Every random draw comes from a stream derived from the seed and a fixed
purpose (world, slice ``i``, pattern ``j``), so the same arguments always give
the same bytes, whatever else changes in the process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from screening.synth.background import SALARY_SHARE, Background, Slice, paydays
from screening.synth.frame import Frame
from screening.synth.fx import FxTable
from screening.synth.plant import DAY, Plant
from screening.synth.typologies import plant_all
from screening.synth.world import World
from screening.synth.writer import (
    Lookups,
    PaymentWriter,
    output_format,
    write_accounts,
    write_truth,
)

CHUNK_ROWS = 1_000_000
"""Payments generated and written at a time; bounds memory (about 1 GB per million)."""

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote.

    ``planted_patterns`` counts the distinct ``pattern_id`` values in the truth
    file: each organ network counts once for OB-01 and once more for every
    sub-rule it meets (OB-02, OB-03, ...), and legitimate look-alikes count too.
    """

    payments_path: Path
    accounts_path: Path
    truth_path: Path
    payments: int
    accounts: int
    planted_patterns: int


def _slices(first_day: int, days: int, chunks: int) -> list[int]:
    """Slice boundaries in epoch seconds: whole days when there are enough days."""
    start, span = first_day * DAY, days * DAY
    if days >= chunks:
        return [start + (i * days // chunks) * DAY for i in range(chunks + 1)]
    return [start + i * span // chunks for i in range(chunks + 1)]


def _spread(total: int, bounds: list[int]) -> list[int]:
    """``total`` rows shared among slices in proportion to their length."""
    span = bounds[-1] - bounds[0]
    cumulative = [round(total * (b - bounds[0]) / span) for b in bounds]
    return [b - a for a, b in itertools.pairwise(cumulative)]


def generate(
    payments: int,
    out: Path,
    *,
    seed: int = 7,
    start: dt.date = dt.date(2026, 1, 1),
    days: int = 365,
    progress: Callable[[int], None] | None = None,
) -> SynthSummary:
    """Write a synthetic payments file, its KYC accounts file and the ground truth.

    The payments go to ``out`` (Parquet or CSV by suffix), the accounts to
    ``<stem>.accounts.<suffix>`` and the truth to ``<stem>.truth.csv`` beside it.
    ``progress`` is called with the number of payment rows written so far.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     summary = generate(2_000, Path(tmp) / "demo.parquet")
    >>> summary.payments
    2000
    """
    if payments < 0:
        raise ValueError("payments must be zero or more")
    if days < 1:
        raise ValueError("days must be at least 1")
    out = Path(out)
    output_format(out)
    suffix = out.suffix
    accounts_path = out.with_name(f"{out.stem}.accounts{suffix}")
    truth_path = out.with_name(f"{out.stem}.truth.csv")
    out.parent.mkdir(parents=True, exist_ok=True)

    first_day = (start - _EPOCH).days
    world = World(payments, start, np.random.default_rng([seed, 0]))
    fx = FxTable.bundled()
    payday_count = len(paydays(first_day, days))
    payroll = min(world.n_persons, round(SALARY_SHARE * payments / max(payday_count, 1)))
    if payday_count == 0:
        payroll = 0

    plant = Plant(world, fx, first_day, days)
    plant.payroll = np.sort(world.payroll_order[:payroll])
    plant_all(plant, payments, seed)
    planted = plant.frame()

    chunks = max(1, math.ceil(payments / CHUNK_ROWS))
    bounds = _slices(first_day, days, chunks)
    where = np.searchsorted(np.array(bounds[1:-1], dtype=np.int64), planted.ts, side="right")
    slices = [
        Slice(lo, hi, rows)
        for lo, hi, rows in zip(bounds, bounds[1:], _spread(payments - len(planted), bounds),
                                strict=False)
    ]  # fmt: skip
    background = Background(world, fx, first_day, days, payroll)
    truth = plant.truth
    if any(background.salary_rows(sl) > sl.rows for sl in slices):
        truth = [row for row in truth if row[1] != "LEGIT-payroll"]

    lookups = Lookups(world)
    write_accounts(accounts_path, lookups.accounts_table())
    with PaymentWriter(out, lookups) as writer:
        for i, sl in enumerate(slices):
            frame = Frame.concat(
                [background.chunk(sl, np.random.default_rng([seed, 1, i])),
                 planted.take(np.flatnonzero(where == i))]
            )  # fmt: skip
            writer.write(frame.take(np.argsort(frame.ts, kind="stable")))
            if progress is not None:
                progress(writer.rows)
        written = writer.rows

    accounts = lookups.accounts
    write_truth(
        truth_path,
        [(pid, typology, role, str(accounts[a].as_py())) for pid, typology, role, a in truth],
    )
    return SynthSummary(
        payments_path=out,
        accounts_path=accounts_path,
        truth_path=truth_path,
        payments=written,
        accounts=world.size,
        planted_patterns=len({row[0] for row in truth}),
    )
