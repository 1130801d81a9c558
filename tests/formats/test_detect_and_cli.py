"""The format is told by content; --format overrides; the CLI reports message files like any other."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from screening import InputError
from screening.cli import main
from screening.formats import sniff
from tests.conftest import FIXTURES, csv_text

Write = Callable[..., Path]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("iso20022/pacs008_two_messages.xml", "iso20022"),
        ("iso20022/pacs008_wrapped_batch.xml", "iso20022"),
        ("iso20022/camt053.xml", "iso20022"),
        ("swift/mt103.fin", "mt"),
        ("swift/mt940.sta", "mt"),
        ("goaml_in/str_two_transactions.xml", "goaml"),
        ("bank_de.csv", None),
    ],
)
def test_format_is_told_by_content(name: str, expected: str | None) -> None:
    assert sniff(FIXTURES / name) == expected


def test_content_wins_over_a_misleading_suffix(tmp_path: Path) -> None:
    renamed = tmp_path / "statement.txt"
    shutil.copy(FIXTURES / "swift" / "mt940.sta", renamed)
    assert sniff(renamed) == "mt"


def test_xml_with_a_dtd_is_refused_while_detecting() -> None:
    with pytest.raises(InputError, match=r"xxe\.xml: refused"):
        sniff(FIXTURES / "iso20022" / "xxe.xml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_loads_a_message_file_and_lists_its_quarantined_transaction(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "load", str(FIXTURES / "swift" / "mt103.fin"), "--db", str(tmp_path / "s.duckdb"), "--quiet"
    )
    assert code == 1
    assert "mt103.fin row 3: amount: not a date, currency and amount" in err
    assert out == ""


def test_format_option_reads_a_file_whatever_its_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    disguised = tmp_path / "export.csv"
    shutil.copy(FIXTURES / "goaml_in" / "str_two_transactions.xml", disguised)
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run(
        capsys, "load", str(disguised), "--db", db, "--input-format", "goaml", "--format", "json"
    )
    assert code == 1
    assert json.loads(out)[0]["read"] == 3


def test_format_option_takes_a_file_format_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    disguised = tmp_path / "export.dat"
    shutil.copy(FIXTURES / "swift" / "mt940.sta", disguised)
    code, _, err = run(capsys, "load", str(disguised), "--db", str(tmp_path / "s.duckdb"), "--format", "mt")
    assert code == 1
    assert "export.dat row 3: ts: not a timestamp: '2026-02-30'" in err


def test_forcing_the_wrong_format_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path
) -> None:
    path = write("p.csv", csv_text("T1,2026-03-01T10:00:00Z,10,EUR,A1,Anna,DE,A2,GB,wire,rent"))
    code, _, err = run(capsys, "load", str(path), "--db", str(tmp_path / "s.duckdb"), "--format", "iso20022")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "p.csv, row 1: not well-formed XML: Start tag expected" in err
    assert "Traceback" not in err


def test_refused_xml_exits_two_naming_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "load", str(FIXTURES / "iso20022" / "entity_bomb.xml"), "--db", str(tmp_path / "s.duckdb")
    )
    assert code == 2
    assert "entity_bomb.xml: refused" in err


def test_folder_load_takes_message_files_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "iso20022" / "camt053.xml", folder)
    shutil.copy(FIXTURES / "swift" / "mt940.sta", folder)
    code, out, _ = run(capsys, "load", str(folder), "--db", str(tmp_path / "s.duckdb"), "--format", "json")
    assert code == 1
    assert [r["read"] for r in json.loads(out)] == [4, 3]
