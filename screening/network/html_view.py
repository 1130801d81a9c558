"""A single self-contained HTML file to explore a payment network offline.

Why a hand-written canvas view rather than a vendored library such as cytoscape.js:
positions come from :mod:`screening.network.layout` (the same map as the PNG and
GEXF), so the page only draws, pans, zooms and explains; that takes a few hundred
lines of plain JavaScript kept in ``assets/``, stays fast at thousands of accounts
on a canvas, and leaves no third-party code to audit or update in an FIU's network.

Safety: the graph travels as JSON in a ``<script type="application/json">`` element
with ``<``, ``>`` and ``&`` escaped, so no name can close the element or open a
comment; the script shows names through ``textContent`` and canvas text only. A
Content-Security-Policy allows nothing but the page's own script and style (by hash),
so the file cannot fetch or send anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib.resources import files
from typing import Any

import networkx as nx

from screening.network.drawing import (
    ROLE_COLOURS,
    ROLE_LABELS,
    View,
    edge_width,
    node_radius,
    outline_width,
    utc_text,
    view_of,
)

PAYMENTS_PER_TOOLTIP = 12
"""A flow's tooltip lists at most this many of its payments (MultiDiGraph only)."""


@cache
def _asset(name: str) -> str:
    return (files("screening.network") / "assets" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def script_json(value: Any) -> str:
    """JSON that is inert inside a ``<script>`` element: no ``</script>``, no ``<!--``.

    >>> script_json({"name": "</script><!--"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def view_data(view: View, multigraph: bool) -> dict[str, Any]:
    """What the page's script draws: nodes with colour and size, flows with width, the legend."""
    index = {n.id: i for i, n in enumerate(view.nodes)}
    largest = view.largest_amount
    present = {n.category for n in view.nodes}
    return {
        "title": view.title,
        "currency": view.base_currency,
        "multigraph": multigraph,
        "payments": sum(e.count for e in view.edges),
        "left_out": view.left_out,
        "legend": [
            {"label": ROLE_LABELS[key], "colour": colour, "square": key == "victim"}
            for key, colour in ROLE_COLOURS.items()
            if key in present
        ],
        "nodes": [
            {
                "id": n.id,
                "name": n.name,
                "label": (n.name or n.id)[:40],
                "country": n.country,
                "type": n.type,
                "role": n.role,
                "roles": n.roles,
                "risk": n.risk,
                "alerts": n.alerts,
                "victim": n.victim,
                "focus": n.focus,
                "colour": ROLE_COLOURS[n.category],
                "r": round(node_radius(n.risk), 2),
                "outline": round(outline_width(n.risk), 2),
                "x": round(n.x, 5),
                "y": round(n.y, 5),
            }
            for n in view.nodes
        ],
        "edges": [
            {
                "s": index[e.source],
                "t": index[e.target],
                "count": e.count,
                "amount": e.amount,
                "first": utc_text(e.first) + " UTC",
                "last": utc_text(e.last) + " UTC",
                "w": round(edge_width(e.amount, largest), 2),
                **(
                    {
                        "payments": [
                            {
                                "id": p.txn_id,
                                "when": utc_text(p.ts),
                                "amount": p.amount,
                                "currency": p.currency,
                                "purpose": p.purpose,
                            }
                            for p in e.payments[:PAYMENTS_PER_TOOLTIP]
                        ]
                    }
                    if multigraph
                    else {}
                ),
            }
            for e in view.edges
        ],
    }


def html_document(graph: nx.DiGraph[Any]) -> str:
    """The complete page for ``graph``: markup, inline style and script, the data as JSON."""
    view = view_of(graph)
    script = _asset("view.js")
    style = _asset("view.css")
    policy = f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}"
    data = script_json(view_data(view, graph.is_multigraph()))
    title = html.escape(view.title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1 id="title">{title}</h1>
<span id="summary"></span>
<div id="tools">
<input id="search" type="search" placeholder="Find account or name, Enter" aria-label="Find account or name">
<button id="zoom-in" type="button" title="Zoom in">+</button>
<button id="zoom-out" type="button" title="Zoom out">&minus;</button>
<button id="fit" type="button" title="Show everything">Fit</button>
</div>
</header>
<main>
<canvas id="canvas" aria-label="Payment network drawing"></canvas>
<div id="legend"><ul id="legend-items"></ul></div>
<div id="tooltip" hidden></div>
<div id="help">Drag to pan, wheel to zoom, hover for details, click an account to highlight its flows.</div>
<div id="error" hidden></div>
<noscript><div id="noscript">This view needs JavaScript; PNG, GraphML and CSV exports do not.</div></noscript>
</main>
<script type="application/json" id="graph-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
