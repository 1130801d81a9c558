"""Rules as data: the declarative rule file, read and checked field by field.

A rule file (YAML, one per rule, under ``rules/<pack>/``) declares who wrote
the rule and why (id, version, title, typology, severity, description,
references), its typed parameters with defaults, bounds and units, the
detection as one SQL query with ``$parameter`` placeholders that are bound,
never pasted, an explanation template, and its own positive and negative cases.

The detection query reads the shared views the engine provides (see
``screening.detection.views``) and returns one row per finding with the columns
``subject``, ``window_start``, ``window_end``, ``score`` (0 to 1) and
``evidence`` (the txn_ids, a list); every other column is a figure, kept with
the alert and available to the explanation template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from screening.errors import InputError

SEVERITIES = ("low", "medium", "high", "critical")
PARAMETER_TYPES = {"money": float, "count": int, "ratio": float, "days": int, "hours": int, "number": float}
REQUIRED_COLUMNS = ("subject", "window_start", "window_end", "score", "evidence")
OPTIONAL_FIELDS = {"accounts.occupation": "KYC occupation (load accounts with an occupation column)"}
_ID = re.compile(r"^[A-Z]{2,3}-\d{2}$")
_DURATION = re.compile(r"^(\d+)\s*(day|days|hour|hours)$")
_KEYS = {
    "id", "version", "title", "typology", "severity", "description", "references", "lookback",
    "requires", "parameters", "detection", "explanation", "cases", "scores_only",
}  # fmt: skip


class RuleError(InputError):
    """A rule file is malformed: names the file and the field."""


@dataclass(frozen=True)
class Parameter:
    """A tunable figure of a rule, with its bounds and unit."""

    name: str
    kind: str
    default: float | int
    minimum: float | int | None
    maximum: float | int | None
    unit: str
    description: str

    def check(self, value: Any, where: str) -> float | int:
        """The value as this parameter's type, or a :class:`RuleError` naming ``where``."""
        cast = PARAMETER_TYPES[self.kind]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(f"parameter {self.name} must be a number, not {value!r}", path=where)
        if cast is int and value != int(value):
            raise RuleError(f"parameter {self.name} must be a whole number of {self.unit}", path=where)
        if self.minimum is not None and value < self.minimum:
            raise RuleError(
                f"parameter {self.name} = {value} is below its minimum {self.minimum}", path=where
            )
        if self.maximum is not None and value > self.maximum:
            raise RuleError(
                f"parameter {self.name} = {value} is above its maximum {self.maximum}", path=where
            )
        return int(value) if cast is int else float(value)


