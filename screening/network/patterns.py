"""The network-pattern folder: every ``graphs/*.yaml`` file, read and checked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from screening.detection.model import RuleError
from screening.detection.ruleset import content_folder
from screening.network.detectors import DETECTORS
from screening.network.model import Pattern, read_pattern


def default_patterns_folder() -> Path:
    """The installed patterns, or the checkout's ``graphs/`` when running from source."""
    return content_folder("graphs")


@dataclass(frozen=True)
class PatternSet:
    """All patterns of a folder, with a fingerprint of their files for run manifests."""

    patterns: tuple[Pattern, ...]
    folder: Path
    fingerprint: str

    def get(self, pattern_id: str) -> Pattern:
        for pattern in self.patterns:
            if pattern.id == pattern_id:
                return pattern
        known = ", ".join(p.id for p in self.patterns)
        raise RuleError(f"no network pattern {pattern_id!r}; there are {known}", path=str(self.folder))


def load_patterns(folder: Path | None = None) -> PatternSet:
    """Read every pattern file of ``folder`` (default: the shipped ``graphs/``)."""
    folder = folder or default_patterns_folder()
    if not folder.is_dir():
        raise RuleError("no such pattern folder", path=str(folder))
    paths = sorted(folder.glob("*.yaml"))
    patterns = tuple(read_pattern(path, frozenset(DETECTORS)) for path in paths)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return PatternSet(patterns, folder, digest.hexdigest()[:16])
