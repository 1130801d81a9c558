"""Following the proceeds: pro-rata attribution in time order, hops, cuts, unknown origin, the command."""

from __future__ import annotations

import io
import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import polars as pl
import pytest

from screening.cli import main
from screening.errors import InputError
from screening.network.trace import TraceResult, trace
from screening.store import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
Row = tuple[str, int, str | None, str | None, float]
"""txn_id, hours after T0, payer, payee, amount in USD."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "trace.duckdb") as opened:
        yield opened


@pytest.fixture
def pay(store: Store) -> Callable[..., Store]:
    """Load payments given as (txn_id, hour, payer, payee, amount) rows into the store."""

    def _pay(*rows: Row) -> Store:
        store.load(
            pl.DataFrame(
                {
                    "txn_id": [r[0] for r in rows],
                    "ts": [T0 + timedelta(hours=r[1]) for r in rows],
                    "amount": [f"{r[4]:.2f}" for r in rows],
                    "currency": ["USD"] * len(rows),
                    "payer_account": [r[2] for r in rows],
                    "payee_account": [r[3] for r in rows],
                    "payer_name": [f"Holder {r[2]}" if r[2] else None for r in rows],
                    "payee_name": [f"Holder {r[3]}" if r[3] else None for r in rows],
                },
                schema_overrides={
                    "payer_account": pl.String,
                    "payee_account": pl.String,
                    "payer_name": pl.String,
                    "payee_name": pl.String,
                },
            ),
            dataset="payments",
        )
        return store

    return _pay


def got(result: TraceResult) -> dict[str, float]:
    """Attributed amount per listed account other than the start, rounded to cents."""
    return {r["account"]: round(r["attributed"], 2) for r in result.totals.iter_rows(named=True)
            if r["account"] != result.start}  # fmt: skip


def row(result: TraceResult, account: str) -> dict[str, object]:
    return result.totals.filter(pl.col("account") == account).row(0, named=True)


def test_a_payment_out_of_a_mixed_pool_carries_each_origin_pro_rata(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "C", "B", 300), ("3", 2, "B", "D", 200))
    result = trace(store, "A", hops=2, min_amount=1)
    assert got(result) == {"B": 100.0, "D": 50.0}
    assert row(result, "B")["onward"] == pytest.approx(50.0)
    assert row(result, "B")["remaining"] == pytest.approx(50.0)
    flow = result.flows.filter(pl.col("txn_id") == "3").row(0, named=True)
    assert (flow["hop"], flow["amount"], flow["share"]) == (2, 200.0, pytest.approx(0.25))


def test_a_payment_carries_only_funds_that_arrived_before_it(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "B", "E", 50), ("3", 2, "C", "B", 300),
                ("4", 3, "B", "D", 200))  # fmt: skip
    result = trace(store, "A", hops=2, min_amount=1)
    # E is paid before C's money arrives: all of it is A's. D is paid from 50 of A's and 300 of C's.
    assert got(result) == {"B": 100.0, "E": 50.0, "D": round(200 * 50 / 350, 2)}


def test_money_spent_before_the_start_paid_in_is_not_the_starts(pay: Callable[..., Store]) -> None:
    store = pay(("0", 0, "C", "B", 100), ("1", 1, "B", "E", 100), ("2", 2, "A", "B", 100),
                ("3", 3, "B", "D", 100))  # fmt: skip
    assert got(trace(store, "A", hops=2, min_amount=1)) == {"B": 100.0, "D": 100.0}


def test_payments_at_the_same_instant_cannot_finance_each_other(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 0, "B", "E", 100))
    result = trace(store, "A", hops=2, min_amount=1)
    assert got(result) == {"B": 100.0}
    assert result.opening == 100.0


def test_funds_held_before_the_window_dilute_the_traced_share(pay: Callable[..., Store]) -> None:
    # B pays out 300 having received only A's 100: it held at least 200 of unknown origin.
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "B", "D", 300))
    result = trace(store, "A", hops=2, min_amount=1)
    assert got(result) == {"B": 100.0, "D": 100.0}
    assert row(result, "B")["opening"] == 200.0
    assert result.flows.filter(pl.col("txn_id") == "2")["share"].item() == pytest.approx(1 / 3)


def test_money_from_before_the_window_counts_as_unknown_origin(pay: Callable[..., Store]) -> None:
    # A's first 100 reached B before the window: inside it, that is money B already held.
    store = pay(("1", 0, "A", "B", 100), ("2", 48, "A", "B", 40), ("3", 49, "B", "D", 80))
    result = trace(store, "A", hops=2, since=T0 + timedelta(days=1), min_amount=1)
    assert got(result) == {"B": 40.0, "D": 40.0}
    assert (row(result, "B")["opening"], result.opening) == (40.0, 40.0)
    assert result.flows.filter(pl.col("txn_id") == "3")["share"].item() == pytest.approx(0.5)
    backward = trace(store, "D", direction="backward", hops=2, since=T0 + timedelta(days=1), min_amount=1)
    assert got(backward) == {"B": 80.0, "A": 40.0}
    assert backward.unexplained == pytest.approx(40.0)


def test_the_hop_limit_stops_the_trace(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "B", "C", 100), ("3", 2, "C", "D", 100))
    two = trace(store, "A", hops=2, min_amount=1)
    assert got(two) == {"B": 100.0, "C": 100.0}
    assert not row(two, "C")["followed"] and row(two, "C")["remaining"] == 100.0
    three = trace(store, "A", hops=3, min_amount=1)
    assert got(three) == {"B": 100.0, "C": 100.0, "D": 100.0}
    assert row(three, "D")["hop"] == 3


def test_since_leaves_earlier_payments_out(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 48, "A", "B", 40), ("3", 49, "B", "D", 40))
    result = trace(store, "A", hops=2, since=(T0 + timedelta(days=1)).date(), min_amount=1)
    assert result.traced == 40.0
    assert got(result) == {"B": 40.0, "D": 40.0}


def test_accounts_below_the_minimum_are_counted_not_listed_nor_followed(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 1000), ("2", 1, "A", "X", 20), ("3", 2, "X", "Y", 20),
                ("4", 3, "B", "D", 500))  # fmt: skip
    result = trace(store, "A", hops=3, min_amount=50)
    assert got(result) == {"B": 1000.0, "D": 500.0}
    assert (result.crumbs, result.crumb_accounts) == (20.0, 1)
    assert set(result.flows["to"]) == {"B", "D"}
    assert got(trace(store, "A", hops=3, min_amount=10)) == {"B": 1000.0, "X": 20.0, "Y": 20.0, "D": 500.0}


def test_the_account_budget_follows_the_largest_first(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 500), ("2", 0, "A", "C", 400), ("3", 0, "A", "D", 300),
                ("4", 1, "B", "X", 500), ("5", 1, "C", "Y", 400), ("6", 1, "D", "Z", 300))  # fmt: skip
    result = trace(store, "A", hops=2, min_amount=1, max_accounts=2)
    assert got(result) == {"B": 500.0, "C": 400.0, "D": 300.0, "X": 500.0, "Y": 400.0}
    assert result.unfollowed == 1 and not row(result, "D")["followed"]


def test_cash_withdrawals_are_reported_as_leaving_the_trace(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "B", None, 60))
    result = trace(store, "A", hops=2, min_amount=1)
    assert result.cash == 60.0
    assert result.flows.filter(pl.col("txn_id") == "2")["to"].to_list() == [None]


def test_backward_splits_a_receipt_over_the_payers_earlier_receipts(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "C", "B", 100), ("2", 1, "D", "B", 300), ("3", 2, "B", "A", 200),
                ("4", 3, "E", "B", 1000))  # fmt: skip
    result = trace(store, "A", direction="backward", hops=2, min_amount=1)
    # E's payment came after B paid A: it financed none of it.
    assert got(result) == {"B": 200.0, "D": 150.0, "C": 50.0}
    assert result.traced == 200.0
    assert result.unexplained == 0.0


def test_backward_names_funds_of_unknown_origin(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "C", "B", 100), ("2", 1, "B", "A", 300))
    result = trace(store, "A", direction="backward", hops=2, min_amount=1)
    assert got(result) == {"B": 300.0, "C": 100.0}
    assert result.unexplained == pytest.approx(200.0)
    assert row(result, "B")["remaining"] == pytest.approx(200.0)


def test_backward_past_a_pool_emptied_to_zero(pay: Callable[..., Store]) -> None:
    # B passes C's 100 on in full, then pays A from D's money only.
    store = pay(("1", 0, "C", "B", 100), ("2", 1, "B", "X", 100), ("3", 2, "D", "B", 80),
                ("4", 3, "B", "A", 80))  # fmt: skip
    result = trace(store, "A", direction="backward", hops=2, min_amount=1)
    assert got(result) == {"B": 80.0, "D": 80.0}


def _reference(rows: list[Row], start: str, forward: bool) -> dict[str, float]:
    """Brute force: every pool holds a mix of labelled origins; each account's opening funds are its own."""
    need: dict[str, float] = defaultdict(float)
    for _, _, payer, payee, amount in rows:
        if payer is not None:
            need[payer] -= amount
        if payee is not None:
            need[payee] += amount
    balance: dict[str, float] = defaultdict(float)
    lowest: dict[str, float] = defaultdict(float)
    events = sorted([(r[1], 0, i) for i, r in enumerate(rows)] + [(r[1], 1, i) for i, r in enumerate(rows)])
    for _, inflow, i in events:
        _, _, payer, payee, amount = rows[i]
        holder = payee if inflow else payer
        if holder is not None:
            balance[holder] += amount if inflow else -amount
            lowest[holder] = min(lowest[holder], balance[holder])
    pools: dict[str, dict[str, float]] = {a: {a: -low} for a, low in lowest.items()}
    carried: dict[int, dict[str, float]] = {}
    for _, inflow, i in events:
        _, _, payer, payee, amount = rows[i]
        if not inflow:
            if payer is None:
                carried[i] = {"cash": amount}
            elif payer == start:
                carried[i] = {start: amount}
            else:
                total = sum(pools[payer].values())
                carried[i] = {o: v * amount / total for o, v in pools[payer].items()}
                pools[payer] = {o: v - carried[i][o] for o, v in pools[payer].items()}
        elif payee is not None and payee != start:
            for origin, value in carried[i].items():
                pools[payee][origin] = pools[payee].get(origin, 0.0) + value
    if forward:  # the start's money each account received (the start itself: what came back)
        result: dict[str, float] = defaultdict(float)
        for i, (_, _, _, payee, _) in enumerate(rows):
            if payee is not None and carried[i].get(start, 0.0) > 1e-9:
                result[payee] += carried[i][start]
        return dict(result)
    origins: dict[str, float] = defaultdict(float)  # where the start's receipts came from in the end
    for i, (_, _, _, payee, _) in enumerate(rows):
        if payee == start:
            for origin, value in carried[i].items():
                origins[origin] += value
    return {o: v for o, v in origins.items() if v > 1e-9 and o != "cash"}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_matches_a_brute_force_pool_simulation(store: Store, seed: int, direction: str) -> None:
    draw = random.Random(seed)
    accounts = [f"K{i}" for i in range(7)]
    rows: list[Row] = []
    for n in range(40):
        payer, payee = draw.sample(accounts, 2)
        rows.append((f"T{n}", draw.randrange(30), payer, payee, float(draw.randrange(1, 500))))
    store.load(pl.DataFrame({
        "txn_id": [r[0] for r in rows], "ts": [T0 + timedelta(hours=r[1]) for r in rows],
        "amount": [f"{r[4]:.2f}" for r in rows], "currency": ["USD"] * len(rows),
        "payer_account": [r[2] for r in rows], "payee_account": [r[3] for r in rows],
    }), dataset="payments")  # fmt: skip
    forward = direction == "forward"
    result = trace(store, "K0", direction="forward" if forward else "backward", hops=20, min_amount=0)
    expected = _reference(rows, "K0", forward)
    if forward:
        measured = {r["account"]: r["attributed"] for r in result.totals.iter_rows(named=True)
                    if r["attributed"] > 1e-9}  # fmt: skip
    else:  # with every account followed, what is left at each is its own (pre-window) money
        measured = {r["account"]: r["remaining"] for r in result.totals.iter_rows(named=True)
                    if r["remaining"] > 1e-9}  # fmt: skip
    assert measured.keys() == expected.keys()
    for account, value in expected.items():
        assert measured[account] == pytest.approx(value, rel=1e-6, abs=1e-6)
    listed = result.totals["remaining"].sum()
    assert listed + result.crumbs + result.cash == pytest.approx(result.traced)