@dataclass(frozen=True)
class Case:
    """A rule's own example: tiny tables and the subjects it must (and only must) flag."""

    name: str
    payments: str
    accounts: str | None
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One detection rule, as read from its file."""

    id: str
    version: int
    pack: str
    title: str
    typology: str
    severity: str
    description: str
    references: tuple[str, ...]
    lookback: timedelta
    requires: tuple[str, ...]
    parameters: dict[str, Parameter]
    detection: str
    explanation: str
    cases: tuple[Case, ...]
    path: Path
    scores_only: bool = False

    @property
    def default_parameters(self) -> dict[str, float | int]:
        return {name: p.default for name, p in self.parameters.items()}


@dataclass(frozen=True)
class Header:
    """What rule and network-pattern files share, read and checked: the document, id, version, severity."""

    document: dict[str, Any]
    id: str
    version: int
    severity: str
    references: tuple[str, ...]
    where: str

    def text(self, key: str) -> str:
        """A required text field, stripped; a :class:`RuleError` naming the field when missing."""
        value = self.document.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RuleError(f"field {key}: missing or empty", path=self.where)
        return value.strip()


def read_header(path: Path, keys: set[str], kind: str, example: str) -> Header:
    """Parse a ``kind`` file (YAML) and check the fields every detection file has."""
    where = str(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleError(f"cannot read the {kind}: {error}", path=where) from error
    if not isinstance(document, dict):
        raise RuleError(f"a {kind} file must be a mapping of fields", path=where)
    unknown = sorted(set(document) - keys)
    if unknown:
        raise RuleError(f"unknown field {unknown[0]!r}", path=where)
    header = Header(document, "", 0, "", (), where)
    detection_id = header.text("id")
    if not _ID.match(detection_id):
        raise RuleError(f"field id: {detection_id!r} is not like {example}", path=where)
    if path.stem != detection_id:
        raise RuleError(f"field id: {detection_id!r} differs from the file name {path.name!r}", path=where)
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise RuleError("field version: must be a whole number from 1", path=where)
    severity = header.text("severity")
    if severity not in SEVERITIES:
        raise RuleError(f"field severity: {severity!r} is not one of {', '.join(SEVERITIES)}", path=where)
    references = document.get("references") or []
    if not isinstance(references, list) or not references or not all(isinstance(r, str) for r in references):
        raise RuleError("field references: must list at least one source", path=where)
    return Header(document, detection_id, version, severity, tuple(references), where)


def read_rule(path: Path, pack: str) -> Rule:
    """Read and check one rule file; every mistake names the file and the field."""
    header = read_header(path, _KEYS, "rule", "OB-01")
    document, where, text = header.document, header.where, header.text
    parameters = read_parameters(document.get("parameters") or {}, where)
    detection = text("detection")
    _check_placeholders(detection, parameters, where)
    requires = tuple(document.get("requires") or ())
    for name in requires:
        if name not in OPTIONAL_FIELDS:
            raise RuleError(f"field requires: unknown optional field {name!r}", path=where)
    return Rule(
        id=header.id,
        version=header.version,
        pack=pack,
        title=text("title"),
        typology=text("typology"),
        severity=header.severity,
        description=text("description"),
        references=header.references,
        lookback=read_duration(text("lookback"), where),
        requires=requires,
        parameters=parameters,
        detection=detection,
        explanation=text("explanation"),
        cases=read_cases(document.get("cases"), where),
        path=path,
        scores_only=bool(document.get("scores_only", False)),
    )


def read_parameters(document: Any, where: str) -> dict[str, Parameter]:
    if not isinstance(document, dict):
        raise RuleError("field parameters: must be a mapping of name to definition", path=where)
    parameters: dict[str, Parameter] = {}
    for name, spec in document.items():
        at = f"field parameters.{name}"
        if not isinstance(spec, dict):
            raise RuleError(f"{at}: must be a mapping with type, default and unit", path=where)
        kind = spec.get("type")
        if kind not in PARAMETER_TYPES:
            raise RuleError(f"{at}.type: {kind!r} is not one of {', '.join(PARAMETER_TYPES)}", path=where)
        unit = spec.get("unit")
        if not isinstance(unit, str) or not unit:
            raise RuleError(f"{at}.unit: missing", path=where)
        parameter = Parameter(
            name=name,
            kind=kind,
            default=0,
            minimum=spec.get("min"),
            maximum=spec.get("max"),
            unit=unit,
            description=str(spec.get("description", "")),
        )
        default = parameter.check(spec.get("default"), f"{where} ({at}.default)")
        parameters[name] = Parameter(**{**parameter.__dict__, "default": default})
    return parameters


def _check_placeholders(sql: str, parameters: dict[str, Parameter], where: str) -> None:
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))
    engine = {"as_of", "scan_from"}
    for name in sorted(used - set(parameters) - engine):
        raise RuleError(
            f"field detection: ${name} is neither a parameter nor one the engine binds", path=where
        )
    for name in sorted(set(parameters) - used):
        raise RuleError(f"field parameters.{name}: declared but not used in detection", path=where)


def read_duration(text: str, where: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise RuleError(f"field lookback: {text!r} is not like '30 days' or '48 hours'", path=where)
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(days=amount) if unit.startswith("day") else timedelta(hours=amount)


def read_cases(document: Any, where: str) -> tuple[Case, ...]:
    if not isinstance(document, list) or not document:
        raise RuleError("field cases: a rule needs its own positive and negative cases", path=where)
    cases = []
    for i, case in enumerate(document):
        at = f"field cases[{i}]"
        if not isinstance(case, dict) or not isinstance(case.get("payments"), str):
            raise RuleError(f"{at}: needs a name, payments (CSV text) and expect", path=where)
        expect = case.get("expect")
        if not isinstance(expect, list):
            raise RuleError(f"{at}.expect: must list the subjects flagged ([] for none)", path=where)
        cases.append(
            Case(
                name=str(case.get("name", f"case {i + 1}")),
                payments=case["payments"],
                accounts=case.get("accounts"),
                expect=tuple(str(s) for s in expect),
            )
        )
    if not any(c.expect for c in cases) or all(c.expect for c in cases):
        raise RuleError("field cases: needs at least one positive and one negative case", path=where)
    return tuple(cases)
