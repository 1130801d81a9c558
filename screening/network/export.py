"""Write a payment network to the files analysts open elsewhere; the suffix chooses the format.

``.graphml`` (yEd, Gephi, networkx), ``.gexf`` (Gephi, with colours, sizes and
positions), ``.cyjs`` (Cytoscape), ``.csv`` (a node and an edge CSV for i2
Analyst's Notebook, Excel and Neo4j), ``.html`` (a self-contained interactive view),
``.png`` and ``.svg`` (pictures). Every format carries the same attributes; the
drawn ones share one colour scheme and layout (:mod:`screening.network.drawing`).

>>> import tempfile, pathlib
>>> g = nx.DiGraph(title="Ring")
>>> g.add_node("A", name="Broker Ltd", role="broker", risk=3.0)
>>> g.add_edge("A", "B", count=2, amount=900.0, first=0, last=86400)
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in write_graph(g, folder / "ring.csv")]
['ring.nodes.csv', 'ring.edges.csv']
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import polars as pl

from screening.errors import InputError
from screening.network.drawing import ROLE_COLOURS, category, graph_title, node_radius
from screening.network.html_view import html_document
from screening.network.layout import positions
from screening.network.picture import static_picture
from screening.spreadsheet import safe_for_spreadsheets

NODE_COLUMNS: dict[str, str] = {
    "name": "name",
    "country": "country",
    "type": "type",
    "role": "role",
    "roles": "roles:string[]",
    "risk": "risk:double",
    "alerts": "alerts:long",
    "victim": "victim:boolean",
    "focus": "focus:boolean",
}
"""Node attributes of the contract and their CSV headers (neo4j-admin import style)."""

FLOW_COLUMNS = {
    "count": "count:long",
    "amount": "amount:double",
    "first": "first:datetime",
    "last": "last:datetime",
}
PAYMENT_COLUMNS = {
    "txn_id": "txn_id",
    "amount": "amount:double",
    "ts": "ts:datetime",
    "currency": "currency",
    "purpose": "purpose",
}

TIME_ATTRIBUTES = frozenset({"first", "last", "ts"})
"""Edge attributes in Unix seconds; CSV writes them as ISO 8601 UTC (``:datetime``)."""

RELATIONSHIP = "PAID"
GEXF_POSITION_SCALE = 1000.0
"""Gephi's canvas works in hundreds of units; layout positions in [-1, 1] are scaled up."""


def write_graph(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
    """Write ``graph`` in the format ``path``'s suffix names; return the files written.

    ``.csv`` writes two files beside each other: ``NAME.nodes.csv`` and
    ``NAME.edges.csv``. An unknown suffix raises :class:`InputError` listing the choices.
    """
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        choices = ", ".join(sorted(WRITERS))
        given = f"{path.suffix!r}" if path.suffix else "no suffix"
        raise InputError(f"unknown graph format {given}; choose one of {choices}", path=str(path))
    try:
        return writer(_plain_copy(graph), path)
    except OSError as error:
        raise InputError(f"cannot write the graph: {error.strerror or error}", path=str(path)) from error


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters in hostile names become U+FFFD.

    >>> _xml_text("A\\x00B\\x0bC")
    'A\ufffdB\ufffdC'
    """
    return _NOT_XML.sub("\ufffd", text)


def _plain(value: Any, text: Callable[[str], str]) -> Any:
    """A value every format can carry: numpy scalars as Python ones, anything odd as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float):
        return value
    return text(value if isinstance(value, str) else str(value))


def _plain_copy(graph: nx.DiGraph[Any], text: Callable[[str], str] = str) -> nx.DiGraph[Any]:
    """A copy with string node ids and only bool/int/float/str attributes (None dropped)."""

    def attributes(attrs: dict[str, Any]) -> dict[str, Any]:
        return {text(str(k)): _plain(v, text) for k, v in attrs.items() if v is not None}

    copy: nx.DiGraph[Any] = graph.__class__()
    copy.graph.update(attributes(graph.graph))
    for node, attrs in graph.nodes(data=True):
        copy.add_node(text(str(node)), **attributes(attrs))
    if graph.is_multigraph():
        for u, v, key, attrs in graph.edges(keys=True, data=True):  # type: ignore[call-overload]
            copy.add_edge(text(str(u)), text(str(v)), key=text(str(key)), **attributes(attrs))
    else:
        for u, v, attrs in graph.edges(data=True):
            copy.add_edge(text(str(u)), text(str(v)), **attributes(attrs))
    return copy


