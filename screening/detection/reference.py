"""Reference data the rules read: country lists, corridors, role vocabularies, medical terms.

It lives beside the rule packs as reviewed, versioned files (``rules/reference``)
so a compliance officer can update the FATF lists after a plenary without
touching Python. Loading it yields small tables and regular expressions that
the engine binds into its shared views.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from screening.detection.model import RuleError

COUNTRY_LISTS = (
    "donor_source",
    "transplant_venue",
    "recipient_origin",
    "conflict_border",
    "fatf_call_for_action",
    "fatf_increased_monitoring",
    "unregulated_vasp",
)
ROLES = ("MED", "LAB", "TRAVEL", "NPO", "MSB", "INSURER")
_FILES = ("countries.yaml", "corridors.csv", "roles.yaml", "medical_terms.yaml", "occupations.yaml")


@dataclass(frozen=True)
class Reference:
    """Reference data, ready to bind: lists as Python values, word lists as regular expressions."""

    countries: dict[str, tuple[str, ...]]
    corridors: tuple[tuple[str, str, str], ...]
    role_mccs: dict[str, tuple[str, ...]]
    role_names: dict[str, str]
    medical_terms: str
    medical_occupations: str
    fingerprint: str


def read_reference(folder: Path) -> Reference:
    """Read ``rules/reference``; a mistake names the file and the entry."""
    countries_doc = _yaml(folder / "countries.yaml")
    countries: dict[str, tuple[str, ...]] = {}
    for name in COUNTRY_LISTS:
        entry = countries_doc.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("codes"), list):
            raise RuleError(f"list {name}: needs codes (and a source)", path=str(folder / "countries.yaml"))
        countries[name] = tuple(str(code) for code in entry["codes"])
    roles_doc = _yaml(folder / "roles.yaml")
    role_mccs, role_names = {}, {}
    for role in ROLES:
        entry = roles_doc.get(role)
        if not isinstance(entry, dict):
            raise RuleError(f"role {role}: missing", path=str(folder / "roles.yaml"))
        role_mccs[role] = tuple(_expand_mccs(entry.get("mcc", []), folder / "roles.yaml", role))
        role_names[role] = words_pattern(entry.get("names", []))
    terms = _yaml(folder / "medical_terms.yaml").get("terms", {})
    occupations = _yaml(folder / "occupations.yaml").get("medical", [])
    with (folder / "corridors.csv").open(encoding="utf-8", newline="") as handle:
        corridors = tuple((row["origin"], row["venue"], row["donor"]) for row in csv.DictReader(handle))
    digest = hashlib.sha256()
    for name in _FILES:
        digest.update((folder / name).read_bytes())
    return Reference(
        countries=countries,
        corridors=corridors,
        role_mccs=role_mccs,
        role_names=role_names,
        medical_terms=words_pattern([word for words in terms.values() for word in words]),
        medical_occupations=words_pattern(occupations),
        fingerprint=digest.hexdigest()[:16],
    )


def words_pattern(words: list[str]) -> str:
    """A regular expression matching any of ``words`` as whole words, in lower-cased text."""
    if not words:
        return "(?!)"
    alternatives = "|".join(re.escape(str(w).lower()) for w in sorted(words, key=len, reverse=True))
    return rf"(^|[^\pL\pN])({alternatives})([^\pL\pN]|$)"


def _expand_mccs(codes: list[Any], path: Path, role: str) -> list[str]:
    expanded: list[str] = []
    for code in codes:
        text = str(code)
        if re.fullmatch(r"\d{4}", text):
            expanded.append(text)
        elif match := re.fullmatch(r"(\d{4})-(\d{4})", text):
            expanded.extend(f"{n:04d}" for n in range(int(match.group(1)), int(match.group(2)) + 1))
        else:
            raise RuleError(f"role {role}: {text!r} is not an MCC or a range like 3000-3299", path=str(path))
    return expanded


def _yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleError(f"cannot read reference data: {error}", path=str(path)) from error
    if not isinstance(document, dict):
        raise RuleError("must be a mapping", path=str(path))
    return document
