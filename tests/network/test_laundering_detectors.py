"""Laundering-structure detectors: behaviours their pattern files' cases cannot show on their own."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from screening import Store
from screening.detection.ruleset import load_rules
from screening.detection.views import build_views
from screening.network.context import Context, DuckDBContext
from screening.network.detectors.bipartite import detect_bipartite
from screening.network.detectors.cycles import detect_cycles
from screening.network.detectors.gather_scatter import detect_gather_scatter
from screening.network.detectors.scatter_gather import detect_scatter_gather
from screening.network.patterns import load_patterns
from screening.synth import bundled_fx_rates

HEADER = "txn_id,ts,amount,currency,payer_account,payee_account,channel,purpose,payer_name,payee_name"
PATTERNS = load_patterns()
Load = Callable[..., Context]


def defaults(pattern_id: str, **overrides: float) -> dict[str, float | int]:
    return {**PATTERNS.get(pattern_id).default_parameters, **overrides}


@pytest.fixture
def load(tmp_path: Path) -> Iterator[Load]:
    """``load(*rows)``: put payment rows (names optional) in a fresh store and return the context over them."""
    with Store.open(tmp_path / "store.duckdb") as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)

        def _load(*rows: str) -> Context:
            padded = [row + "," * (HEADER.count(",") - row.count(",")) for row in rows]
            table = pacsv.read_csv(
                io.BytesIO("\n".join((HEADER, *padded)).encode()),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(HEADER.split(","), pa.string())
                ),
            )
            assert not store.load(table, dataset="payments", label="test").quarantined
            build_views(store.connection, load_rules().reference, scan_from=start, as_of=end)
            return DuckDBContext(store.connection, start, end, store.base_currency)

        yield _load


def ring(*hops: tuple[str, str, str, float], prefix: str = "C") -> list[str]:
    """Payment rows from (payer, payee, date, amount) hops."""
    return [f"{prefix}{i},{day}T10:00:00Z,{amount},USD,{a},{b},wire,invoice" for i, (a, b, day, amount) in
            enumerate(hops, 1)]  # fmt: skip


def test_a_ring_found_from_each_of_its_members_is_one_finding_in_cycle_order(load: Load) -> None:
    rows = ring(
        ("SHELL-C", "SHELL-A", "2026-03-01", 30000),
        ("SHELL-A", "SHELL-B", "2026-03-03", 29000),
        ("SHELL-B", "SHELL-C", "2026-03-05", 28000),
        ("SHELL-C", "SHELL-A", "2026-03-07", 27000),
    )
    [finding] = detect_cycles(load(*rows), defaults("ML-05"))
    assert finding.subject == "SHELL-C"
    assert [m.account for m in finding.members] == ["SHELL-C", "SHELL-A", "SHELL-B"]
    assert finding.figures["cycles"] == 2
    assert finding.evidence == ("C1", "C2", "C3", "C4")


def test_a_ring_that_closes_after_the_window_is_not_a_cycle(load: Load) -> None:
    rows = ring(
        ("SHELL-A", "SHELL-B", "2026-03-01", 30000),
        ("SHELL-B", "SHELL-C", "2026-03-15", 29000),
        ("SHELL-C", "SHELL-A", "2026-04-05", 28000),
    )
    assert detect_cycles(load(*rows), defaults("ML-05")) == []


def test_a_ring_longer_than_max_hops_is_not_followed(load: Load) -> None:
    rows = ring(
        ("SHELL-A", "SHELL-B", "2026-03-01", 30000),
        ("SHELL-B", "SHELL-C", "2026-03-02", 29000),
        ("SHELL-C", "SHELL-D", "2026-03-03", 28000),
        ("SHELL-D", "SHELL-A", "2026-03-04", 27000),
    )
    ctx = load(*rows)
    assert detect_cycles(ctx, defaults("ML-05", max_hops=3)) == []
    assert [f.figures["hops"] for f in detect_cycles(ctx, defaults("ML-05", max_hops=4))] == [4]


def test_a_ring_through_a_busy_account_is_not_followed(load: Load) -> None:
    rows = ring(
        ("SHELL-A", "BUREAU-1", "2026-03-01", 30000),
        ("BUREAU-1", "SHELL-A", "2026-03-02", 29000),
    )
    busy = [
        f"P{i},2026-02-{1 + i % 28:02d}T09:00:00Z,2000,USD,BUREAU-1,STAFF-{i},ach,salary" for i in range(12)
    ]
    ctx = load(*rows, *busy)
    assert detect_cycles(ctx, defaults("ML-05", max_account_transfers=10)) == []
    assert len(detect_cycles(ctx, defaults("ML-05", max_account_transfers=20))) == 1


def test_a_busy_account_is_not_taken_as_an_intermediary(load: Load) -> None:
    rows = [
        f"S{i},2026-03-0{i}T10:00:00Z,5000,USD,ORIGIN-1,{m},wire,loan"
        for i, m in enumerate(("MULE-1", "MULE-2", "SHOP-1"), 1)
    ] + [
        f"G{i},2026-03-0{i + 4}T10:00:00Z,4600,USD,{m},OFFSHORE-1,wire,invoice"
        for i, m in enumerate(("MULE-1", "MULE-2", "SHOP-1"), 1)
    ]
    busy = [f"B{i},2026-02-{1 + i:02d}T09:00:00Z,1500,USD,SHOP-1,SUPPLIER-{i},wire,stock" for i in range(20)]
    ctx = load(*rows, *busy)
    assert detect_scatter_gather(ctx, defaults("ML-04")) == []
    assert [
        f.subject for f in detect_scatter_gather(ctx, defaults("ML-04", max_intermediary_transfers=30))
    ] == ["OFFSHORE-1"]


def test_intermediaries_spread_over_more_than_the_window_are_not_one_scatter_gather(load: Load) -> None:
    rows = []
    for i, (m, day) in enumerate(
        (("MULE-1", "2026-03-01"), ("MULE-2", "2026-03-20"), ("MULE-3", "2026-04-15")), 1
    ):
        rows.append(f"S{i},{day}T10:00:00Z,5000,USD,ORIGIN-1,{m},wire,loan")
        rows.append(f"G{i},{day}T18:00:00Z,4700,USD,{m},OFFSHORE-1,wire,invoice")
    assert detect_scatter_gather(load(*rows), defaults("ML-04")) == []


BLOCK = [
    f"B{i},2026-03-0{1 + i % 8}T10:00:00Z,{3000 + 100 * i},USD,{s},{r},wire,loan"
    for i, (s, r) in enumerate(
        [(s, r) for s in ("MULE-S3", "MULE-S1", "MULE-S2") for r in ("MULE-R1", "MULE-R2", "MULE-R3")]
    )
]


def test_the_subject_of_a_block_is_its_lowest_sender_whatever_the_order_of_payments(load: Load) -> None:
    [finding] = detect_bipartite(load(*reversed(BLOCK)), defaults("ML-06"))
    assert finding.subject == "MULE-S1"
    assert finding.figures["density"] == 1.0


def test_a_sender_paying_more_accounts_than_the_cap_is_no_block_member(load: Load) -> None:
    payroll = [f"P{i},2026-03-02T09:00:00Z,2500,USD,MULE-S1,STAFF-{i},ach,salary" for i in range(25)]
    [finding] = detect_bipartite(load(*BLOCK, *payroll), defaults("ML-06", min_senders=2))
    assert "MULE-S1" not in {m.account for m in finding.members}
    assert finding.subject == "MULE-S2"


GATHER = [
    *(f"I{i},2026-03-0{i}T10:00:00Z,4000,USD,PAYER-{i},HUB-1,wire,loan" for i in range(1, 6)),
    *(f"O{i},2026-03-1{i}T10:00:00Z,3800,USD,HUB-1,PAYEE-{i},wire,invoice" for i in range(1, 6)),
]


def test_a_money_service_business_is_not_a_gather_scatter_hub(load: Load) -> None:
    rows = [row + (",,Quick Remit Money Transfer" if row.startswith("I") else ",Quick Remit Money Transfer")
            for row in GATHER]  # fmt: skip
    assert detect_gather_scatter(load(*rows), defaults("NW-05")) == []


def test_a_hub_passing_on_more_than_it_gathered_so_far_is_not_scattering(load: Load) -> None:
    early = "O0,2026-03-01T11:00:00Z,7000,USD,HUB-1,PAYEE-0,wire,invoice"
    assert [f.subject for f in detect_gather_scatter(load(*GATHER), defaults("NW-05"))] == ["HUB-1"]
    assert detect_gather_scatter(load(early), defaults("NW-05", max_passed=1.5)) == []


def test_detectors_leave_no_scratch_tables_behind(load: Load) -> None:
    ctx = load(*GATHER, *BLOCK)
    for detect, pattern in ((detect_cycles, "ML-05"), (detect_bipartite, "ML-06")):
        detect(ctx, defaults(pattern))
    left = ctx.con.sql("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__nw_%'").fetchall()
    assert left == []