def test_a_duckdb_connection_traces_like_the_store(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "C", "B", 300), ("3", 2, "B", "D", 200))
    assert trace(store.connection, "A", min_amount=1).totals.equals(trace(store, "A", min_amount=1).totals)


def test_an_unknown_account_is_named(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100))
    with pytest.raises(InputError, match="no account 'ZZ' in the payments"):
        trace(store, "ZZ")


@pytest.mark.parametrize(
    ("options", "message"),
    [({"hops": 0}, "hops must be at least 1"), ({"direction": "sideways"}, "direction 'sideways'"),
     ({"min_amount": -1.0}, "cannot be negative"), ({"max_accounts": 0}, "max accounts must be")],
)  # fmt: skip
def test_bad_options_are_named(pay: Callable[..., Store], options: dict[str, object], message: str) -> None:
    store = pay(("1", 0, "A", "B", 100))
    with pytest.raises(InputError, match=message):
        trace(store, "A", **options)  # type: ignore[arg-type]


def test_the_graph_follows_the_graph_contract(pay: Callable[..., Store]) -> None:
    store = pay(("1", 0, "A", "B", 100), ("2", 1, "A", "B", 50), ("3", 2, "B", "D", 150))
    store.connection.execute(
        "INSERT INTO alerts (alert_id, run_id, rule_id, rule_version, typology, severity, score, subject, "
        "explanation, standalone) VALUES ('NW-01-x', 1, 'NW-01', '1', 'organ brokering', 'high', 0.9, 'B', "
        "'ring', true)"
    )
    store.connection.execute("INSERT INTO alert_members VALUES ('NW-01-x', 'B', 'broker', false, NULL), "
                             "('NW-01-x', 'D', 'donor', true, NULL)")  # fmt: skip
    graph = trace(store, "A", hops=2, min_amount=1).graph()
    assert (graph.graph["title"], graph.graph["base_currency"]) == ("Forward trace of A, 2 hops", "USD")
    assert sorted(graph.nodes) == ["A", "B", "D"]
    b = graph.nodes["B"]
    assert (b["name"], b["role"], b["roles"], b["alerts"], b["victim"], b["focus"]) == (
        "Holder B", "broker", "broker", 1, False, False)  # fmt: skip
    assert b["risk"] > 0 and graph.nodes["A"]["focus"] and graph.nodes["D"]["victim"]
    assert set(graph.nodes["A"]) == {"name", "country", "type", "role", "roles", "risk", "alerts", "victim",
                                     "focus"}  # fmt: skip
    edge = graph.edges["A", "B"]
    assert edge == {"amount": 150.0, "count": 2, "first": int(T0.timestamp()),
                    "last": int((T0 + timedelta(hours=1)).timestamp())}  # fmt: skip
    assert graph.edges["B", "D"]["amount"] == pytest.approx(150.0)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(pay: Callable[..., Store], store: Store) -> str:
    pay(("1", 0, "A", "B", 100), ("2", 1, "C", "B", 300), ("3", 2, "B", "D", 200), ("4", 3, "B", "A", 40))
    path = str(store.path)
    store.close()
    return path


