"""What a drawn network looks like: one colour scheme, one layout, one view of nodes and flows.

The static picture, the HTML view, the GEXF ``viz`` attributes and the Cytoscape
positions all read this module, so a broker is the same colour and in the same
place whichever file an analyst opens. Donors are likely victims: they get their
own colour and a square mark, never a suspect's colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from screening.network.layout import positions

ROLE_COLOURS: dict[str, str] = {
    "recipient": "#0072B2",
    "broker": "#D55E00",
    "medical": "#CC79A7",
    "facilitator": "#E69F00",
    "recruiter": "#882255",
    "sanctioned": "#222222",
    "hub": "#56B4E9",
    "victim": "#009E73",
    "other": "#9A9A9A",
}
"""Fill colour per category (Okabe-Ito, readable by most colour-blind readers)."""

ROLE_LABELS: dict[str, str] = {
    "recipient": "Recipient",
    "broker": "Broker",
    "medical": "Medical facility",
    "facilitator": "Facilitator",
    "recruiter": "Recruiter",
    "sanctioned": "Sanctioned / TF subject",
    "hub": "Hub / bridge",
    "victim": "Donor (likely victim)",
    "other": "Other / no role",
}

ROLE_ALIASES: dict[str, str] = {
    "medical facility": "medical",
    "terrorist-financing subject": "sanctioned",
    "bridge": "hub",
}
"""Role names from the detectors that share a colour with a legend entry."""

RISK_OUTLINE = "#B00020"
PLAIN_OUTLINE = "#FFFFFF"
FOCUS_RING = "#000000"
EDGE_COLOUR = "#7A7A7A"


def category(attrs: dict[str, Any]) -> str:
    """The legend entry of a node: victims first, then the primary role, else ``other``.

    >>> category({"role": "donor", "victim": True}), category({"role": "medical facility", "victim": False})
    ('victim', 'medical')
    """
    if attrs.get("victim"):
        return "victim"
    role = str(attrs.get("role") or "")
    role = ROLE_ALIASES.get(role, role)
    return role if role in ROLE_COLOURS else "other"


RISK_HALF = 0.5
"""Risk at which a mark is half-way to its largest size."""


def _saturation(risk: float) -> float:
    """0 for no risk, approaching 1 as risk grows: spreads both 0-1 scores and open-ended ones."""
    risk = max(risk, 0.0)
    return risk / (risk + RISK_HALF)


def node_radius(risk: float) -> float:
    """Radius in pixels: 5 for no risk, 13.5 at risk 0.5, 16.3 at 1, approaching 22.

    >>> node_radius(0.0), node_radius(0.5), round(node_radius(1.0), 1), round(node_radius(1e9), 1)
    (5.0, 13.5, 16.3, 22.0)
    """
    return 5.0 + 17.0 * _saturation(risk)


def outline_width(risk: float) -> float:
    """Width of the red risk outline in pixels: none without risk, then 1 to 4."""
    return 0.0 if risk <= 0 else max(1.0, 4.0 * _saturation(risk))


def edge_width(amount: float, largest: float) -> float:
    """Line width in pixels: by the square root of the amount's share of the largest flow.

    >>> edge_width(100.0, 100.0), edge_width(0.0, 100.0)
    (6.0, 0.6)
    """
    share = amount / largest if largest > 0 else 0.0
    return 0.6 + 5.4 * math.sqrt(max(share, 0.0))


def finite(value: Any) -> float:
    """A number to draw with: NaN and infinities (which no picture or JSON can carry) count as 0.

    >>> finite(float("nan")), finite("2.5")
    (0.0, 2.5)
    """
    number = float(value)
    return number if math.isfinite(number) else 0.0


def utc_text(seconds: int) -> str:
    """Unix seconds as ``YYYY-MM-DD HH:MM`` UTC, for tooltips and labels.

    >>> utc_text(0)
    '1970-01-01 00:00'
    """
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Payment:
    """One payment behind a drawn flow (from a MultiDiGraph)."""

    txn_id: str
    ts: int
    amount: float
    currency: str
    purpose: str


@dataclass(frozen=True)
class ViewNode:
    id: str
    name: str
    country: str
    type: str
    role: str
    roles: str
    risk: float
    alerts: int
    victim: bool
    focus: bool
    category: str
    x: float
    y: float


@dataclass(frozen=True)
class ViewEdge:
    """A drawn arrow: one aggregated flow; for a MultiDiGraph, the payments it sums."""

    source: str
    target: str
    count: int
    amount: float
    first: int
    last: int
    payments: tuple[Payment, ...]


@dataclass(frozen=True)
class View:
    title: str
    base_currency: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    left_out: int
    """Accounts the node budget kept out of the view (``graph.graph["left_out"]``)."""

    @property
    def summary(self) -> str:
        """``12 accounts, 30 flows`` and, when the budget cut the view, how many were left out."""
        cut = f"; {self.left_out} more accounts left out by the node budget" if self.left_out else ""
        return f"{len(self.nodes)} accounts, {len(self.edges)} flows{cut}"

    @property
    def largest_amount(self) -> float:
        return max((e.amount for e in self.edges), default=0.0)


def graph_title(graph: nx.DiGraph[Any]) -> str:
    return str(graph.graph.get("title") or "Payment network")


def view_of(graph: nx.DiGraph[Any]) -> View:
    """Nodes with positions and flows, parallel payments of a MultiDiGraph summed into one arrow."""
    where = positions(graph)
    nodes = tuple(
        ViewNode(
            id=str(node),
            name=str(attrs.get("name", "")),
            country=str(attrs.get("country", "")),
            type=str(attrs.get("type", "")),
            role=str(attrs.get("role", "")),
            roles=str(attrs.get("roles", "")),
            risk=finite(attrs.get("risk", 0.0)),
            alerts=int(attrs.get("alerts", 0)),
            victim=bool(attrs.get("victim", False)),
            focus=bool(attrs.get("focus", False)),
            category=category(attrs),
            x=where[node][0],
            y=where[node][1],
        )
        for node, attrs in graph.nodes(data=True)
    )
    return View(
        title=graph_title(graph),
        base_currency=str(graph.graph.get("base_currency", "")),
        nodes=nodes,
        edges=tuple(_flows(graph)),
        left_out=int(graph.graph.get("left_out", 0)),
    )


def _flows(graph: nx.DiGraph[Any]) -> list[ViewEdge]:
    if not graph.is_multigraph():
        return [
            ViewEdge(
                str(u),
                str(v),
                int(d.get("count", 1)),
                finite(d.get("amount", 0.0)),
                int(d.get("first", 0)),
                int(d.get("last", 0)),
                (),
            )
            for u, v, d in graph.edges(data=True)
        ]
    grouped: dict[tuple[str, str], list[Payment]] = {}
    multi: nx.MultiDiGraph[Any] = graph  # type: ignore[assignment]
    for u, v, key, d in multi.edges(keys=True, data=True):
        grouped.setdefault((str(u), str(v)), []).append(
            Payment(
                str(key),
                int(d.get("ts", 0)),
                finite(d.get("amount", 0.0)),
                str(d.get("currency", "")),
                str(d.get("purpose", "")),
            )
        )
    flows = []
    for (u, v), payments in grouped.items():
        payments.sort(key=lambda p: (p.ts, p.txn_id))
        flows.append(
            ViewEdge(
                u,
                v,
                len(payments),
                sum(p.amount for p in payments),
                payments[0].ts,
                payments[-1].ts,
                tuple(payments),
            )
        )
    return flows
