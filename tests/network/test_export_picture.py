"""static_picture: PNG and SVG bytes that reports embed and `--out x.png` writes."""

from __future__ import annotations

from typing import Any

import defusedxml.ElementTree as SafeET
import networkx as nx
import pytest

from screening.network.picture import static_picture
from tests.network.sample_graphs import SCRIPT_NAME, sample_flow_graph, sample_payment_graph

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_png_of_flow_graph_is_a_png() -> None:
    assert static_picture(sample_flow_graph(), "png").startswith(PNG_MAGIC)


def test_png_of_payment_multigraph_is_a_png() -> None:
    assert static_picture(sample_payment_graph(), "png").startswith(PNG_MAGIC)


def test_svg_is_well_formed_xml_with_an_svg_root() -> None:
    root = SafeET.fromstring(static_picture(sample_flow_graph(), "svg"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_svg_carries_no_markup_from_names_or_title() -> None:
    """Text is drawn as paths, so a report can inline the SVG without importing the data's markup."""
    svg = static_picture(sample_payment_graph(), "svg").decode()
    assert "<script" not in svg
    assert SCRIPT_NAME not in svg


def test_same_graph_gives_the_same_svg() -> None:
    assert static_picture(sample_flow_graph(), "svg") == static_picture(sample_flow_graph(), "svg")


@pytest.mark.parametrize("graph", [nx.DiGraph(), nx.MultiDiGraph()], ids=["digraph", "multidigraph"])
def test_empty_graph_still_gives_a_picture(graph: nx.DiGraph[Any]) -> None:
    assert static_picture(graph, "png").startswith(PNG_MAGIC)


def test_unknown_picture_format_is_refused() -> None:
    with pytest.raises(ValueError, match="png or svg"):
        static_picture(sample_flow_graph(), "gif")  # type: ignore[arg-type]
