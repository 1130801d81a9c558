"""Every network pattern in graphs/ behaves as its own cases say, and pattern files are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.detection.model import RuleError
from screening.network.cases import run_pattern_case
from screening.network.model import Pattern, PatternCase
from screening.network.patterns import load_patterns

PATTERNS = load_patterns()
CASES = [(p, c) for p in PATTERNS.patterns for c in p.cases]


@pytest.mark.parametrize(("pattern", "case"), CASES, ids=[f"{p.id}: {c.case.name}" for p, c in CASES])
def test_pattern_case(pattern: Pattern, case: PatternCase) -> None:
    result = run_pattern_case(pattern, case)
    assert result.flagged == result.expected, result.explanations
    for account, role in case.roles.items():
        assert result.roles.get(account) == role, f"{account}: {result.roles.get(account)!r}"


def test_every_pattern_has_a_positive_and_a_negative_case() -> None:
    for pattern in PATTERNS.patterns:
        assert any(c.case.expect for c in pattern.cases), pattern.id
        assert any(not c.case.expect for c in pattern.cases), pattern.id


def test_a_pattern_naming_an_unknown_detector_is_refused(tmp_path: Path) -> None:
    (tmp_path / "NW-99.yaml").write_text(
        "id: NW-99\nversion: 1\ntitle: t\ntypology: t\nseverity: high\ndescription: d\n"
        "references: [r]\nlookback: 30 days\ndetector: no_such_thing\nexplanation: e\ncases: []\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="no detector 'no_such_thing'") as error:
        load_patterns(tmp_path)
    assert "NW-99.yaml" in str(error.value)
