"""The human-readable case report: one self-contained HTML file that works offline.

Every value comes from payment data and is hostile until escaped: the template
engine escapes everything, and the page's Content-Security-Policy forbids
scripts and any request beyond the page itself, so even a missed escape could
not run code or call out.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import jinja2
import networkx as nx

from screening.network.picture import static_picture
from screening.reports.case import Case

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("screening.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(
    case: Case, graph: nx.DiGraph[str], *, generated_at: datetime, picture: str | None = None
) -> str:
    """The case report with its ``case_graph``; ``picture`` is a data URI of the drawn network."""
    flows = [
        {"payer": u, "payee": v, "payer_name": graph.nodes[u]["name"], "payee_name": graph.nodes[v]["name"],
         **data}
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: (-e[2]["amount"], e[0], e[1]))
    ]  # fmt: skip
    template = _ENVIRONMENT.get_template("case.html.j2")
    return template.render(
        case=case,
        payments=case.payments.to_dicts(),
        flows=flows,
        picture=picture,
        generated_at=generated_at,
        base=case.base_currency,
        money=money,
        when=when,
        figure=figure,
    )


def network_picture(graph: nx.DiGraph[str]) -> str:
    """The drawn network as an SVG data URI; its text is drawn as paths, so it carries no markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(static_picture(graph, "svg")).decode("ascii")


def money(value: Decimal | float | None) -> str:
    """Amounts with thousands separators and two places; ``-`` when unknown.

    >>> money(Decimal("1234567.5"))
    '1,234,567.50'
    """
    return "-" if value is None else f"{value:,.2f}"


def when(moment: datetime | int | None) -> str:
    """A UTC time to the minute; Unix seconds are accepted for graph edges."""
    if moment is None:
        return "-"
    if isinstance(moment, int):
        moment = datetime.fromtimestamp(moment, tz=UTC)
    return f"{moment:%Y-%m-%d %H:%M}"


def figure(value: Any) -> str:
    """A rule's figure as people read it: numbers with separators, lists joined."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{value:,.0f}"
    if isinstance(value, list):
        return ", ".join(figure(v) for v in value)
    return str(value)
