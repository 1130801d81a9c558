"""Structural-hole measures of NW-02 agree with networkx's definitions."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from screening.network.detectors.brokers import structural_holes


def _random_ego(seed: int) -> nx.Graph[str]:
    rng = random.Random(seed)
    graph: nx.Graph[str] = nx.Graph()
    contacts = [f"C{i}" for i in range(rng.randint(2, 12))]
    for contact in contacts:
        graph.add_edge("EGO", contact, amount=rng.uniform(100, 50000))
    for a in contacts:
        for b in contacts:
            if a < b and rng.random() < 0.3:
                graph.add_edge(a, b, amount=rng.uniform(100, 50000))
    return graph


@pytest.mark.parametrize("seed", range(12))
def test_constraint_and_effective_size_match_networkx(seed: int) -> None:
    ego = _random_ego(seed)
    constraint, effective = structural_holes(ego, "EGO")
    assert constraint == pytest.approx(nx.constraint(ego, nodes=["EGO"], weight="amount")["EGO"])
    assert effective == pytest.approx(nx.effective_size(ego, nodes=["EGO"], weight="amount")["EGO"])


def test_a_star_has_no_redundant_contacts() -> None:
    star: nx.Graph[str] = nx.star_graph(["EGO", "A", "B", "C", "D"])
    nx.set_edge_attributes(star, 1000.0, "amount")
    constraint, effective = structural_holes(star, "EGO")
    assert (constraint, effective) == (pytest.approx(0.25), pytest.approx(4.0))