def test_the_command_prints_the_accounts_reached(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "trace", "A", "--db", db, "--hops", "2", "--min-amount", "1", "--flows")
    assert code == 0
    assert "Forward trace of A, 2 hops: 100.00 USD paid out" in " ".join(out.split())
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]
    assert ["2", "D", "Holder D", "", "50.00", "50.0%", "0.00", "50.00", "0.00"] in cells
    assert ["2", "2026-03-01 11:00", "3", "B", "D", "200.00", "50.00", "25.0%"] in cells
    assert "10.00 USD of it came back to A" in " ".join(out.split())


def test_the_command_names_unknown_origin_backward(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "trace", "A", "--backward", "--db", db, "--min-amount", "1")
    assert code == 0
    assert "Unexplained / own funds" in " ".join(out.split())


def test_the_command_writes_json_and_csv(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "trace", "A", "--db", db, "--hops", "2", "--min-amount", "1", "--format", "json"
    )
    document = json.loads(out)
    assert code == 0 and document["summary"]["traced"] == 100.0
    assert [t["account"] for t in document["totals"]] == ["A", "B", "D"]
    code, out, _ = cli(
        capsys, "trace", "A", "--db", db, "--hops", "2", "--min-amount", "1", "--format", "csv"
    )
    assert code == 0 and out.splitlines()[0].startswith("account,hop,attributed,share,onward,remaining")
    code, out, _ = cli(capsys, "trace", "A", "--db", db, "--min-amount", "1", "--format", "csv", "--flows")
    assert code == 0 and pl.read_csv(io.StringIO(out))["txn_id"].cast(pl.String).to_list() == ["1", "3", "4"]


