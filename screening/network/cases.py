"""Run a network pattern's own cases: tiny payment tables in, the subjects and member roles out.

The test suite runs every case of every pattern, as it does for rules, so a
pattern is checked by behaviour: a positive case names the subjects and the
roles of members it must report, a negative case (a legitimate look-alike)
must flag nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from screening.detection.cases import load_case_text
from screening.detection.ruleset import Settings, load_rules
from screening.detection.runner import run_rules
from screening.network.detectors import READS_FINDINGS
from screening.network.model import Pattern, PatternCase
from screening.network.patterns import PatternSet, load_patterns
from screening.network.runner import run_patterns
from screening.store import Store
from screening.synth import bundled_fx_rates


@dataclass(frozen=True)
class PatternCaseResult:
    """What a case expected and what the pattern reported."""

    pattern_id: str
    case: str
    expected: frozenset[str]
    flagged: frozenset[str]
    expected_roles: dict[str, str]
    roles: dict[str, str]
    explanations: tuple[str, ...]

    @property
    def passed(self) -> bool:
        wrong_roles = {a: r for a, r in self.expected_roles.items() if self.roles.get(a) != r}
        return self.expected == self.flagged and not wrong_roles


def run_pattern_case(
    pattern: Pattern, case: PatternCase, rules_folder: Path | None = None, settings: Settings | None = None
) -> PatternCaseResult:
    """Load the case's payments into a scratch store, run the pattern, and report what it found.

    A pattern that starts from other findings (communities, nexus) runs as it does at
    night: after the rules, in one network run with the other patterns of its folder.
    ``settings`` tune parameters as a deployment would.
    """
    rules = load_rules(rules_folder)
    reads_findings = pattern.detector in READS_FINDINGS
    patterns = (
        load_patterns(pattern.path.parent)
        if reads_findings
        else PatternSet((pattern,), pattern.path.parent, "case")
    )
    with (
        tempfile.TemporaryDirectory(prefix="screening-case-") as tmp,
        Store.open(Path(tmp) / "case.duckdb") as store,
    ):
        store.load(bundled_fx_rates(), dataset="fx_rates")
        load_case_text(store, pattern, case.case, case.case.payments, "payments")
        if case.case.accounts:
            load_case_text(store, pattern, case.case, case.case.accounts, "accounts")
        if reads_findings:
            run_rules(store.connection, rules, Settings(), base_currency=store.base_currency)
        run_patterns(store.connection, patterns, rules.reference, base_currency=store.base_currency,
                     settings=settings or Settings())  # fmt: skip
        mine = {"id": pattern.id}
        flagged = store.sql(
            "SELECT subject, explanation FROM alerts WHERE rule_id = $id ORDER BY subject", mine
        )
        members = store.sql(
            "SELECT account, role FROM alert_members JOIN alerts USING (alert_id) WHERE rule_id = $id "
            "ORDER BY account, role",
            mine,
        )
    return PatternCaseResult(
        pattern_id=pattern.id,
        case=case.case.name,
        expected=frozenset(case.case.expect),
        flagged=frozenset(flagged["subject"].to_list()),
        expected_roles=case.roles,
        roles=dict(zip(members["account"].to_list(), members["role"].to_list(), strict=True)),
        explanations=tuple(flagged["explanation"].to_list()),
    )
