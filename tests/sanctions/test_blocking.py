"""Bulk blocking must find every pair the explainable scorer would raise, and the vectorised
normalisation and token similarity must agree with their one-at-a-time forms."""

from __future__ import annotations

from screening.sanctions import EntryName, ListEntry
from screening.sanctions.matching import Matcher, score
from screening.sanctions.normalise import phonetic, token_frame, tokens
from screening.sanctions.tokensim import similar_pairs, token_similarity

LISTED = [
    ("A", "Muammar Qadhafi", "Moammar Gadafi"),
    (
        "B",
        "Mohammad Mehdi Nejad Nouri",
    ),
    (
        "C",
        "Mokhtar Belmokhtar",
    ),
    (
        "D",
        "J. H. Mahmud",
    ),
    (
        "E",
        "Green Pine Associated Corp",
    ),
    (
        "F",
        "Matuq Mohammed Matuq",
    ),
    ("G", "Kim Yong Chol", "Kim Young-Chol"),
    (
        "H",
        "Juan Carlos Martinez Perez",
    ),
    (
        "I",
        "Hotel Palace",
    ),
]
PARTIES = [
    "Moammar Kadhafi", "Mohammad Nouri", "M. Belmokhtar", "Jawhar Hamid Mahmud", "Green Pine Associated",
    "Matuq Matuq", "Kim Young Chol", "Carlos Perez", "Toulouse Plaza Hotel", "Nobody Known", "Mr",
    "Муаммар Каддафи",
]  # fmt: skip


def _entries() -> list[ListEntry]:
    return [ListEntry("T", e[0], "person", tuple(EntryName(full=n) for n in e[1:])) for e in LISTED]


def test_bulk_screening_finds_exactly_what_scoring_every_pair_finds() -> None:
    entries = _entries()
    matcher = Matcher(entries)
    bulk = {(m.party_name, m.entry_id, round(m.score, 9)) for m in matcher.screen(PARTIES)}
    every = {
        (party, e.entry_id, round(hit.score, 9))
        for party in PARTIES
        for e in entries
        if (hit := score(party, e, weights=matcher.weights)) is not None
    }
    assert bulk == every
    assert {("Moammar Kadhafi", "A"), ("M. Belmokhtar", "C"), ("Matuq Matuq", "F")} <= {b[:2] for b in bulk}


def test_token_frame_folds_like_tokens() -> None:
    names = ["Dr. Luis López", "Trading Co", "Co Ltd", "", "...", "Муаммар Каддафи", "Ra Ky'ong-Su", "A.B.C"]
    frame = token_frame(names)
    found: dict[int, list[str]] = {}
    for pid, token in frame.iter_rows():
        found.setdefault(pid, []).append(token)
    assert [tuple(found.get(i, [])) for i in range(len(names))] == [tokens(n) for n in names]


def test_vectorised_token_similarity_agrees_with_the_scalar_rule() -> None:
    left = ["qadhafi", "mohammed", "plaza", "safari", "smith", "ali", "x"]
    right = ["gaddafi", "mahmoud", "palace", "safavi", "smyth", "al", "muhammad", "x"]
    rows, cols, sims = similar_pairs(left, [phonetic(t) for t in left], right, [phonetic(t) for t in right])
    vectorised = {(left[r], right[c]): s for r, c, s in zip(rows, cols, sims, strict=True)}
    scalar = {
        (a, b): sim
        for a in left
        for b in right
        if len(a) > 1 and len(b) > 1 and (sim := token_similarity(a, b, phonetic(a), phonetic(b))[0]) > 0
    }
    assert vectorised.keys() == scalar.keys()
    assert all(abs(vectorised[k] - scalar[k]) < 1e-12 for k in scalar)
