"""The engine's network detectors, by the name a pattern file gives in ``detector:``.

Each detector takes a :class:`~screening.network.context.Context` (a DuckDB
connection holding the shared tables of the screened period) and the
pattern's checked parameters, and returns :class:`~screening.network.model.Finding`
objects. Detectors aggregate and filter in DuckDB first; networkx only sees the
reduced graph.
"""

from __future__ import annotations

from screening.network.context import Detector
from screening.network.detectors.bipartite import detect_bipartite
from screening.network.detectors.brokers import detect_brokers
from screening.network.detectors.communities import detect_communities
from screening.network.detectors.cycles import detect_cycles
from screening.network.detectors.fan_hubs import detect_fan_hubs
from screening.network.detectors.gather_scatter import detect_gather_scatter
from screening.network.detectors.nexus import detect_nexus
from screening.network.detectors.organ_ring import detect_organ_rings
from screening.network.detectors.scatter_gather import detect_scatter_gather

DETECTORS: dict[str, Detector] = {
    "nexus": detect_nexus,
    "communities": detect_communities,
    "brokers": detect_brokers,
    "organ_ring": detect_organ_rings,
    "cycles": detect_cycles,
    "scatter_gather": detect_scatter_gather,
    "bipartite": detect_bipartite,
    "gather_scatter": detect_gather_scatter,
    "fan_hubs": detect_fan_hubs,
}
"""Detector name -> function; a pattern file naming an unknown detector is refused."""

READS_FINDINGS = frozenset({"communities", "nexus"})
"""Detectors that start from alerts: they run after the rules and the other patterns."""
