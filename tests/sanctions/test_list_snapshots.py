"""Sanctions lists in the store: dated snapshots that know what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening import InputError, Store
from screening.cli import main
from screening.sanctions.lists import load_list, snapshots

FIXTURES = Path(__file__).parent / "fixtures"
UN = FIXTURES / "un_small.xml"


def test_a_list_file_becomes_a_snapshot_with_every_name(store: Store) -> None:
    snapshot = load_list(store, UN)
    assert (snapshot.list_name, snapshot.format, snapshot.entries, snapshot.added) == ("UN", "un", 3, 3)
    stored = store.sql("SELECT count(*) AS n FROM list_names")["n"].item()
    assert stored == snapshot.names > snapshot.entries


def test_the_ofac_folder_format_is_recognised(store: Store) -> None:
    snapshot = load_list(store, FIXTURES / "ofac")
    assert (snapshot.list_name, snapshot.format) == ("OFAC-SDN", "ofac-csv")


def test_loading_the_same_list_again_stores_nothing_new(store: Store) -> None:
    first = load_list(store, UN)
    again = load_list(store, UN)
    assert again.snapshot_id == first.snapshot_id
    assert len(snapshots(store)) == 1


def test_a_changed_list_counts_new_changed_and_removed_entries(store: Store, tmp_path: Path) -> None:
    load_list(store, UN)
    text = UN.read_text(encoding="utf-8")
    first_ref = text.split("<REFERENCE_NUMBER>")[1].split("<")[0]
    changed = tmp_path / "un_changed.xml"
    changed.write_text(text.replace(f"<REFERENCE_NUMBER>{first_ref}<", f"<REFERENCE_NUMBER>{first_ref}X<", 1))
    snapshot = load_list(store, changed)
    assert (snapshot.added, snapshot.changed, snapshot.removed) == (1, 0, 1)


def test_a_file_of_unknown_format_is_refused_with_advice(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("not a list")
    with pytest.raises(InputError, match=r"list\.txt: cannot tell the list format; give --format"):
        load_list(store, path)


def test_lists_commands_load_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.duckdb")
    assert main(["lists", "load", str(UN), "--db", db]) == 0
    assert main(["lists", "--db", db, "--format", "json"]) == 0
    shown = capsys.readouterr().out
    assert '"list_name": "UN"' in shown and '"entries": 3' in shown


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ofac_sdn_small.xml", "ofac-xml"),
        ("eu_fsf_small.xml", "eu-xml"),
        ("ofsi_conlist_small.csv", "ofsi-csv"),
        ("internal/watchlist.csv", "internal"),
        ("internal/watchlist.jsonl", "internal"),
    ],
)
def test_every_list_format_is_recognised_and_stored(store: Store, name: str, fmt: str) -> None:
    snapshot = load_list(store, FIXTURES / name)
    assert snapshot.format == fmt and snapshot.entries > 0
