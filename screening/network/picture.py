"""A static picture of a payment network (PNG or SVG) for reports, case files and `--out x.png`.

Drawn with matplotlib's object API (a ``Figure`` rendered by Agg, no pyplot state),
in the colours of :mod:`screening.network.drawing`. Names are drawn as text with
math parsing off, so a ``$`` in a hostile name is just a character; SVG text is
written as paths, so the picture can be embedded in an HTML report without
carrying any markup from the data.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any, Literal

import matplotlib as mpl
import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from screening.network.drawing import (
    EDGE_COLOUR,
    FOCUS_RING,
    PLAIN_OUTLINE,
    RISK_OUTLINE,
    ROLE_COLOURS,
    ROLE_LABELS,
    View,
    ViewNode,
    edge_width,
    node_radius,
    outline_width,
    view_of,
)

PictureFormat = Literal["png", "svg"]

LABEL_ALL_UP_TO = 40
"""Smaller graphs get every name; larger ones only focus accounts and the riskiest."""
LABEL_RISKIEST = 15
_POINTS_PER_PIXEL = 0.75


def static_picture(graph: nx.DiGraph[Any], fmt: PictureFormat = "png") -> bytes:
    """The network drawn as PNG or SVG bytes, with a title and a legend.

    >>> g = nx.DiGraph(title="Ring")
    >>> g.add_node("A", name="Broker Ltd", role="broker", risk=3.0)
    >>> g.add_node("B", name="Donor", role="donor", victim=True)
    >>> g.add_edge("A", "B", count=2, amount=900.0, first=0, last=86400)
    >>> static_picture(g, "png")[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"picture format must be png or svg, not {fmt!r}")
    view = view_of(graph)
    side = min(22.0, 8.0 + math.sqrt(len(view.nodes)) / 3)  # inches; text grows with the canvas
    rc = mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "screening", "font.size": 0.9 * side})
    with rc, warnings.catch_warnings():
        # Scripts the bundled font lacks (e.g. CJK) are drawn as boxes rather than warned about.
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        figure = _draw(view, side)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
        figure.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()


def _draw(view: View, side: float) -> Figure:
    figure = Figure(figsize=(side * 1.25, side), layout="constrained")
    axes = figure.add_subplot()
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.set_xlim(-1.12, 1.12)
    axes.set_ylim(-1.12, 1.12)
    axes.set_title(f"{view.title}\n{view.summary}", parse_math=False, fontsize="x-large")
    if not view.nodes:
        axes.text(0, 0, "No accounts in this view", ha="center", va="center", color="#555555")
        return figure
    _draw_edges(axes, view)
    _draw_nodes(axes, view.nodes)
    _draw_labels(axes, view.nodes)
    _draw_legend(axes, view)
    return figure


def _draw_edges(axes: Any, view: View) -> None:
    where = {n.id: (n.x, n.y) for n in view.nodes}
    edges = [e for e in view.edges if e.source != e.target]
    if not edges:
        return
    start = np.array([where[e.source] for e in edges])
    end = np.array([where[e.target] for e in edges])
    largest = view.largest_amount
    widths = [edge_width(e.amount, largest) * _POINTS_PER_PIXEL for e in edges]
    segments = list(np.stack((start, end), axis=1))
    axes.add_collection(LineCollection(segments, linewidths=widths, colors=EDGE_COLOUR, alpha=0.55))
    # Direction: a small arrowhead two thirds along each flow.
    vector = end - start
    length = np.maximum(np.hypot(vector[:, 0], vector[:, 1]), 1e-9)[:, None]
    unit = vector / length
    normal = np.column_stack((-unit[:, 1], unit[:, 0]))
    size = 0.018 if len(view.nodes) < 200 else 0.009
    tip = start + vector * (2 / 3) + unit * size
    base = start + vector * (2 / 3) - unit * size
    heads = np.stack((tip, base + normal * size * 0.6, base - normal * size * 0.6), axis=1)
    axes.add_collection(PolyCollection(list(heads), facecolors=EDGE_COLOUR, edgecolors="none", alpha=0.85))


def _draw_nodes(axes: Any, nodes: tuple[ViewNode, ...]) -> None:
    for marker, group in (("o", [n for n in nodes if not n.victim]), ("s", [n for n in nodes if n.victim])):
        if not group:
            continue
        axes.scatter(
            [n.x for n in group],
            [n.y for n in group],
            s=[(2 * node_radius(n.risk) * _POINTS_PER_PIXEL) ** 2 for n in group],
            c=[ROLE_COLOURS[n.category] for n in group],
            edgecolors=[RISK_OUTLINE if n.risk > 0 else PLAIN_OUTLINE for n in group],
            linewidths=[max(outline_width(n.risk), 0.6) * _POINTS_PER_PIXEL for n in group],
            marker=marker,
            zorder=3,
        )
    focus = [n for n in nodes if n.focus]
    if focus:
        axes.scatter(
            [n.x for n in focus],
            [n.y for n in focus],
            s=[(2 * node_radius(n.risk) * _POINTS_PER_PIXEL + 9) ** 2 for n in focus],
            facecolors="none",
            edgecolors=FOCUS_RING,
            linewidths=1.8,
            zorder=4,
        )


def _draw_labels(axes: Any, nodes: tuple[ViewNode, ...]) -> None:
    if len(nodes) <= LABEL_ALL_UP_TO:
        shown = list(nodes)
    else:
        riskiest = sorted((n for n in nodes if n.risk > 0), key=lambda n: -n.risk)[:LABEL_RISKIEST]
        shown = list({n.id: n for n in [*riskiest, *(n for n in nodes if n.focus)]}.values())
    for n in shown:
        text = n.name or n.id
        axes.annotate(
            text if len(text) <= 28 else text[:27] + "…",
            (n.x, n.y),
            xytext=(0, -(node_radius(n.risk) * _POINTS_PER_PIXEL + 3)),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize="small",
            parse_math=False,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7},
        )


def _draw_legend(axes: Any, view: View) -> None:
    present = {n.category for n in view.nodes}
    handles: list[Line2D] = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="s" if key == "victim" else "o",
            markersize=8,
            markerfacecolor=colour,
            markeredgecolor=PLAIN_OUTLINE,
            label=ROLE_LABELS[key],
        )
        for key, colour in ROLE_COLOURS.items()
        if key in present
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=10,
            markerfacecolor="#DDDDDD",
            markeredgecolor=RISK_OUTLINE,
            markeredgewidth=2,
            label="Size and red outline: risk",
        )
    )
    if any(n.focus for n in view.nodes):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=12,
                markerfacecolor="none",
                markeredgecolor=FOCUS_RING,
                label="Focus of the view",
            )
        )
    if view.edges:
        currency = f" ({view.base_currency})" if view.base_currency else ""
        handles.append(Line2D([], [], color=EDGE_COLOUR, linewidth=3, label=f"Width: amount paid{currency}"))
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
