"""Which patterns a data set gets, how many, and in what order they are planted.

Counts grow with the number of payments (per million) but never fall below a
minimum, so even a 20,000-payment demo has three organ networks and one of
every other family. Patterns are planted round-robin across families, so when
a tiny data set runs out of room (planted rows may not exceed half of all
rows) it loses some of every family rather than all of the last ones. Each
pattern draws from its own random stream, derived from the seed, its family
and its instance number, so adding a family never changes the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from screening.synth import laundering, lookalikes, organ, terror
from screening.synth.plant import Plant

Planter = Callable[[Plant, np.random.Generator], None]


@dataclass(frozen=True)
class Family:
    """A kind of planted pattern and how often it occurs."""

    key: str
    plant: Planter
    per_million: float
    minimum: int


FAMILIES: tuple[Family, ...] = (
    Family("OB-01", organ.organ_network, 12, 3),
    Family("ML-01", laundering.structuring, 6, 1),
    Family("TF-03", terror.crowdfunding, 1, 1),
    Family("LEGIT-charity", lookalikes.charity, 2, 1),
    Family("ML-05", laundering.cycle, 4, 1),
    Family("OB-11", organ.medical_staff_cash, 2, 1),
    Family("ML-03", laundering.fan, 5, 2),
    Family("LEGIT-hospital", lookalikes.hospital, 2, 1),
    Family("ML-02", laundering.funnel, 3, 1),
    Family("TF-02", terror.conflict_cash_out, 4, 1),
    Family("LEGIT-medical-tourism", lookalikes.medical_tourism, 3, 2),
    Family("ML-04", laundering.scatter_gather, 3, 1),
    Family("OB-12", organ.npo_medical, 2, 1),
    Family("ML-06", laundering.bipartite, 2, 1),
    Family("LEGIT-remittance", lookalikes.remittance_hub, 2, 1),
    Family("ML-07", laundering.pass_through, 4, 1),
    Family("ML-08", laundering.behaviour_change, 4, 1),
    Family("TF-04", terror.vasp_exposure, 3, 1),
    Family("ML-09", laundering.high_risk, 3, 1),
    Family("LEGIT-travel-group", lookalikes.travel_group, 2, 1),
    Family("LEGIT-payroll", lookalikes.payroll, 1, 2),
)


def schedule(payments: int) -> list[tuple[int, Family, int]]:
    """(family position, family, instance) in planting order: round-robin by instance."""
    counts = [max(f.minimum, round(f.per_million * payments / 1e6)) for f in FAMILIES]
    order = [(i, family, k) for k in range(max(counts)) for i, family in enumerate(FAMILIES) if k < counts[i]]
    return order


def plant_all(plant: Plant, payments: int, seed: int) -> None:
    """Plant every scheduled pattern that fits the row budget."""
    budget = payments // 2
    for position, family, instance in schedule(payments):
        point = plant.savepoint()
        family.plant(plant, np.random.default_rng([seed, 2, position, instance]))
        if len(plant.rows) > budget:
            plant.rollback(point)
