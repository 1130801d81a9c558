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
    pattern: Pattern, case: PatternCase, rules_folder: Path | None = None
) -> PatternCaseResult:
    """Load the case's payments into a scratch store, run the one pattern, and report what it found."""
    only = PatternSet((pattern,), pattern.path.parent, "case")
    rules = load_rules(rules_folder)
    with (
        tempfile.TemporaryDirectory(prefix="screening-case-") as tmp,
        Store.open(Path(tmp) / "case.duckdb") as store,
    ):
        store.load(bundled_fx_rates(), dataset="fx_rates")
        load_case_text(store, pattern, case.case, case.case.payments, "payments")
        if case.case.accounts:
            load_case_text(store, pattern, case.case, case.case.accounts, "accounts")
        if pattern.detector in READS_FINDINGS:  # it starts from what the rules and other patterns found
            run_rules(store.connection, rules, Settings(), base_currency=store.base_currency)
            others = load_patterns(pattern.path.parent)
            early = Settings(
                disabled=frozenset(p.id for p in others.patterns if p.detector in READS_FINDINGS)
            )
            run_patterns(store.connection, others, rules.reference, base_currency=store.base_currency,
                         settings=early)  # fmt: skip
            store.connection.execute(
                "DELETE FROM runs WHERE json_extract_string(manifest, '$.kind') = 'networks'"
            )
        run_patterns(store.connection, only, rules.reference, base_currency=store.base_currency)
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
