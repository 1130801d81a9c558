"""Graphs shaped like the ones `store.network(...)` hands to exports, for the export and view tests.

An organ-brokering ring: two recipients pay a broker in the price band, the broker
pays a clinic, a travel agent and three donors (likely victims), a recruiter
brings the donors. Names are hostile on purpose: markup, spreadsheet formulas,
matplotlib math, quotes and non-Latin scripts. Risk is on the store's 0-1 scale.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.example/x","click")'
BREAKOUT_NAME = "</script><!-- <img src=x onerror=alert(2)>"
MATH_NAME = "$\\frac{1}{0}$ & Co"
T0 = 1_772_409_600  # 2026-03-02 00:00 UTC
DAY = 86_400

ACCOUNTS: dict[str, dict[str, Any]] = {
    "GB29NWBK60161331926819": {
        "name": "Harrow Medical Tourism Ltd",
        "country": "GB",
        "type": "organisation",
        "role": "broker",
        "roles": "broker;hub",
        "risk": 0.9731,
        "alerts": 3,
    },
    "DE89370400440532013000": {
        "name": "Klaus Berger",
        "country": "DE",
        "type": "person",
        "role": "recipient",
        "roles": "recipient",
        "risk": 0.62,
        "alerts": 1,
    },
    "IL620108000000099999999": {
        "name": "יוסף כהן",
        "country": "IL",
        "type": "person",
        "role": "recipient",
        "roles": "recipient",
        "risk": 0.58,
        "alerts": 1,
    },
    "NP-ACC-0001": {
        "name": "राम बहादुर",
        "country": "NP",
        "type": "person",
        "role": "donor",
        "roles": "donor",
        "risk": 0.0,
        "alerts": 0,
        "victim": True,
    },
    "PK-ACC-0002": {
        "name": FORMULA_NAME,
        "country": "PK",
        "type": "person",
        "role": "donor",
        "roles": "donor",
        "risk": 0.0,
        "alerts": 0,
        "victim": True,
    },
    "EG-ACC-0003": {
        "name": "محمد علي",
        "country": "EG",
        "type": "person",
        "role": "donor",
        "roles": "donor",
        "risk": 0.0,
        "alerts": 0,
        "victim": True,
    },
    "TR-CLINIC-7": {
        "name": SCRIPT_NAME,
        "country": "TR",
        "type": "organisation",
        "role": "medical facility",
        "roles": "medical facility",
        "risk": 0.81,
        "alerts": 1,
    },
    "TR-TRAVEL-2": {
        "name": "Анатолий Тур",  # noqa: RUF001 (Cyrillic on purpose)
        "country": "TR",
        "type": "organisation",
        "role": "facilitator",
        "roles": "facilitator",
        "risk": 0.25,
        "alerts": 0,
    },
    "NP-RECRUIT-9": {
        "name": BREAKOUT_NAME,
        "country": "NP",
        "type": "person",
        "role": "recruiter",
        "roles": "recruiter",
        "risk": 0.7,
        "alerts": 1,
    },
    "-ACC-MINUS": {
        "name": MATH_NAME,
        "country": "",
        "type": "",
        "role": "",
        "roles": "",
        "risk": 0.0,
        "alerts": 0,
    },
    "CN-ACC-5": {
        "name": "",
        "country": "CN",
        "type": "organisation",
        "role": "sanctioned",
        "roles": "sanctioned",
        "risk": 0.99,
        "alerts": 2,
    },
}
BROKER = "GB29NWBK60161331926819"

PAYMENTS: list[tuple[str, str, str, int, float, str, str]] = [
    # txn_id, payer, payee, ts, amount (base), currency, purpose
    ("T01", "DE89370400440532013000", BROKER, T0, 95_000.0, "EUR", "medical treatment abroad"),
    ("T02", "DE89370400440532013000", BROKER, T0 + 9 * DAY, 40_000.0, "EUR", "second instalment"),
    ("T03", "IL620108000000099999999", BROKER, T0 + 2 * DAY, 120_000.0, "USD", "transplant package"),
    ("T04", BROKER, "TR-CLINIC-7", T0 + 12 * DAY, 30_000.0, "EUR", "surgery"),
    ("T05", BROKER, "TR-TRAVEL-2", T0 + 13 * DAY, 4_200.0, "EUR", "flights"),
    ("T06", BROKER, "NP-ACC-0001", T0 + 14 * DAY, 1_500.0, "USD", "=cmd|' /C calc'!A0"),
    ("T07", BROKER, "NP-ACC-0001", T0 + 40 * DAY, 1_000.0, "USD", ""),
    ("T08", BROKER, "PK-ACC-0002", T0 + 15 * DAY, 2_000.0, "USD", "gift"),
    ("T09", BROKER, "EG-ACC-0003", T0 + 16 * DAY, 1_800.0, "USD", "gift"),
    ("T10", BROKER, "NP-RECRUIT-9", T0 + 17 * DAY, 900.0, "USD", "commission"),
    ("T11", "NP-RECRUIT-9", "NP-ACC-0001", T0 + 18 * DAY, 100.0, "NPR", "advance"),
    ("T12", BROKER, "-ACC-MINUS", T0 + 20 * DAY, 10_000.0, "EUR", SCRIPT_NAME),
    ("T13", "-ACC-MINUS", "CN-ACC-5", T0 + 21 * DAY, 9_500.0, "EUR", "consulting"),
    ("T14", "CN-ACC-5", BROKER, T0 + 30 * DAY, 9_000.0, "EUR", "refund"),
]


def _add_accounts(graph: nx.DiGraph[Any], focus: str) -> None:
    for account, attrs in ACCOUNTS.items():
        graph.add_node(account, **{"victim": False, **attrs, "focus": account == focus})


def sample_flow_graph(focus: str = BROKER) -> nx.DiGraph[Any]:
    """Aggregated flows (count, amount, first, last), as `store.network(...)` returns them."""
    graph: nx.DiGraph[Any] = nx.DiGraph(title=f"Around {focus} — 2 hops", base_currency="EUR")
    _add_accounts(graph, focus)
    for _, payer, payee, ts, amount, _, _ in PAYMENTS:
        if graph.has_edge(payer, payee):
            flow = graph.edges[payer, payee]
            flow["count"] += 1
            flow["amount"] += amount
            flow["first"] = min(flow["first"], ts)
            flow["last"] = max(flow["last"], ts)
        else:
            graph.add_edge(payer, payee, count=1, amount=amount, first=ts, last=ts)
    return graph


def sample_payment_graph(focus: str = BROKER) -> nx.MultiDiGraph[Any]:
    """Individual payments keyed by txn_id, as the multigraph of a small subgraph."""
    graph: nx.MultiDiGraph[Any] = nx.MultiDiGraph(title=SCRIPT_NAME, base_currency="EUR")
    _add_accounts(graph, focus)
    for txn_id, payer, payee, ts, amount, currency, purpose in PAYMENTS:
        graph.add_edge(payer, payee, key=txn_id, amount=amount, ts=ts, currency=currency, purpose=purpose)
    return graph


def sample_large_graph(brokers: int = 60, donors_per_broker: int = 40) -> nx.DiGraph[Any]:
    """Thousands of accounts: rings that share recipients, to check views stay usable at size."""
    graph: nx.DiGraph[Any] = nx.DiGraph(title="Many rings", base_currency="EUR")
    node = {"country": "XX", "type": "person", "roles": "", "alerts": 0, "focus": False}
    for b in range(brokers):
        broker = f"B{b}"
        graph.add_node(broker, **node, name=f"Broker {b}", role="broker", risk=0.9, victim=False)
        for r in (f"R{b}", f"R{(b + 1) % brokers}"):
            graph.add_node(r, **node, name=f"Recipient {r}", role="recipient", risk=0.4, victim=False)
            graph.add_edge(r, broker, count=1, amount=90_000.0, first=T0, last=T0)
        for d in range(donors_per_broker):
            donor = f"D{b}-{d}"
            graph.add_node(donor, **node, name=f"Donor {donor}", role="donor", risk=0.0, victim=True)
            graph.add_edge(broker, donor, count=2, amount=2_500.0, first=T0 + DAY, last=T0 + 9 * DAY)
    return graph
