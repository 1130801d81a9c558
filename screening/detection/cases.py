"""Run a rule's own positive and negative cases: tiny tables in, the subjects it flags out.

The test suite runs every case of every rule; ``screening rules validate``
runs them too, so a rule folder is checked by behaviour as well as by shape.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from screening.detection.model import Case, Rule, RuleError
from screening.detection.ruleset import RuleSet, Settings
from screening.detection.runner import Detection, run_rules
from screening.store import Store
from screening.synth import bundled_fx_rates


@dataclass(frozen=True)
class CaseResult:
    """What a case expected and what the rule flagged."""

    rule_id: str
    case: str
    expected: frozenset[str]
    flagged: frozenset[str]
    explanations: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.expected == self.flagged


def run_case(rule: Rule, case: Case, ruleset: RuleSet) -> CaseResult:
    """Load the case's tables into a scratch store, run the one rule, and report the subjects flagged."""
    only = replace(ruleset, rules=(rule,))
    with (
        tempfile.TemporaryDirectory(prefix="screening-case-") as tmp,
        Store.open(Path(tmp) / "case.duckdb") as store,
    ):
        store.load(bundled_fx_rates(), dataset="fx_rates")
        load_case_text(store, rule, case, case.payments, "payments")
        if case.accounts:
            load_case_text(store, rule, case, case.accounts, "accounts")
        run_rules(store.connection, only, Settings(), base_currency=store.base_currency)
        flagged = store.sql("SELECT subject, explanation FROM alerts ORDER BY subject")
    return CaseResult(
        rule_id=rule.id,
        case=case.name,
        expected=frozenset(case.expect),
        flagged=frozenset(flagged["subject"].to_list()),
        explanations=tuple(flagged["explanation"].to_list()),
    )


def load_case_text(store: Store, rule: Rule | Detection, case: Case, text: str, dataset: str) -> None:
    """Load a case's CSV text (every column as text, as a bank export arrives) into ``dataset``."""
    columns = next(iter(io.StringIO(text))).strip().split(",")
    table = pacsv.read_csv(
        io.BytesIO(text.encode()),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string())),
    )
    result = store.load(table, dataset=dataset, label=f"{rule.id} case {case.name!r}")
    if result.quarantined:
        reasons = "; ".join(store.quarantine(batch_id=result.batch_id)["reason"].to_list())
        raise RuleError(f"case {case.name!r}: {dataset} rows are invalid: {reasons}", path=str(rule.path))
