"""The self-contained HTML view: safe embedding, offline, and drawn by a real browser (headless Chromium)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from screening.network.export import write_graph
from screening.network.html_view import html_document
from tests.network.sample_graphs import (
    BREAKOUT_NAME,
    SCRIPT_NAME,
    sample_flow_graph,
    sample_large_graph,
    sample_payment_graph,
)

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside elements with an id (pieces space-joined)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self._open.append(dict(attrs).get("id"))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.texts[element_id] = f"{self.texts.get(element_id, '')} {data}".strip()

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parsed(text: str) -> Tags:
    tags = Tags()
    tags.feed(text)
    return tags


def test_hostile_names_cannot_close_the_data_element() -> None:
    page = html_document(sample_payment_graph())
    assert page.count("</script>") == 2  # the data element's and the script's own
    assert "<!--" not in page
    assert len(parsed(page).named("script")) == 2


def test_hostile_names_add_no_elements() -> None:
    assert parsed(html_document(sample_flow_graph())).named("img") == []


def test_title_is_escaped_text() -> None:
    tags = parsed(html_document(sample_payment_graph()))
    assert tags.texts["title"] == SCRIPT_NAME


def test_page_loads_nothing_from_anywhere() -> None:
    tags = parsed(html_document(sample_flow_graph()))
    assert [attrs for _, attrs in tags.tags if "src" in attrs or "href" in attrs] == []
    policy = tags.named("meta")[1]
    assert policy["http-equiv"] == "Content-Security-Policy"
    assert (policy["content"] or "").startswith("default-src 'none'")


# --- in a browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    """Open a file in headless Chromium; return the DOM after the script ran and the console lines."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium; .ci/run does it)")

    def open_page(page: Path, fragment: str = "") -> tuple[str, list[str]]:
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,860",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri() + fragment,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
        return done.stdout, console

    return open_page


def rendered(dom: str) -> tuple[int, int]:
    root = parsed(dom).named("html")[0]
    assert root.get("data-error") is None, root.get("data-error")
    return int(root["data-rendered-nodes"] or -1), int(root["data-rendered-edges"] or -1)


def test_browser_draws_every_account_and_flow(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(sample_flow_graph(), tmp_path / "ring.html")
    dom, console = browser(page)
    assert rendered(dom) == (11, 12)
    assert console == []


def test_browser_draws_payments_as_one_arrow_per_flow(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(sample_payment_graph(), tmp_path / "payments.html")
    dom, console = browser(page)
    assert rendered(dom) == (11, 12)
    assert "12 flows (14 payments)" in parsed(dom).texts["summary"]
    assert console == []


def test_summary_says_how_many_accounts_the_node_budget_left_out(browser: Any, tmp_path: Path) -> None:
    graph = sample_flow_graph()
    graph.graph["left_out"] = 7
    [page] = write_graph(graph, tmp_path / "cut.html")
    dom, _ = browser(page)
    assert (
        parsed(dom).texts["summary"] == "11 accounts, 12 flows; 7 more accounts left out by the node budget"
    )


def test_browser_draws_an_empty_graph(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(nx.DiGraph(), tmp_path / "empty.html")
    dom, console = browser(page)
    assert rendered(dom) == (0, 0)
    assert console == []


def test_browser_draws_thousands_of_accounts(browser: Any, tmp_path: Path) -> None:
    graph = sample_large_graph()
    [page] = write_graph(graph, tmp_path / "large.html")
    dom, console = browser(page)
    assert rendered(dom) == (graph.number_of_nodes(), graph.number_of_edges())
    assert console == []


def test_link_to_an_account_shows_its_details_as_text(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(sample_flow_graph(), tmp_path / "ring.html")
    dom, console = browser(page, "#account=TR-CLINIC-7")
    details = parsed(dom)
    assert details.named("img") == [] and len(details.named("script")) == 2
    tooltip = re.sub(r"\s+", " ", details.texts["tooltip"])
    assert tooltip.startswith(SCRIPT_NAME)
    assert "Account TR-CLINIC-7" in tooltip and "Role medical facility" in tooltip and "Alerts 1" in tooltip
    assert console == []


def test_donors_are_shown_as_likely_victims(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(sample_flow_graph(), tmp_path / "ring.html")
    dom, _ = browser(page, "#account=NP-ACC-0001")
    assert "Likely victim (donor), not a suspect" in parsed(dom).texts["tooltip"]


def test_markup_in_a_name_stays_text_in_the_browser(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(sample_flow_graph(), tmp_path / "ring.html")
    dom, console = browser(page, "#account=NP-RECRUIT-9")
    assert parsed(dom).texts["tooltip"].startswith(BREAKOUT_NAME)
    assert parsed(dom).named("img") == []
    assert console == []


HOVER_FIRST_FLOW_OF = """
(function () {
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var canvas = document.getElementById("canvas"), box = canvas.getBoundingClientRect();
  var w = canvas.clientWidth, h = canvas.clientHeight, scale = Math.min(w, h) / 2 - 40;
  var flow = data.edges.find(function (e) { return data.nodes[e.s].id === PAYER; });
  var a = data.nodes[flow.s], b = data.nodes[flow.t];
  var x = box.left + w / 2 + (a.x + b.x) / 2 * scale, y = box.top + h / 2 - (a.y + b.y) / 2 * scale;
  canvas.dispatchEvent(new PointerEvent("pointermove", { clientX: x, clientY: y, bubbles: true }));
}());
"""


def with_probe(page: Path, payer: str) -> Path:
    """The page plus a script (allowed by its hash) that moves the pointer onto payer's first flow."""
    probe = HOVER_FIRST_FLOW_OF.replace("PAYER", json.dumps(payer))
    text = page.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(probe.encode()).digest()).decode()
    text = text.replace("script-src ", f"script-src 'sha256-{digest}' ", 1)
    probed = page.with_name("probed.html")
    probed.write_text(text.replace("</body>", f"<script>{probe}</script></body>"), encoding="utf-8")
    return probed


def test_hovering_a_flow_lists_its_payments_in_the_base_currency(browser: Any, tmp_path: Path) -> None:
    [page] = write_graph(sample_payment_graph(), tmp_path / "payments.html")
    dom, console = browser(with_probe(page, "IL620108000000099999999"))
    tooltip = re.sub(r"\s+", " ", parsed(dom).texts["tooltip"])
    assert tooltip.startswith("יוסף כהן → Harrow Medical Tourism Ltd")
    assert "Payments 1 Amount 120,000 EUR" in tooltip
    assert "120,000 EUR (paid in USD) · transplant package · T03" in tooltip
    assert console == []
