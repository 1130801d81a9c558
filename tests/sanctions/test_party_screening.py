"""TF-01: parties of the store screened against the loaded lists, hits remembered, alerts raised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening import InputError, Store
from screening.detection import alerts, entity_risk
from screening.sanctions.lists import load_list
from screening.sanctions.screen import decide, hits, screen_parties
from tests.conftest import csv_text

UN = Path(__file__).parent / "fixtures" / "un_small.xml"
PAYMENTS = (
    "P1,2026-03-01T10:00:00Z,4800,USD,ACC-9,Abdul Rahman Al Testi,TR,ACC-2,SY,wire,support",
    "P2,2026-03-02T10:00:00Z,120,USD,ACC-7,Maria Lopez,ES,ACC-8,ES,card,groceries",
)


@pytest.fixture
def listed(store: Store, write) -> Store:  # type: ignore[no-untyped-def]
    store.load(write("p.csv", csv_text(*PAYMENTS)))
    load_list(store, UN)
    return store


def test_a_listed_payer_becomes_a_tf01_alert_with_its_payments(listed: Store) -> None:
    run = screen_parties(listed)
    assert run.new_hits == 1
    [hit] = hits(listed).to_dicts()
    assert (hit["account"], hit["list_name"], hit["entry_id"]) == ("ACC-9", "UN", "QDi.901")
    [alert] = alerts(listed, rule="TF-01").to_dicts()
    assert alert["subject"] == "ACC-9" and "matches UN entry QDi.901" in alert["explanation"]
    assert entity_risk(listed)["account"].to_list() == ["ACC-9"]


def test_screening_again_raises_nothing_new(listed: Store) -> None:
    screen_parties(listed)
    assert screen_parties(listed).new_hits == 0
    assert len(alerts(listed, rule="TF-01")) == 1


def test_a_false_positive_is_not_raised_again(listed: Store) -> None:
    screen_parties(listed)
    [hit_id] = hits(listed)["hit_id"].to_list()
    decide(listed, hit_id, "false_positive", note="different person, checked passport")
    assert screen_parties(listed).new_hits == 0
    assert hits(listed, status="false_positive")["hit_id"].to_list() == [hit_id]


def test_a_changed_entry_is_screened_again_even_after_a_false_positive(listed: Store, tmp_path: Path) -> None:
    screen_parties(listed)
    [hit_id] = hits(listed)["hit_id"].to_list()
    decide(listed, hit_id, "false_positive")
    changed = tmp_path / "un_changed.xml"
    changed.write_text(UN.read_text(encoding="utf-8").replace("<REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER>",
                                                              "<REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER>"
                                                              "<NATIONALITY><VALUE>Syrian Arab Republic</VALUE>"
                                                              "</NATIONALITY>", 1))  # fmt: skip
    load_list(listed, changed)
    again = screen_parties(listed)
    assert (again.entries, again.new_hits) == (3, 1)
    assert hits(listed, status="open")["account"].to_list() == ["ACC-9"]


def test_a_new_party_is_screened_against_every_entry(listed: Store, write) -> None:  # type: ignore[no-untyped-def]
    screen_parties(listed)
    listed.load(
        write("more.csv", csv_text("P3,2026-03-05T10:00:00Z,900,USD,ACC-5,Jane Example,GB,ACC-6,GB,wire,"))
    )
    assert screen_parties(listed).new_hits == 1


def test_screening_without_a_list_says_what_to_do(store: Store) -> None:
    with pytest.raises(InputError, match="no sanctions list is loaded"):
        screen_parties(store)


def test_hits_commands_screen_list_and_decide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from screening.cli import main

    payments = tmp_path / "p.csv"
    payments.write_text(csv_text(*PAYMENTS))
    db = str(tmp_path / "s.duckdb")
    assert main(["load", str(payments), "--db", db, "-q"]) == 0
    assert main(["lists", "load", str(UN), "--db", db]) == 0
    assert main(["lists", "screen", "--db", db]) == 0
    capsys.readouterr()
    assert main(["hits", "--db", db, "--format", "json"]) == 0
    hit_id = json.loads(capsys.readouterr().out)[0]["hit_id"]
    assert main(["hits", "decide", hit_id, "--decision", "false_positive", "--db", db]) == 0
    assert main(["hits", "decide", hit_id, "--decision", "maybe", "--db", db]) == 2


def test_the_nightly_run_screens_parties_when_a_list_is_loaded(tmp_path: Path) -> None:
    from screening.cli import main

    payments = tmp_path / "p.csv"
    payments.write_text(csv_text(*PAYMENTS))
    db = str(tmp_path / "s.duckdb")
    assert main(["load", str(payments), "--db", db, "-q"]) == 0
    assert main(["lists", "load", str(UN), "--db", db]) == 0
    assert main(["run", "--db", db, "-q", "--no-networks"]) == 0
    with Store.open(Path(db)) as store:
        assert hits(store)["account"].to_list() == ["ACC-9"]


def test_the_demo_says_in_one_line_that_it_skips_sanctions_without_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from screening.cli import main

    db, folder = str(tmp_path / "demo.duckdb"), str(tmp_path / "demo")
    assert main(["demo", "--payments", "1000", "--db", db, "--dir", folder]) == 0
    printed = capsys.readouterr().out
    assert "Sanctions (TF-01) skipped: no list loaded" in " ".join(printed.split())
