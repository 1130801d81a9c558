"""When two name tokens are spellings of one word, and how alike they are.

Both the explainable scorer (one pair at a time) and the bulk blocker (whole vocabularies at once)
need the same answer, so the rule lives here once, in a scalar form and in a vectorised form that
`tests/sanctions/test_blocking.py` holds to agree with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

# Below this Jaro-Winkler similarity two tokens are different words, not spellings of one word.
TOKEN_FLOOR = 0.8
# An initial ("J") against a name it starts ("John"): likely, but weaker than the name written out.
INITIAL_SIMILARITY = 0.9
# Equal sound keys lift a token pair to at least this, e.g. "Qadhafi" and "Gaddafi"; different keys
# cost this much, so that "Safari" and "Safavi", one letter apart, are not taken for one name.
PHONETIC_SIMILARITY = 0.9
PHONETIC_MISMATCH = 0.1
# Spelling similarity below which agreeing sound keys are taken as coincidence: "Plaza" and "Palace"
# (0.77) or "Mahmoud" and "Mohammed" share a key but are different words.
PHONETIC_SPELLING_FLOOR = 0.75
# Rows of the party vocabulary compared with the whole list vocabulary at a time, to bound memory.
_CHUNK = 4096

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@lru_cache(maxsize=1 << 18)
def token_similarity(a: str, b: str, key_a: str, key_b: str) -> tuple[float, bool]:
    """Similarity of two tokens and whether their sound keys agree.

    Cached because names are built from a small vocabulary: the same pairs recur across a batch.
    """
    if a == b:
        return 1.0, True
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return INITIAL_SIMILARITY, False
    if len(a) == 1 or len(b) == 1:
        return 0.0, False
    sim = JaroWinkler.normalized_similarity(a, b)
    # Sound keys confirm a near spelling (Qadhafi, Gaddafi); they must not bridge distant ones (Amit, Ahmad).
    sounds = key_a == key_b and sim >= PHONETIC_SPELLING_FLOOR
    sim = max(sim, PHONETIC_SIMILARITY) if sounds else sim - PHONETIC_MISMATCH
    return (sim if sim >= TOKEN_FLOOR else 0.0), sounds


def similar_pairs(
    left: Sequence[str], left_keys: Sequence[str], right: Sequence[str], right_keys: Sequence[str]
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (left, right) pair of tokens of two or more letters with a similarity above zero.

    The same rule as `token_similarity`, run over whole vocabularies in rapidfuzz's C code on all
    cores; initials (one-letter tokens) are left to the caller, which pairs them by first letter.
    """
    key_ids: dict[str, int] = {}
    right_words = [i for i, t in enumerate(right) if len(t) > 1]
    right_arr = np.array(right_words, dtype=np.int64)
    right_text = [right[i] for i in right_words]
    right_key_ids = np.array([key_ids.setdefault(right_keys[i], len(key_ids)) for i in right_words])
    left_words = [i for i, t in enumerate(left) if len(t) > 1]
    left_key_ids = np.array([key_ids.setdefault(left_keys[i], len(key_ids)) for i in left_words])
    out_l: list[IntArray] = []
    out_r: list[IntArray] = []
    out_s: list[FloatArray] = []
    for start in range(0, len(left_words), _CHUNK):
        rows = left_words[start : start + _CHUNK]
        if not rows or not right_words:
            break
        matrix = process.cdist(
            [left[i] for i in rows],
            right_text,
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=PHONETIC_SPELLING_FLOOR,
            dtype=np.float64,
            workers=-1,
        )
        li, ri = np.nonzero(matrix)
        jw = matrix[li, ri]
        sounds = left_key_ids[start + li] == right_key_ids[ri]
        sim = np.where(sounds, np.maximum(jw, PHONETIC_SIMILARITY), jw - PHONETIC_MISMATCH)
        keep = sim >= TOKEN_FLOOR
        out_l.append(np.array(rows, dtype=np.int64)[li[keep]])
        out_r.append(right_arr[ri[keep]])
        out_s.append(sim[keep])
    if not out_l:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
    return np.concatenate(out_l), np.concatenate(out_r), np.concatenate(out_s)
