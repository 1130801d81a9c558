"""The Spark SQL generated for every rule and shared view, kept as golden files beside the tests.

A change to a rule, to the views or to the dialect layer shows up here as a
reviewable diff of the SQL Spark will run. After checking the change, regenerate:

    SCREENING_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/spark/test_golden.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screening.detection.ruleset import load_rules
from screening.detection.views import view_parameters, view_queries

dialect = pytest.importorskip(
    "screening.engines.dialect", reason="the dialect layer needs sqlglot (spark extra)"
)

GOLDEN = Path(__file__).parent / "golden"
SCAN_FROM = datetime(2026, 1, 1, tzinfo=UTC)
AS_OF = datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)
RULESET = load_rules()


def rule_sql(rule_id: str) -> str:
    rule = RULESET.get(rule_id)
    reason = dialect.untranslatable(rule)
    if reason is not None:
        return f"-- {rule_id} cannot run on Spark yet: {reason}\n"
    values = {**rule.default_parameters, "scan_from": SCAN_FROM, "as_of": AS_OF}
    return dialect.to_spark(rule.detection, values, pretty=True) + "\n"


def views_sql() -> str:
    values = view_parameters(RULESET.reference, scan_from=SCAN_FROM, as_of=AS_OF)
    parts = []
    for name, query in view_queries():
        parts.append(f"-- {name}\n{dialect.to_spark(query, values, pretty=True)};\n")
    return "\n".join(parts)


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SCREENING_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; regenerate (see this module's docstring)"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.mark.parametrize("rule_id", [rule.id for rule in RULESET.rules])
def test_the_spark_sql_of_a_rule_is_the_golden_one(rule_id: str) -> None:
    check(f"{rule_id}.sql", rule_sql(rule_id))


def test_the_spark_sql_of_the_shared_views_is_the_golden_one() -> None:
    check("views.sql", views_sql())


def test_every_golden_file_belongs_to_a_rule_or_the_views() -> None:
    expected = {f"{rule.id}.sql" for rule in RULESET.rules} | {"views.sql"}
    assert {p.name for p in GOLDEN.glob("*.sql")} == expected
