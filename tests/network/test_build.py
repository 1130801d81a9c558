"""Graphs built from the store: aggregated flows, windows, neighbourhoods within a budget."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from screening.errors import InputError
from screening.network.build import ROLE_PRIORITY
from screening.network.model import ROLES
from screening.store import Store
from screening.store.view_index import index_is_current, refresh_view_index
from screening.synth import bundled_fx_rates

PAYMENTS = """txn_id,ts,amount,currency,payer_account,payer_name,payer_country,payer_type,payee_account,payee_name,payee_country,payee_type
R1,2026-03-01T10:00:00Z,90000,USD,REC-1,Avi Cohen,IL,person,BRK-1,Global Health Partners,TR,organisation
R2,2026-03-20T10:00:00Z,40000,USD,REC-2,Noa Levi,IL,person,BRK-1,Global Health Partners,TR,organisation
R3,2026-04-02T10:00:00Z,45000,USD,REC-2,Noa Levi,IL,person,BRK-1,Global Health Partners,TR,organisation
D1,2026-03-15T10:00:00Z,1500,USD,BRK-1,Global Health Partners,TR,organisation,DON-1,Ion Popa,MD,person
D2,2026-04-20T10:00:00Z,4000,USD,BRK-1,Global Health Partners,TR,organisation,DON-2,Oleg Rusu,MD,person
S1,2026-05-01T10:00:00Z,300,USD,DON-1,Ion Popa,MD,person,SHOP-1,Chisinau Market,MD,organisation
S2,2026-05-02T10:00:00Z,200,USD,SHOP-1,Chisinau Market,MD,organisation,SUP-1,Supplier,MD,organisation
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "graph.duckdb") as opened:
        opened.load(bundled_fx_rates(), dataset="fx_rates")
        table = pacsv.read_csv(
            io.BytesIO(PAYMENTS.encode()),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(PAYMENTS.splitlines()[0].split(","), pa.string())
            ),
        )
        opened.load(table)
        yield opened


def test_an_edge_aggregates_every_payment_between_two_accounts(store: Store) -> None:
    edge = store.network().edges["REC-2", "BRK-1"]
    assert edge["count"] == 2
    assert edge["amount"] == 85000.0
    assert edge["first"] == int(datetime(2026, 3, 20, 10, tzinfo=UTC).timestamp())
    assert edge["last"] == int(datetime(2026, 4, 2, 10, tzinfo=UTC).timestamp())


def test_nodes_carry_name_country_and_type(store: Store) -> None:
    node = store.network().nodes["DON-1"]
    assert (node["name"], node["country"], node["type"]) == ("Ion Popa", "MD", "person")
    assert (node["role"], node["risk"], node["alerts"], node["victim"]) == ("", 0.0, 0, False)


def test_a_window_keeps_only_its_payments(store: Store) -> None:
    graph = store.network(since=datetime(2026, 4, 1, tzinfo=UTC), until=datetime(2026, 4, 30, tzinfo=UTC))
    assert sorted(graph.edges) == [("BRK-1", "DON-2"), ("REC-2", "BRK-1")]
    assert graph.edges["REC-2", "BRK-1"]["amount"] == 45000.0


def test_a_neighbourhood_follows_hops_in_both_directions(store: Store) -> None:
    graph = store.network(around=["BRK-1"], hops=2)
    assert sorted(graph.nodes) == ["BRK-1", "DON-1", "DON-2", "REC-1", "REC-2", "SHOP-1"]
    assert graph.nodes["BRK-1"]["focus"] and not graph.nodes["DON-1"]["focus"]


def test_a_neighbourhood_can_follow_money_out_only(store: Store) -> None:
    graph = store.network(around=["BRK-1"], hops=3, direction="out")
    assert sorted(graph.nodes) == ["BRK-1", "DON-1", "DON-2", "SHOP-1", "SUP-1"]


def test_the_node_budget_keeps_the_strongest_flows_and_counts_the_rest(store: Store) -> None:
    graph = store.network(around=["BRK-1"], hops=1, max_nodes=3)
    assert sorted(graph.nodes) == ["BRK-1", "REC-1", "REC-2"]
    assert graph.graph["left_out"] == 2


