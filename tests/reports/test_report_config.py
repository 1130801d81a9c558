"""The reporting config: every mistake is named with its file and key, before the store is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.cli import main
from screening.detection.ruleset import load_rules
from screening.errors import InputError
from screening.network.patterns import load_patterns
from screening.reports.config import EXAMPLE_CONFIG, load_config
from tests.reports.conftest import ALERTS

EXAMPLE = EXAMPLE_CONFIG.read_text(encoding="utf-8")


def config_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EXAMPLE
    path = tmp_path / "reporting.toml"
    path.write_text(EXAMPLE.replace(old, new, 1), encoding="utf-8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(InputError) as raised:
        load_config(path)
    return str(raised.value)


def test_the_shipped_example_is_a_valid_config() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert config.report["rentity_id"] == 101
    assert config.channel("wire").transmode_code == "SWIFT"
    assert config.channel("wire").transmode_comment == "E"  # from [channels.default]
    assert config.channel("mobile") == config.channel(None) == config.channels["default"]
    assert config.indicators_for("TF-01", "terrorist financing") == ("ITLSL",)
    assert config.indicators_for("TF-02", "terrorist financing") == ("TFFTH",)


def test_a_rentity_id_in_quotes_is_refused(tmp_path: Path) -> None:
    path = config_with(tmp_path, "rentity_id = 101", 'rentity_id = "101"')
    assert error_for(path) == f"{path}, field report.rentity_id: must be a whole number from 1"


def test_a_misspelt_key_is_refused_not_ignored(tmp_path: Path) -> None:
    path = config_with(tmp_path, "report_code =", "report_cod =")
    assert error_for(path).startswith(
        f"{path}, field report.report_cod: unknown key; expected one of action,"
    )


def test_a_missing_required_key_is_named(tmp_path: Path) -> None:
    path = config_with(tmp_path, 'submission_code = "E"', "")
    assert error_for(path) == f"{path}, field report.submission_code: missing"


def test_the_default_channel_must_give_every_code(tmp_path: Path) -> None:
    path = config_with(tmp_path, 'transmode_comment = "E"', "")
    assert error_for(path) == f"{path}, field channels.default.transmode_comment: missing"


def test_indicator_codes_must_be_a_list(tmp_path: Path) -> None:
    path = config_with(tmp_path, '"structuring" = ["STRUC", "ML002"]', '"structuring" = "STRUC"')
    assert (
        error_for(path)
        == f'{path}, field indicators.structuring: must be a list of indicator codes, e.g. ["STRUC"]'
    )


def test_broken_toml_is_refused_with_its_position(tmp_path: Path) -> None:
    path = config_with(tmp_path, "[location]", "[location")
    assert error_for(path).startswith(f"{path}: not valid TOML:")


def test_an_alert_whose_rule_and_typology_have_no_indicator_is_refused(tmp_path: Path) -> None:
    path = config_with(tmp_path, '"structuring" = ["STRUC", "ML002"]', "")
    with pytest.raises(
        InputError, match="field indicators: no indicator codes for rule ML-01 or typology 'structuring'"
    ):
        load_config(path).indicators_for("ML-01", "structuring")


def test_cli_names_the_config_file_and_key_and_exits_2(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_with(tmp_path, 'gender = "F"', "gender = 1")
    out = tmp_path / "str.xml"
    code = main(["report", ALERTS[0]["alert_id"], "--format", "goaml", "--out", str(out), "--db", str(case_db),
                 "--config", str(path), "--xsd", "unused.xsd"])  # fmt: skip
    assert code == 2
    assert (
        capsys.readouterr().err.strip()
        == f"error: {path}, field reporting_person.gender: must be text in quotes"
    )
    assert not out.exists()


def test_cli_without_a_config_says_where_the_example_is(
    case_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCREENING_REPORTING", raising=False)
    code = main(["report", ALERTS[0]["alert_id"], "--format", "goaml", "--out", str(tmp_path / "x.xml"),
                 "--db", str(case_db)])  # fmt: skip
    assert code == 2
    assert f"--format goaml needs --config FILE (start from {EXAMPLE_CONFIG})" in capsys.readouterr().err


def test_the_example_maps_every_shipped_rule_and_pattern_to_indicators() -> None:
    config = load_config(EXAMPLE_CONFIG)
    shipped = [(r.id, r.typology) for r in load_rules().rules] + [
        (p.id, p.typology) for p in load_patterns().patterns
    ]
    for rule_id, typology in shipped:
        assert config.indicators_for(rule_id, typology), rule_id
