"""Precision and recall of the name matcher on a labelled set of name pairs.

The set mixes aliases the UN itself lists for one person with constructed pairs: transliteration,
reordering, typos, initials and honorifics that should match, and shared surnames, shared company
words and near-miss spellings that should not. Hard non-matches from a synthetic population of
common names (`screening synth --seed 7`, the demo world) were each a hit of the earlier matcher
against the UN and OFAC lists. Token weights come from a list-sized synthetic list of common name
parts (the benchmark's) plus the set's own list names, so the test runs without the real lists and
common names are as common as they are on a real list.
"""

from __future__ import annotations

import csv
from pathlib import Path

from benchmarks.bench_sanctions import synthetic_list
from screening.sanctions import EntryName, ListEntry
from screening.sanctions.matching import REVIEW_THRESHOLD, TokenWeights, score
from screening.sanctions.normalise import tokens

PAIRS = Path(__file__).parent / "name_pairs.csv"
POPULATION = "synthetic common-name population"


def _rows() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _hits(rows: list[dict[str, str]]) -> list[bool]:
    corpus = [n.full for e in synthetic_list() if e.list_name == "SYNTH" for n in e.names]
    weights = TokenWeights(tokens(name) for name in corpus + sorted({r["list_name"] for r in _rows()}))
    return [
        score(row["party_name"], ListEntry("TEST", "1", "person", (EntryName(full=row["list_name"]),)),
              weights=weights, review=REVIEW_THRESHOLD) is not None
        for row in rows
    ]  # fmt: skip


def test_the_set_is_large_and_varied() -> None:
    rows = _rows()
    assert len(rows) >= 120
    assert {r["source"] for r in rows} == {"UN list alias", "constructed", POPULATION}
    assert {r["is_match"] for r in rows} == {"0", "1"}


def test_precision_and_recall_at_the_review_threshold() -> None:
    rows = [r for r in _rows() if r["source"] != POPULATION]
    true_pos = false_pos = false_neg = 0
    for row, hit in zip(rows, _hits(rows), strict=True):
        expected = row["is_match"] == "1"
        true_pos += hit and expected
        false_pos += hit and not expected
        false_neg += expected and not hit
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    # Measured when written: precision 0.986, recall 0.948 over 106 pairs.
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.93, f"recall {recall:.3f}"


def test_most_common_name_lookalikes_are_cleared() -> None:
    rows = [r for r in _rows() if r["source"] == POPULATION]
    assert {r["is_match"] for r in rows} == {"0"}
    hits = sum(_hits(rows))
    # Every one was a hit of the earlier matcher; measured when written: 9 of 20 still are.
    assert hits <= len(rows) // 2, f"{hits} of {len(rows)} common-name lookalikes still hit"