def test_small_flows_can_be_left_out(store: Store) -> None:
    graph = store.network(around=["BRK-1"], hops=1, min_amount=2000)
    assert "DON-1" not in graph and "DON-2" in graph


def test_individual_payments_form_a_multigraph(store: Store) -> None:
    graph = store.network(around=["BRK-1"], hops=1, payments=True)
    assert sorted(key for _, _, key in graph.edges(keys=True)) == ["D1", "D2", "R1", "R2", "R3"]
    assert graph.edges["REC-2", "BRK-1", "R3"]["amount"] == 45000.0


def test_an_unknown_account_is_named(store: Store) -> None:
    with pytest.raises(InputError, match="NOBODY"):
        store.network(around=["NOBODY"])


def test_a_donor_in_a_network_finding_is_shown_as_a_victim(store: Store) -> None:
    store.connection.execute(
        "INSERT INTO alert_members VALUES ('NW-01-x', 'DON-1', 'donor', true, NULL), "
        "('NW-01-x', 'BRK-1', 'broker', false, NULL)"
    )
    graph = store.network(around=["BRK-1"], hops=1)
    assert (graph.nodes["DON-1"]["role"], graph.nodes["DON-1"]["victim"]) == ("donor", True)
    assert (graph.nodes["BRK-1"]["role"], graph.nodes["BRK-1"]["victim"]) == ("broker", False)


def test_every_role_has_a_place_in_the_colouring_order() -> None:
    assert set(ROLE_PRIORITY) == {*ROLES, "sanctioned"}


def test_a_specific_role_wins_over_a_generic_one(store: Store) -> None:
    store.connection.execute(
        "INSERT INTO alert_members VALUES ('NW-03-x', 'BRK-1', 'member', false, NULL), "
        "('NW-01-x', 'BRK-1', 'broker', false, NULL), ('NW-03-x', 'DON-1', 'member', false, NULL), "
        "('NW-01-x', 'DON-1', 'donor', true, NULL)"
    )
    graph = store.network(around=["BRK-1"], hops=1)
    assert (graph.nodes["BRK-1"]["role"], graph.nodes["BRK-1"]["roles"]) == ("broker", "broker;member")
    assert (graph.nodes["DON-1"]["role"], graph.nodes["DON-1"]["victim"]) == ("donor", True)


def test_a_role_from_elsewhere_is_shown_but_ranks_last(store: Store) -> None:
    store.connection.execute(
        "INSERT INTO alert_members VALUES ('X-1', 'BRK-1', 'money mule herder', false, NULL), "
        "('NW-01-x', 'BRK-1', 'broker', false, NULL), ('X-1', 'DON-1', 'money mule herder', false, NULL)"
    )
    graph = store.network(around=["BRK-1"], hops=1)
    assert graph.nodes["BRK-1"]["role"] == "broker"
    assert graph.nodes["DON-1"]["role"] == "money mule herder"


def test_the_view_index_gives_the_same_graph_as_the_payments(store: Store) -> None:
    from_payments = store.network(around=["BRK-1"], hops=2)
    assert refresh_view_index(store.connection)
    from_index = store.network(around=["BRK-1"], hops=2)
    assert sorted(from_index.edges(data=True)) == sorted(from_payments.edges(data=True))
    assert dict(from_index.nodes(data=True)) == dict(from_payments.nodes(data=True))


def test_a_view_index_older_than_the_payments_is_not_used(store: Store) -> None:
    refresh_view_index(store.connection)
    later = pa.table({"txn_id": ["L1"], "ts": ["2026-06-01T10:00:00Z"], "amount": ["700"], "currency": ["USD"],
                      "payer_account": ["BRK-1"], "payee_account": ["DON-3"]})  # fmt: skip
    store.load(later)
    assert not index_is_current(store.connection)
    assert "DON-3" in store.network(around=["BRK-1"], hops=1)
