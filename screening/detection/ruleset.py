"""The rule packs on disk, and a deployment's overrides of them.

Packs are folders under ``rules/`` (one YAML file per rule); the wheel ships
them as ``screening/_content/rules``. A deployment disables rules or tunes
parameters in its own TOML file, never in the packs::

    [rules.ML-01]
    enabled = false

    [rules.OB-01.parameters]
    k_in = 4
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import screening
from screening.detection.model import Parameter, Rule, RuleError, read_rule
from screening.detection.reference import Reference, read_reference

REFERENCE_FOLDER = "reference"


def content_folder(name: str) -> Path:
    """Detection content shipped in the wheel (``_content/<name>``), or the checkout's ``<name>/``."""
    installed = Path(screening.__file__).parent / "_content" / name
    return installed if installed.is_dir() else Path(screening.__file__).parents[1] / name


def default_rules_folder() -> Path:
    """The installed packs, or the checkout's ``rules/`` when running from source."""
    return content_folder("rules")


@dataclass(frozen=True)
class RuleSet:
    """All rules of a folder, with the reference data they read."""

    rules: tuple[Rule, ...]
    reference: Reference
    folder: Path
    fingerprint: str

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(r.id for r in self.rules)
        raise RuleError(f"no rule {rule_id!r}; the rules are {known}")

    @property
    def packs(self) -> tuple[str, ...]:
        return tuple(sorted({rule.pack for rule in self.rules}))


def load_rules(folder: Path | None = None) -> RuleSet:
    """Read every rule of every pack under ``folder``; the first mistake stops with its file and field."""
    rules, errors, reference = _read_folder(folder or default_rules_folder())
    if errors:
        raise errors[0]
    assert reference is not None
    return _ruleset(folder or default_rules_folder(), rules, reference)


def validate_rules(folder: Path) -> list[RuleError]:
    """Every mistake in a rule folder, each naming its file and field (empty when all is well)."""
    return _read_folder(folder)[1]


def _read_folder(folder: Path) -> tuple[list[Rule], list[RuleError], Reference | None]:
    if not folder.is_dir():
        return [], [RuleError("no such rule folder", path=str(folder))], None
    rules: list[Rule] = []
    errors: list[RuleError] = []
    reference: Reference | None = None
    try:
        reference = read_reference(folder / REFERENCE_FOLDER)
    except RuleError as error:
        errors.append(error)
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*/*.yaml")):
        if path.parent.name == REFERENCE_FOLDER:
            continue
        try:
            rule = read_rule(path, pack=path.parent.name)
        except RuleError as error:
            errors.append(error)
            continue
        if rule.id in seen:
            errors.append(
                RuleError(f"field id: {rule.id} is also defined in {seen[rule.id]}", path=str(path))
            )
            continue
        seen[rule.id] = path
        rules.append(rule)
    if not rules and not errors:
        errors.append(RuleError("no rule files (expected <pack>/<ID>.yaml)", path=str(folder)))
    return rules, errors, reference


def _ruleset(folder: Path, rules: list[Rule], reference: Reference) -> RuleSet:
    digest = hashlib.sha256()
    for rule in sorted(rules, key=lambda r: r.id):
        digest.update(rule.path.read_bytes())
    return RuleSet(
        rules=tuple(sorted(rules, key=lambda r: (r.pack, r.id))),
        reference=reference,
        folder=folder,
        fingerprint=digest.hexdigest()[:16],
    )


class Tunable(Protocol):
    """A rule or a network pattern: what settings can turn off or tune."""

    @property
    def id(self) -> str: ...
    @property
    def parameters(self) -> dict[str, Parameter]: ...
    @property
    def default_parameters(self) -> dict[str, float | int]: ...


@dataclass(frozen=True)
class Settings:
    """A deployment's choices: which rules are off, which parameters differ from the packs."""

    disabled: frozenset[str] = frozenset()
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def enabled(self, rule: Tunable) -> bool:
        return rule.id not in self.disabled

    def parameters_for(self, rule: Tunable) -> dict[str, float | int]:
        """The rule's effective parameters: pack defaults, then this deployment's values, checked."""
        values = rule.default_parameters
        where = f"{self.path} ([rules.{rule.id}.parameters])"
        for name, value in self.parameters.get(rule.id, {}).items():
            if name not in rule.parameters:
                known = ", ".join(rule.parameters) or "none"
                raise RuleError(f"rule {rule.id} has no parameter {name!r} (it has: {known})", path=where)
            values[name] = rule.parameters[name].check(value, where)
        return values


def read_settings(path: Path | None, ruleset: RuleSet, patterns: Sequence[Tunable] = ()) -> Settings:
    """Read a deployment's overrides; unknown rules and parameters are named with the file.

    A ``[rules.<ID>]`` table may also name a network pattern of ``patterns`` (``graphs/``):
    rules and patterns are turned off and tuned the same way.
    """
    if path is None:
        return Settings()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RuleError(f"cannot read the settings: {error}", path=str(path)) from error
    rules = document.get("rules", {})
    if not isinstance(rules, dict) or set(document) - {"rules"}:
        raise RuleError("settings hold only [rules.<ID>] tables", path=str(path))
    tunable: dict[str, Tunable] = {r.id: r for r in ruleset.rules} | {p.id: p for p in patterns}
    disabled, parameters = set(), {}
    for rule_id, entry in rules.items():
        if rule_id not in tunable:
            known = ", ".join(tunable)
            raise RuleError(f"no rule or network pattern {rule_id!r}; there are {known}", path=str(path))
        if not isinstance(entry, dict) or set(entry) - {"enabled", "parameters"}:
            raise RuleError(f"[rules.{rule_id}] takes only enabled and parameters", path=str(path))
        if entry.get("enabled", True) is False:
            disabled.add(rule_id)
        parameters[rule_id] = dict(entry.get("parameters", {}))
    settings = Settings(disabled=frozenset(disabled), parameters=parameters, path=path)
    for item in tunable.values():
        settings.parameters_for(item)
    return settings
