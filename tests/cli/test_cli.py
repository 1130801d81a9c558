"""The command line: summaries for people, JSON for cron, one-line errors, honest exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from screening.cli import main
from tests.conftest import FIXTURES, csv_text

Write = Callable[..., Path]
GOOD = "T1,2026-03-01T10:00:00Z,10,EUR,A1,Anna,DE,A2,GB,wire,rent"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_load_exits_zero_with_a_summary(
    capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "load", str(write("p.csv", csv_text(GOOD))), "--db", str(tmp_path / "s.duckdb")
    )
    assert code == 0
    assert "Load summary" in out


def test_quarantined_records_are_listed_one_line_each_and_exit_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys,
        "load",
        str(FIXTURES / "bank_de.csv"),
        "--mapping",
        str(FIXTURES / "bank_de.toml"),
        "--db",
        str(tmp_path / "s.duckdb"),
        "--quiet",
    )
    assert code == 1
    assert err.splitlines() == [
        f"{FIXTURES / 'bank_de.csv'} row 3: ts: not a timestamp in the format %d.%m.%Y %H:%M: '31.02.2026 10:00'",
        f"{FIXTURES / 'bank_de.csv'} row 4: amount: must be greater than zero: '-5,00'",
    ]


def test_json_output_for_cron(capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "load",
        str(write("p.csv", csv_text(GOOD))),
        "--db",
        str(tmp_path / "s.duckdb"),
        "--format",
        "json",
    )
    assert code == 0
    [result] = json.loads(out)
    assert (result["read"], result["loaded"], result["quarantined"], result["duplicates"]) == (
        1,
        1,
        0,
        0,
    )


def test_missing_file_is_one_line_and_exit_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "load", str(tmp_path / "gone.csv"), "--db", str(tmp_path / "s.duckdb"))
    assert code == 2
    assert err == f"error: {tmp_path / 'gone.csv'}: no such file\n"


def test_bad_mapping_is_one_line_and_exit_two(
    capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path
) -> None:
    mapping = write("m.toml", "[columns]\nfoo = 'x'\n")
    code, _, err = run(
        capsys,
        "load",
        str(write("p.csv", csv_text(GOOD))),
        "--mapping",
        str(mapping),
        "--db",
        str(tmp_path / "s.duckdb"),
    )
    assert code == 2
    assert err.count("\n") == 1 and "unknown payments field 'foo'" in err


def test_quarantine_csv_cannot_run_as_a_spreadsheet_formula(
    capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path
) -> None:
    db = str(tmp_path / "s.duckdb")
    run(
        capsys,
        "load",
        str(write("p.csv", csv_text("=1+2,2026-03-01,abc,EUR,A1,,,A2,,,"))),
        "--db",
        db,
        "-q",
    )
    code, out, _ = run(capsys, "quarantine", "--db", db, "--format", "csv")
    assert code == 0
    assert ",'=1+2," in out


def test_info_reports_counts(capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    run(capsys, "load", str(write("p.csv", csv_text(GOOD))), "--db", db, "-q")
    code, out, _ = run(capsys, "info", "--db", db, "--format", "json")
    assert code == 0
    assert json.loads(out)["tables"]["payments"] == 1


def test_info_on_a_missing_store_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "info", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2
    assert "no such store" in err


def test_bad_memory_limit_is_one_line(
    capsys: pytest.CaptureFixture[str], write: Write, tmp_path: Path
) -> None:
    code, _, err = run(
        capsys,
        "load",
        str(write("p.csv", csv_text(GOOD))),
        "--db",
        str(tmp_path / "s.duckdb"),
        "--memory-limit",
        "lots",
    )
    assert code == 2
    assert "Memory must have a number" in err and err.count("\n") == 1


def test_a_folder_loads_its_files_in_name_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "b.csv").write_text(csv_text(GOOD.replace("T1,", "T2,", 1)))
    (folder / "a.csv").write_text(csv_text(GOOD))
    (folder / "notes.txt.bak").write_text("not data")
    code, out, _ = run(capsys, "load", str(folder), "--db", str(tmp_path / "s.duckdb"), "--format", "json")
    assert code == 0
    assert [Path(r["source_file"]).name for r in json.loads(out)] == ["a.csv", "b.csv"]