def test_the_command_writes_the_trace_as_a_graph_file(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trace.graphml"
    code, out, _ = cli(
        capsys, "trace", "A", "--db", db, "--hops", "2", "--min-amount", "1", "--out", str(path)
    )
    assert code == 0 and f"Wrote {path}" in " ".join(out.split())
    graph = nx.read_graphml(path)
    assert sorted(graph.nodes) == ["A", "B", "D"]
    assert graph.edges["B", "D"]["amount"] == pytest.approx(50.0)
    assert graph.nodes["A"]["focus"] is True


def test_the_command_refuses_an_unknown_account(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "trace", "NOPE", "--db", db)
    assert code == 2 and err.strip() == "error: no account 'NOPE' in the payments"


def test_the_command_refuses_a_bad_date(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "trace", "A", "--db", db, "--since", "March")
    assert code == 2 and "--since 'March' is not a date" in err


def test_hostile_names_are_printed_as_they_are(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "=CMD [/] :smile:"
    store.load(
        pl.DataFrame({
            "txn_id": ["1"], "ts": [T0], "amount": ["100"], "currency": ["USD"], "payer_account": ["A"],
            "payee_account": ["[/]B"], "payee_name": [hostile],
        }),
        dataset="payments",
    )  # fmt: skip
    db = str(store.path)
    store.close()
    code, out, _ = cli(capsys, "trace", "A", "--db", db, "--min-amount", "1", "--flows")
    assert (
        code == 0
        and "[/]B" in out
        and ":smile:" in out
        and "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" not in out
    )
    code, out, _ = cli(capsys, "trace", "A", "--db", db, "--min-amount", "1", "--format", "json")
    assert json.loads(out)["totals"][1]["name"] == hostile
    code, out, _ = cli(capsys, "trace", "A", "--db", db, "--min-amount", "1", "--format", "csv")
    assert pl.read_csv(io.StringIO(out))["name"][1] == "'" + hostile
