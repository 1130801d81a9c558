"""Network patterns as data: the declarative pattern file and what a detector finds.

A pattern file (YAML, one per pattern, under ``graphs/``) reads like a rule file
(id, version, title, typology, severity, description, references, lookback,
typed parameters, explanation template, its own positive and negative cases)
but, instead of one SQL query, names the engine's ``detector`` that runs it:
network shapes (rings, cycles, bridges, communities) need graph algorithms a
single query cannot express. The detector receives the parameters, already
checked against their bounds, and returns :class:`Finding` objects: a subject,
a window, a score, the evidence payments, the members of the structure with
their roles, and the figures the explanation template quotes.

A case may also list the role it expects of members (``roles: {ACC: donor}``);
a donor is a likely victim, and the cases check that the output says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from screening.detection.model import (
    Case,
    Parameter,
    RuleError,
    read_cases,
    read_duration,
    read_header,
    read_parameters,
)

ROLES = (
    "recipient", "broker", "donor", "medical facility", "facilitator", "recruiter",
    "origin", "intermediary", "beneficiary", "hub", "sender", "receiver", "bridge",
    "member", "organ-brokering subject", "terrorist-financing subject",
)  # fmt: skip
"""The roles a member of a network finding can have."""

VICTIM_ROLES = frozenset({"donor"})
"""Roles whose holders are likely victims: reported as such and never scored as suspects."""

_KEYS = {
    "id", "version", "title", "typology", "severity", "description", "references", "lookback",
    "parameters", "detector", "explanation", "cases", "scores_only",
}  # fmt: skip


@dataclass(frozen=True)
class Member:
    """One account in a network finding and the part it plays."""

    account: str
    role: str
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def victim(self) -> bool:
        return self.role in VICTIM_ROLES


@dataclass(frozen=True)
class Finding:
    """A network structure found: who it is about, when, how sure, and the payments that show it."""

    subject: str
    window_start: datetime
    window_end: datetime
    score: float
    evidence: tuple[str, ...]
    members: tuple[Member, ...]
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PatternCase:
    """A pattern's own example: payments, the subjects it must flag and, optionally, members' roles."""

    case: Case
    roles: dict[str, str]


@dataclass(frozen=True)
class Pattern:
    """One network pattern, as read from its file."""

    id: str
    version: int
    title: str
    typology: str
    severity: str
    description: str
    references: tuple[str, ...]
    lookback: timedelta
    parameters: dict[str, Parameter]
    detector: str
    explanation: str
    cases: tuple[PatternCase, ...]
    path: Path
    scores_only: bool = False
    pack: str = "networks"

    @property
    def default_parameters(self) -> dict[str, float | int]:
        return {name: p.default for name, p in self.parameters.items()}


def read_pattern(path: Path, detectors: frozenset[str]) -> Pattern:
    """Read and check one pattern file; every mistake names the file and the field."""
    header = read_header(path, _KEYS, "pattern", "NW-01")
    document, where, text = header.document, header.where, header.text
    detector = text("detector")
    if detector not in detectors:
        known = ", ".join(sorted(detectors))
        raise RuleError(f"field detector: no detector {detector!r}; there are {known}", path=where)
    return Pattern(
        id=header.id,
        version=header.version,
        title=text("title"),
        typology=text("typology"),
        severity=header.severity,
        description=text("description"),
        references=header.references,
        lookback=read_duration(text("lookback"), where),
        parameters=read_parameters(document.get("parameters") or {}, where),
        detector=detector,
        explanation=text("explanation"),
        cases=_pattern_cases(document.get("cases"), where),
        path=path,
        scores_only=bool(document.get("scores_only", False)),
    )


def _pattern_cases(document: Any, where: str) -> tuple[PatternCase, ...]:
    cases = read_cases(document, where)
    result = []
    for i, (case, raw) in enumerate(zip(cases, document, strict=True)):
        roles = raw.get("roles") or {}
        if not isinstance(roles, dict):
            raise RuleError(f"field cases[{i}].roles: must map accounts to roles", path=where)
        for account, role in roles.items():
            if role not in ROLES:
                raise RuleError(
                    f"field cases[{i}].roles.{account}: {role!r} is not one of {', '.join(ROLES)}", path=where
                )
        result.append(PatternCase(case, {str(k): str(v) for k, v in roles.items()}))
    return tuple(result)