def _write_graphml(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
    nx.write_graphml(_plain_copy(graph, _xml_text), path, infer_numeric_types=True)
    return [path]


def _write_gexf(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
    """GEXF with Gephi's ``viz`` colours, sizes and positions, labels and amount as weight."""
    graph = _plain_copy(graph, _xml_text)
    where = positions(graph)
    graph.graph["name"] = graph_title(graph)
    for node, attrs in graph.nodes(data=True):
        colour = ROLE_COLOURS[category(attrs)]
        x, y = where[node]
        attrs["label"] = attrs.get("name") or node
        attrs["viz"] = {
            "color": {
                "r": int(colour[1:3], 16),
                "g": int(colour[3:5], 16),
                "b": int(colour[5:7], 16),
                "a": 1.0,
            },
            "size": node_radius(float(attrs.get("risk", 0.0))),
            "position": {"x": x * GEXF_POSITION_SCALE, "y": y * GEXF_POSITION_SCALE, "z": 0.0},
        }
    for *_, attrs in graph.edges(data=True):
        attrs["weight"] = float(attrs.get("amount", 0.0))
    nx.write_gexf(graph, path)
    return [path]


def _write_cyjs(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
    path.write_text(json.dumps(cytoscape_json(graph), ensure_ascii=False, indent=1), encoding="utf-8")
    return [path]


def cytoscape_json(graph: nx.DiGraph[Any]) -> dict[str, Any]:
    """``nx.cytoscape_data`` plus what Cytoscape desktop wants: unique edge ids, positions, a name.

    As in ``nx.cytoscape_data``, a node's ``name`` is its account when the account has no name.
    """
    data = nx.cytoscape_data(graph)
    data["data"] = {**graph.graph, "name": graph_title(graph)}
    where = positions(graph)
    for element in data["elements"]["nodes"]:
        x, y = where[element["data"]["value"]]
        element["position"] = {"x": x * GEXF_POSITION_SCALE, "y": -y * GEXF_POSITION_SCALE}
    prefix = "edge-"
    while any(str(node).startswith(prefix) for node in graph):
        prefix = "_" + prefix
    for number, element in enumerate(data["elements"]["edges"]):
        element["data"]["id"] = f"{prefix}{number}"
    return data


def csv_paths(path: Path) -> tuple[Path, Path]:
    """``out.csv`` -> ``out.nodes.csv`` and ``out.edges.csv`` in the same folder."""
    return path.with_suffix(".nodes.csv"), path.with_suffix(".edges.csv")


def _write_csv(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
    nodes_path, edges_path = csv_paths(path)
    for frame, target in ((node_frame(graph), nodes_path), (edge_frame(graph), edges_path)):
        safe_for_spreadsheets(frame).write_csv(target, include_bom=True)
    return [nodes_path, edges_path]


def _header(name: str, values: list[Any]) -> str:
    """Neo4j-typed header from every value the attribute takes; mixed kinds fall back to text."""
    kinds = {type(value) for value in values}
    if kinds == {int} and name in TIME_ATTRIBUTES:
        return f"{name}:datetime"
    if kinds == {bool}:
        return f"{name}:boolean"
    if kinds == {int}:
        return f"{name}:long"
    if kinds and kinds <= {int, float}:
        return f"{name}:double"
    return name


def _cell(name: str, header: str, value: Any) -> Any:
    if value is None:
        return None
    if header.endswith(":datetime"):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if header.endswith(":double"):
        return float(value)
    return value if ":" in header else str(value)


def _columns(records: list[dict[str, Any]], fixed: dict[str, str]) -> dict[str, str]:
    """Header per attribute: the contract's first, then any others in name order."""
    values: dict[str, list[Any]] = {}
    for record in records:
        for name, value in record.items():
            values.setdefault(name, []).append(value)
    extra = {name: _header(name, values[name]) for name in sorted(values) if name not in fixed}
    return {**fixed, **extra}


def _frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> pl.DataFrame:
    types = {"boolean": pl.Boolean, "long": pl.Int64, "double": pl.Float64, "string[]": pl.String}
    schema = {header: types.get(header.partition(":")[2], pl.String) for header in columns.values()}
    return pl.DataFrame(
        [{header: _cell(name, header, row.get(name)) for name, header in columns.items()} for row in rows],
        schema=schema,
        orient="row",
    )


def node_frame(graph: nx.DiGraph[Any]) -> pl.DataFrame:
    """One row per account, headed for neo4j-admin import (``id:ID``, ``risk:double``, ``:LABEL``)."""
    records = [
        {k: v for k, v in attrs.items() if k not in ("id", "label")} for _, attrs in graph.nodes(data=True)
    ]
    columns = {"id": "id:ID", **_columns(records, NODE_COLUMNS), "label": ":LABEL"}
    rows = [
        {**attrs, "id": str(node), "label": "Account"} for node, attrs in zip(graph, records, strict=True)
    ]
    return _frame(rows, columns)


def edge_frame(graph: nx.DiGraph[Any]) -> pl.DataFrame:
    """One row per flow (DiGraph) or per payment (MultiDiGraph, with ``txn_id``), type ``PAID``."""
    ends = {"source": ":START_ID", "target": ":END_ID", "type": ":TYPE"}
    rows: list[dict[str, Any]]
    if graph.is_multigraph():
        triples = graph.edges(keys=True, data=True)  # type: ignore[call-overload]
        rows = [{**d, "txn_id": k, "source": u, "target": v, "type": RELATIONSHIP} for u, v, k, d in triples]
        fixed = PAYMENT_COLUMNS
    else:
        rows = [{**d, "source": u, "target": v, "type": RELATIONSHIP} for u, v, d in graph.edges(data=True)]
        fixed = FLOW_COLUMNS
    attributes = [{k: v for k, v in row.items() if k not in ends} for row in rows]
    return _frame(rows, {**ends, **_columns(attributes, fixed)})


def _write_html(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
    path.write_text(html_document(graph), encoding="utf-8")
    return [path]


def _picture_writer(fmt: str) -> Callable[[nx.DiGraph[Any], Path], list[Path]]:
    def write(graph: nx.DiGraph[Any], path: Path) -> list[Path]:
        path.write_bytes(static_picture(graph, "png" if fmt == "png" else "svg"))
        return [path]

    return write


WRITERS: dict[str, Callable[[nx.DiGraph[Any], Path], list[Path]]] = {
    ".graphml": _write_graphml,
    ".gexf": _write_gexf,
    ".cyjs": _write_cyjs,
    ".csv": _write_csv,
    ".html": _write_html,
    ".png": _picture_writer("png"),
    ".svg": _picture_writer("svg"),
}
"""Format per suffix; ``write_graph`` refuses any other."""
