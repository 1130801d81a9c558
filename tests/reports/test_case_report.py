"""The HTML case report (and PDF where Chromium is installed): complete, escaped, offline.

Golden file: ``tests/reports/golden/case.html``. After a deliberate change to
the report, regenerate it with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports``
and review the diff before committing.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import networkx as nx
import pytest

from screening import Store
from screening.cli import main
from screening.reports.case import Case, load_case
from screening.reports.graph import case_graph
from screening.reports.html import network_picture, render_html
from screening.reports.pdf import find_renderer
from tests.reports.conftest import ALERTS, BROKER, HOSTILE, SUBMITTED

GOLDEN = Path(__file__).parent / "golden" / "case.html"
ALL = [a["alert_id"] for a in ALERTS]


@pytest.fixture
def case_and_graph(case_db: Path) -> tuple[Case, nx.DiGraph[str]]:
    with Store.open(case_db, read_only=True) as store:
        case = load_case(store.connection, ALL, store.base_currency)
        return case, case_graph(store.connection, case)


@pytest.fixture
def page(case_and_graph: tuple[Case, nx.DiGraph[str]]) -> str:
    return render_html(*case_and_graph, generated_at=SUBMITTED)


def test_report_matches_the_golden_file(page: str) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(page, encoding="utf-8")
    assert page == GOLDEN.read_text(encoding="utf-8")


def test_a_hostile_payee_name_is_shown_as_text_never_as_markup(page: str) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Klinik &amp; Co" in page
    assert HOSTILE not in page


def test_the_page_loads_nothing_from_elsewhere(page: str) -> None:
    assert "default-src 'none'; img-src data:" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<(link|script|iframe|object|embed)\b|@import|url\(", page, re.IGNORECASE)


def test_a_donor_is_shown_as_a_likely_victim_not_a_suspect(page: str) -> None:
    assert (
        "<td><code>MD24AG000225100013104168</code></td><td>donor (likely victim, not a suspect)</td>" in page
    )


def test_every_alert_explanation_figure_and_evidence_payment_is_in_the_report(page: str) -> None:
    for alert in ALERTS:
        assert alert["alert_id"] in page
    assert "Account DE89370400440532013000 had 2 cash deposits just under 10,000 USD within 48 hours." in page
    assert '<td>recipients</td><td class="num">2</td>' in page
    for txn in ("P1", "P2", "P3", "P4", "P5", "P6", "P7"):
        assert f"<code>{txn}</code>" in page
    assert "45,000.00 EUR" in page and "48,600.00" in page


def test_the_graph_aggregates_payments_per_payer_and_payee(
    case_and_graph: tuple[Case, nx.DiGraph[str]],
) -> None:
    case, graph = case_and_graph
    assert graph.nodes[BROKER] == {
        "name": "Medi-Travel Consult GmbH", "country": "DE", "type": "organisation", "role": "broker", "roles": "broker",
        "risk": case.subjects[0].risk, "alerts": 2, "victim": False, "focus": True,
    }  # fmt: skip
    assert graph.nodes["GB29NWBK60161331926819"]["focus"] is False
    assert graph.nodes["(cash)"]["risk"] == 0.0
    assert graph.graph == {"title": f"Money flows of {BROKER}", "base_currency": "USD"}
    cash = graph.edges["(cash)", BROKER]
    assert cash == {"count": 2, "amount": 19300.0, "first": 1772791500, "last": 1772800200}
    assert graph.edges[BROKER, "ACC-77"]["amount"] == 1296.0
    assert graph.nodes["MD24AG000225100013104168"]["victim"] is True
    assert graph.number_of_edges() == 6


def test_cli_writes_the_html_report_with_the_network_picture(case_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "case.html"
    code = main(["report", *ALL, "--format", "html", "--out", str(out), "--db", str(case_db),
                 "--date", "2026-04-01T09:30:00Z"])  # fmt: skip
    assert code == 0
    page = out.read_text(encoding="utf-8")
    picture = re.search(
        r'<p><img class="network" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="[^"]*"></p>\n', page
    )
    assert picture is not None
    assert base64.b64decode(picture.group(1)).lstrip().startswith(b"<?xml")
    assert page.replace(picture.group(0), "") == GOLDEN.read_text(encoding="utf-8")


def test_the_network_picture_carries_no_markup_from_names(
    case_and_graph: tuple[Case, nx.DiGraph[str]],
) -> None:
    svg = base64.b64decode(network_picture(case_and_graph[1]).split(",", 1)[1])
    assert b"<script" not in svg.lower()  # names appear only as drawn paths and escaped comments


def test_cli_refuses_a_date_it_cannot_read(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["report", ALL[0], "--out", str(tmp_path / "c.html"), "--db", str(case_db), "--date", "1 April"]
    )
    assert code == 2
    assert "--date '1 April' is not a date and time like 2026-04-01T09:30:00" in capsys.readouterr().err


def test_pdf_without_a_renderer_says_so_and_writes_nothing(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_CHROMIUM", "no-such-browser-here")
    out = tmp_path / "case.pdf"
    code = main(["report", ALL[0], "--format", "pdf", "--out", str(out), "--db", str(case_db)])
    assert code == 2
    assert "no PDF renderer here: --format pdf needs Chromium or Google Chrome" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.skipif(find_renderer() is None, reason="no Chromium or Google Chrome installed to print PDF")
def test_pdf_is_printed_by_chromium_where_installed(case_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "case.pdf"
    assert main(["report", *ALL, "--format", "pdf", "--out", str(out), "--db", str(case_db)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_refuses_an_output_folder_that_does_not_exist(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "case.html"
    assert main(["report", ALL[0], "--out", str(out), "--db", str(case_db)]) == 2
    assert f"error: {out}: folder {out.parent} does not exist" in capsys.readouterr().err
