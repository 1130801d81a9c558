"""write_graph: every suffix writes a file its tool reads back, with the attributes intact and safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import polars as pl
import pyarrow as pa
import pytest

from screening import Store
from screening.errors import InputError
from screening.network.export import WRITERS, write_graph
from screening.synth import bundled_fx_rates
from tests.network.sample_graphs import (
    BROKER,
    FORMULA_NAME,
    SCRIPT_NAME,
    T0,
    sample_flow_graph,
    sample_payment_graph,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BOTH = pytest.mark.parametrize(
    "graph", [sample_flow_graph(), sample_payment_graph()], ids=["digraph", "multidigraph"]
)


def edge_set(graph: nx.DiGraph[Any]) -> set[tuple[Any, ...]]:
    if graph.is_multigraph():
        return {(u, v, k) for u, v, k in graph.edges(keys=True)}  # type: ignore[call-overload]
    return set(graph.edges())


# --- GraphML ----------------------------------------------------------------------------------


@BOTH
def test_graphml_reads_back_with_every_attribute(graph: nx.DiGraph[Any], tmp_path: Path) -> None:
    [path] = write_graph(graph, tmp_path / "net.graphml")
    back = nx.read_graphml(path)
    assert back.is_multigraph() == graph.is_multigraph()
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert edge_set(back) == edge_set(graph)
    assert back.graph["title"] == graph.graph["title"]


def test_graphml_keeps_booleans_and_integers_typed(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.graphml")
    back = nx.read_graphml(path)
    donor = back.nodes["NP-ACC-0001"]
    assert donor["victim"] is True and isinstance(donor["alerts"], int) and isinstance(donor["risk"], float)
    assert back.edges["DE89370400440532013000", BROKER] == {
        "count": 2,
        "amount": 135_000.0,
        "first": T0,
        "last": T0 + 9 * 86_400,
    }


def test_numpy_numbers_are_written_as_plain_numbers(tmp_path: Path) -> None:
    graph = sample_flow_graph()
    graph.nodes[BROKER]["risk"] = np.float64(0.9731)
    graph.nodes[BROKER]["alerts"] = np.int64(3)
    [path] = write_graph(graph, tmp_path / "net.graphml")
    assert nx.read_graphml(path).nodes[BROKER]["risk"] == 0.9731


# --- GEXF (Gephi) -----------------------------------------------------------------------------


@BOTH
def test_gexf_reads_back_with_attributes_and_gephi_styling(graph: nx.DiGraph[Any], tmp_path: Path) -> None:
    [path] = write_graph(graph, tmp_path / "net.gexf")
    back = nx.read_gexf(path)
    assert edge_set(back) == edge_set(graph)
    broker = back.nodes[BROKER]
    assert broker["name"] == "Harrow Medical Tourism Ltd" and broker["label"] == "Harrow Medical Tourism Ltd"
    assert broker["victim"] is False and broker["focus"] is True and broker["alerts"] == 3
    assert broker["viz"]["color"] == {"r": 0xD5, "g": 0x5E, "b": 0x00, "a": 1.0}
    assert {"x", "y", "z"} <= set(broker["viz"]["position"])


def test_gexf_colours_detector_role_names_like_their_legend_entry(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.gexf")
    clinic = nx.read_gexf(path).nodes["TR-CLINIC-7"]
    assert clinic["role"] == "medical facility"
    assert clinic["viz"]["color"] == {"r": 0xCC, "g": 0x79, "b": 0xA7, "a": 1.0}


def test_gexf_labels_an_unnamed_account_by_its_number(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.gexf")
    assert nx.read_gexf(path).nodes["CN-ACC-5"]["label"] == "CN-ACC-5"


def test_gexf_weighs_flows_by_amount(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.gexf")
    assert nx.read_gexf(path).edges["DE89370400440532013000", BROKER]["weight"] == 135_000.0


# --- Cytoscape JSON ---------------------------------------------------------------------------


@BOTH
def test_cyjs_reads_back_through_networkx(graph: nx.DiGraph[Any], tmp_path: Path) -> None:
    [path] = write_graph(graph, tmp_path / "net.cyjs")
    back = nx.cytoscape_graph(json.loads(path.read_text(encoding="utf-8")))
    assert back.is_directed() and back.is_multigraph() == graph.is_multigraph()
    assert edge_set(back) == edge_set(graph)
    assert back.nodes["TR-CLINIC-7"]["name"] == SCRIPT_NAME
    assert back.nodes["NP-ACC-0001"]["victim"] is True


def test_cyjs_edges_have_unique_ids_apart_from_node_ids(tmp_path: Path) -> None:
    [path] = write_graph(sample_payment_graph(), tmp_path / "net.cyjs")
    elements = json.loads(path.read_text(encoding="utf-8"))["elements"]
    edge_ids = [e["data"]["id"] for e in elements["edges"]]
    node_ids = {n["data"]["id"] for n in elements["nodes"]}
    assert len(set(edge_ids)) == len(edge_ids) == 14
    assert not node_ids & set(edge_ids)


def test_cyjs_nodes_carry_positions_and_the_network_a_name(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.cyjs")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["data"]["name"] == f"Around {BROKER} — 2 hops"
    assert all(set(n["position"]) == {"x", "y"} for n in document["elements"]["nodes"])


def test_cyjs_names_an_unnamed_account_by_its_number(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.cyjs")
    nodes = json.loads(path.read_text(encoding="utf-8"))["elements"]["nodes"]
    assert next(n["data"]["name"] for n in nodes if n["data"]["id"] == "CN-ACC-5") == "CN-ACC-5"


# --- CSV (i2, Excel, Neo4j) -------------------------------------------------------------------


def test_csv_writes_a_node_file_and_an_edge_file_beside_the_name(tmp_path: Path) -> None:
    written = write_graph(sample_flow_graph(), tmp_path / "ring.csv")
    assert written == [tmp_path / "ring.nodes.csv", tmp_path / "ring.edges.csv"]


def test_csv_nodes_have_neo4j_import_headers_and_every_account(tmp_path: Path) -> None:
    nodes_path, _ = write_graph(sample_flow_graph(), tmp_path / "ring.csv")
    nodes = pl.read_csv(nodes_path)
    assert nodes.columns == [
        "id:ID",
        "name",
        "country",
        "type",
        "role",
        "roles:string[]",
        "risk:double",
        "alerts:long",
        "victim:boolean",
        "focus:boolean",
        ":LABEL",
    ]
    broker = nodes.filter(pl.col("id:ID") == BROKER).row(0, named=True)
    assert broker["roles:string[]"] == "broker;hub" and broker["risk:double"] == 0.9731
    assert broker["alerts:long"] == 3 and broker["focus:boolean"] is True and broker[":LABEL"] == "Account"
    assert nodes.height == 11


def test_csv_flows_have_start_end_type_and_iso_times(tmp_path: Path) -> None:
    _, edges_path = write_graph(sample_flow_graph(), tmp_path / "ring.csv")
    edges = pl.read_csv(edges_path)
    assert edges.columns == [
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "count:long",
        "amount:double",
        "first:datetime",
        "last:datetime",
    ]
    flow = edges.filter(pl.col(":START_ID") == "DE89370400440532013000").row(0, named=True)
    assert flow == {
        ":START_ID": "DE89370400440532013000",
        ":END_ID": BROKER,
        ":TYPE": "PAID",
        "count:long": 2,
        "amount:double": 135_000.0,
        "first:datetime": "2026-03-02T00:00:00Z",
        "last:datetime": "2026-03-11T00:00:00Z",
    }


def test_csv_payments_have_one_row_each_with_their_txn_id(tmp_path: Path) -> None:
    _, edges_path = write_graph(sample_payment_graph(), tmp_path / "payments.csv")
    edges = pl.read_csv(edges_path)
    assert edges.columns[:4] == [":START_ID", ":END_ID", ":TYPE", "txn_id"]
    assert sorted(edges["txn_id"]) == [f"T{i:02d}" for i in range(1, 15)]
    assert set(edges.columns) >= {"amount:double", "ts:datetime", "currency", "purpose"}


def test_csv_neutralises_formulas_in_names_purposes_and_ids(tmp_path: Path) -> None:
    nodes_path, edges_path = write_graph(sample_payment_graph(), tmp_path / "payments.csv")
    nodes, edges = pl.read_csv(nodes_path), pl.read_csv(edges_path)
    assert nodes.filter(pl.col("id:ID") == "PK-ACC-0002")["name"].item() == "'" + FORMULA_NAME
    assert edges.filter(pl.col("txn_id") == "T06")["purpose"].item() == "'=cmd|' /C calc'!A0"
    # An account that starts like a formula is quoted the same way in both files, so links still match.
    assert "'-ACC-MINUS" in nodes["id:ID"].to_list()
    assert set(edges[":START_ID"]) | set(edges[":END_ID"]) <= set(nodes["id:ID"])


def test_csv_starts_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    nodes_path, edges_path = write_graph(sample_flow_graph(), tmp_path / "ring.csv")
    assert nodes_path.read_bytes().startswith(b"\xef\xbb\xbfid:ID,")
    assert edges_path.read_bytes().startswith(b"\xef\xbb\xbf:START_ID,")


def test_csv_writes_extra_attributes_with_typed_headers(tmp_path: Path) -> None:
    graph = sample_flow_graph()
    for number, node in enumerate(graph):
        graph.nodes[node]["community"] = number % 2
    nodes_path, _ = write_graph(graph, tmp_path / "ring.csv")
    nodes = pl.read_csv(nodes_path)
    assert nodes.columns[-2:] == ["community:long", ":LABEL"]


# --- pictures and the page ---------------------------------------------------------------------


@BOTH
def test_png_is_a_png(graph: nx.DiGraph[Any], tmp_path: Path) -> None:
    [path] = write_graph(graph, tmp_path / "net.png")
    assert path.read_bytes().startswith(PNG_MAGIC)


def test_svg_is_an_svg(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "net.svg")
    assert b"<svg" in path.read_bytes()[:500]


@BOTH
def test_html_is_one_file_with_the_data_inside(graph: nx.DiGraph[Any], tmp_path: Path) -> None:
    [path] = write_graph(graph, tmp_path / "net.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "GB29NWBK60161331926819" in page


# --- every format: empty graphs, suffixes, errors ---------------------------------------------


@pytest.mark.parametrize("suffix", sorted(WRITERS))
@pytest.mark.parametrize("kind", [nx.DiGraph, nx.MultiDiGraph], ids=["digraph", "multidigraph"])
def test_empty_graph_writes_every_format(suffix: str, kind: type[nx.DiGraph[Any]], tmp_path: Path) -> None:
    written = write_graph(kind(), tmp_path / f"empty{suffix}")
    assert written and all(p.stat().st_size > 0 for p in written)


def test_empty_graph_csv_still_has_headers(tmp_path: Path) -> None:
    nodes_path, edges_path = write_graph(nx.DiGraph(), tmp_path / "empty.csv")
    assert pl.read_csv(nodes_path).columns[0] == "id:ID"
    assert pl.read_csv(edges_path).columns[:2] == [":START_ID", ":END_ID"]


def test_suffix_is_read_without_regard_to_case(tmp_path: Path) -> None:
    [path] = write_graph(sample_flow_graph(), tmp_path / "NET.GraphML")
    assert nx.read_graphml(path).number_of_nodes() == 11


def test_unknown_suffix_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"unknown graph format '\.xlsx'; choose one of \.csv, \.cyjs, \.gexf"
    ):
        write_graph(sample_flow_graph(), tmp_path / "net.xlsx")


def test_missing_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no suffix"):
        write_graph(sample_flow_graph(), tmp_path / "net")


def test_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing/net\.graphml: cannot write the graph"):
        write_graph(sample_flow_graph(), tmp_path / "missing" / "net.graphml")


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_graph_without_attributes_writes_every_format(suffix: str, tmp_path: Path) -> None:
    """Accounts with bare ids (even numbers) and flows without figures still export."""
    written = write_graph(nx.DiGraph([(1, 2), (2, 3)]), tmp_path / f"bare{suffix}")
    assert all(p.stat().st_size > 0 for p in written)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_control_characters_in_names_still_give_readable_xml(suffix: str, tmp_path: Path) -> None:
    graph = sample_flow_graph()
    graph.nodes[BROKER]["name"] = "Harrow\x00Medical\x0b"
    [path] = write_graph(graph, tmp_path / f"net{suffix}")
    back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    assert back.nodes[BROKER]["name"] == "Harrow\ufffdMedical\ufffd"


def test_the_callers_graph_is_left_as_it_was(tmp_path: Path) -> None:
    graph = sample_flow_graph()
    before = (dict(graph.nodes(data=True)), list(graph.edges(data=True)), dict(graph.graph))
    write_graph(graph, tmp_path / "net.gexf")
    assert (dict(graph.nodes(data=True)), list(graph.edges(data=True)), dict(graph.graph)) == before


# --- from the store ---------------------------------------------------------------------------


@pytest.fixture
def ring_store(store: Store) -> Store:
    """A store with a recipient paying a broker who pays a donor and a clinic."""
    store.load(bundled_fx_rates(), dataset="fx_rates")
    store.load(
        pa.table(
            {
                "txn_id": ["t1", "t2", "t3", "t4"],
                "ts": [
                    "2026-03-01T10:00:00Z",
                    "2026-03-03T10:00:00Z",
                    "2026-03-05T10:00:00Z",
                    "2026-03-06T10:00:00Z",
                ],
                "amount": ["90000", "1500", "800", "20000"],
                "currency": ["USD"] * 4,
                "payer_account": ["REC-1", "BRK-1", "BRK-1", "BRK-1"],
                "payee_account": ["BRK-1", "DON-1", "DON-1", "CLINIC-1"],
                "payer_name": ["Avi Cohen", "Health Partners", "Health Partners", "Health Partners"],
                "payee_name": ["Health Partners", "=Ion Popa", "=Ion Popa", "<b>Clinic</b>"],
            }
        )
    )
    return store


@pytest.mark.parametrize("payments", [False, True], ids=["flows", "payments"])
@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_graph_from_the_store_writes_every_format(
    ring_store: Store, payments: bool, suffix: str, tmp_path: Path
) -> None:
    graph = ring_store.network(around=("BRK-1",), hops=1, payments=payments)
    written = write_graph(graph, tmp_path / f"store{suffix}")
    assert all(p.stat().st_size > 0 for p in written)


def test_a_graph_from_the_store_reads_back_from_graphml(ring_store: Store, tmp_path: Path) -> None:
    graph = ring_store.network(around=("BRK-1",), hops=1)
    [path] = write_graph(graph, tmp_path / "store.graphml")
    back = nx.read_graphml(path)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert back.edges["BRK-1", "DON-1"]["count"] == 2
