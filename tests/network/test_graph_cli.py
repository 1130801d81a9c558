"""screening graph: the network around an account, an alert or a community, written by suffix."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from typer.testing import CliRunner

from screening.cli import app, main
from screening.detection.ruleset import load_rules
from screening.network.patterns import load_patterns
from screening.network.runner import run_patterns
from screening.store import Store
from screening.synth import bundled_fx_rates

RING = load_patterns().get("NW-01")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "graph.duckdb"
    text = RING.cases[0].case.payments
    columns = text.splitlines()[0].split(",")
    table = pacsv.read_csv(
        io.BytesIO(text.encode()),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string())),
    )
    with Store.open(path) as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        store.load(table)
        run_patterns(store.connection, load_patterns(), load_rules().reference, base_currency="USD")
    return path


def _graph(db: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["graph", "--db", str(db), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _refused(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["graph", "--db", str(db), *args]) == 2
    return capsys.readouterr().err


def test_the_neighbourhood_of_an_account_is_written_as_graphml(db: Path, tmp_path: Path) -> None:
    output = _graph(db, tmp_path / "g.graphml", "--around", "DON-1", "--hops", "1")
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert sorted(graph.nodes) == ["BRK-1", "DON-1"]
    assert "2 accounts and 1 flows" in output


def test_an_alert_centres_the_view_on_its_subject_and_members(db: Path, tmp_path: Path) -> None:
    with Store.open(db, read_only=True) as store:
        alert_id = store.sql("SELECT alert_id FROM alerts WHERE rule_id = 'NW-01'")["alert_id"][0]
    _graph(db, tmp_path / "a.gexf", "--alert", alert_id, "--hops", "0")
    graph = nx.read_gexf(tmp_path / "a.gexf")
    assert {"BRK-1", "REC-1", "DON-2", "HOS-1"} <= set(graph.nodes)


def test_exactly_one_centre_is_asked_for(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    error = _refused(db, capsys, "--out", str(tmp_path / "x.html"), "--around", "BRK-1", "--alert", "NW-01-x")
    assert "exactly one of" in error


def test_an_unknown_community_is_named(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = _refused(db, capsys, "--out", str(tmp_path / "x.html"), "--community", "C-NOBODY")
    assert "no community 'C-NOBODY'" in error
