"""Scoring party names against sanctions list entries, with the reasons for every score.

An analyst must be able to say why a payment was held, so a `Match` keeps each component that went
into its score rather than one opaque number. The core measure aligns name tokens one to one,
weighting each by how rare it is on the list (IDF), so that a party called "Global Trading Corp" is
not a hit on every "... Trading Corp": the shared words are common and count for little, the word that
differs is rare and counts for much. Rapidfuzz's order-free ratios temper that alignment, and a
phonetic key (as in OFAC's own Soundex) rescues transliteration variants that spelling alone misses.

`Matcher` screens in bulk: `blocking` narrows the pairs in vectorised steps, and only those that can
reach the review threshold are scored here, never the full cross product.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from screening.sanctions.blocking import Blocker, Rules
from screening.sanctions.model import EntryName, ListEntry, country_code
from screening.sanctions.normalise import phonetic, token_frame, tokens
from screening.sanctions.tokensim import token_similarity

REVIEW_THRESHOLD = 0.85
HOLD_THRESHOLD = 0.92

# An extra name on the longer side, when the shorter side is fully matched by at least two tokens,
# is a missing middle name rather than a contradiction, so it costs a fraction of its weight. One
# token alone ("Smith") identifies no one, so it gets no such leniency.
MISSING_PART_FACTOR = 0.15
# A list token weighing at least this share of an unseen token's weight is rare (on a list of 20,000
# names, held by fewer than about 30): matching one may leave the rest of a long name out.
ANCHOR_SHARE = 0.7
# ... and it must be (within this much weight, about a factor 1.6 in frequency) the rarest of its name:
# "Maria Fernandez" against "Maria Guadalupe Fernandez Valencia" leaves the telling parts out.
RAREST_TOLERANCE = 0.5
# How far below the hold threshold a match of common tokens only is kept.
COMMON_NAME_MARGIN = 0.01
# How much the token alignment counts against rapidfuzz's order-free ratios in the name score.
ALIGNMENT_SHARE = 0.8
# The publisher calls "low" aliases weak identifiers; they alone should rarely reach a hold.
LOW_QUALITY_FACTOR = 0.95
# Supporting and contradicting evidence moves the score by these amounts.
COUNTRY_AGREES, COUNTRY_DIFFERS = 0.03, -0.05
DOB_DATE_AGREES, DOB_YEAR_AGREES, DOB_DIFFERS = 0.05, 0.02, -0.08

# Party names blocked together: enough to amortise the set-up, few enough to keep DuckDB's joins in memory.
SCREEN_CHUNK = 50_000

Decision = Literal["hold", "review", "clear"]


class TokenWeights:
    """Inverse document frequency of tokens over every name on a list.

    A token never seen on the list gets the highest weight: it cannot be the common part of a name.
    With no names at all every token weighs the same, which reduces scoring to plain alignment.
    """

    def __init__(self, names: Iterable[Sequence[str]] = ()) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for name in names:
            counts.update(set(name))
            total += 1
        self._df = counts
        self._unseen = math.log(total + 1) + 1.0
        self._weight = {t: math.log((total + 1) / (df + 1)) + 1.0 for t, df in counts.items()}

    def __call__(self, token: str) -> float:
        return self._weight.get(token, self._unseen)

    def is_anchor(self, token: str) -> bool:
        """Whether the token is rare enough on the list to anchor a match that leaves parts out."""
        return self(token) >= ANCHOR_SHARE * self._unseen

    def document_frequency(self, token: str) -> int:
        """How many list names hold the token."""
        return self._df.get(token, 0)


@dataclass(frozen=True, slots=True)
class Match:
    """One party name against one list entry, with every number that went into the score.

    ``components`` holds the name measures in [0, 1]: ``aligned`` (IDF-weighted token alignment),
    ``token_set``, ``token_sort``, ``jaro_winkler`` (on the sorted tokens), ``phonetic`` (weighted
    share of aligned tokens whose sound keys agree) and ``rare_token`` (1 when a matched list token is
    rare on the list). ``adjustments`` holds what evidence, a common name and alias quality added or
    took away.
    """

    party_name: str
    list_name: str
    entry_id: str
    matched_name: str
    components: dict[str, float]
    name_score: float
    adjustments: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    review_threshold: float = REVIEW_THRESHOLD
    hold_threshold: float = HOLD_THRESHOLD

    @property
    def decision(self) -> Decision:
        if self.score >= self.hold_threshold:
            return "hold"
        if self.score >= self.review_threshold:
            return "review"
        return "clear"


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A name's tokens and derived keys, computed once per list name or party name."""

    text: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    joined: str
    sounds: str

    @classmethod
    def of(cls, text: str) -> _Prepared:
        toks = tokens(text)
        keys = tuple(phonetic(t) for t in toks)
        return cls(text, toks, keys, " ".join(sorted(toks)), " ".join(sorted(keys)))


def _align(party: _Prepared, listed: _Prepared, weights: TokenWeights) -> tuple[float, float, bool]:
    """IDF-weighted one-to-one token alignment, the weighted share of it that sounds alike, and
    whether it holds a token that is rare on the list.

    Pairs are taken greedily, best first, which is exact enough for names of a few tokens and keeps
    order out of it: "Smith John" aligns with "John Smith" as well as the other way round. A pair
    weighs what its list token weighs: how rare the listed word is decides how much agreeing on it
    identifies, whatever the party's spelling of it. Tokens left over cost their full weight, unless
    the shorter side is complete and one of the list tokens it matched is rare (`is_anchor`): only
    then is the rest a missing middle name, not a different person who shares a common name.
    """
    pairs = []
    for i, (a, ka) in enumerate(zip(party.tokens, party.keys, strict=True)):
        for j, (b, kb) in enumerate(zip(listed.tokens, listed.keys, strict=True)):
            sim, sounds = token_similarity(a, b, ka, kb)
            if sim > 0.0:
                pairs.append((sim, sounds, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_l: set[int] = set()
    matched = weight_sum = sound_sum = 0.0
    anchored = spelled = False
    for sim, sounds, i, j in pairs:
        if i in used_p or j in used_l:
            continue
        used_p.add(i)
        used_l.add(j)
        w = weights(listed.tokens[j])
        matched += w * sim
        weight_sum += w
        sound_sum += w * sounds
        anchored = anchored or _is_anchor(weights, listed.tokens[j], listed.tokens)
        spelled = spelled or (len(party.tokens[i]) > 1 and len(listed.tokens[j]) > 1)
    if not spelled:
        return 0.0, 0.0, False  # initials alone ("Y. A. S.") identify no one
    shorter_complete = len(used_p) == len(party.tokens) or len(used_l) == len(listed.tokens)
    factor = MISSING_PART_FACTOR if shorter_complete and len(used_p) >= 2 and anchored else 1.0
    rest_p = sum(weights(t) for i, t in enumerate(party.tokens) if i not in used_p)
    rest_l = sum(weights(t) for j, t in enumerate(listed.tokens) if j not in used_l)
    # The side with tokens left over is the longer one; if both have some, neither is complete.
    total = weight_sum + factor * (rest_p + rest_l)
    if total == 0.0:
        return 0.0, 0.0, False
    rare = any(weights.is_anchor(listed.tokens[j]) for j in used_l)
    return matched / total, (sound_sum / weight_sum if weight_sum else 0.0), rare


def _name_score(party: _Prepared, listed: _Prepared, weights: TokenWeights) -> tuple[float, dict[str, float]]:
    aligned, sounds, rare = _align(party, listed, weights)
    token_set = fuzz.token_set_ratio(party.joined, listed.joined) / 100
    token_sort = fuzz.ratio(party.joined, listed.joined) / 100
    jaro = JaroWinkler.normalized_similarity(party.joined, listed.joined)
    components = {
        "aligned": aligned,
        "token_set": token_set,
        "token_sort": token_sort,
        "jaro_winkler": jaro,
        "phonetic": sounds,
        "rare_token": float(rare),
    }
    score = ALIGNMENT_SHARE * aligned + (1 - ALIGNMENT_SHARE) * max(token_set, jaro)
    return score, components


def _country_adjustment(country: str | None, entry: ListEntry) -> float:
    if not country or not entry.nationalities:
        return 0.0
    return COUNTRY_AGREES if country_code(country) in entry.nationalities else COUNTRY_DIFFERS


def _dob_adjustment(date_of_birth: str | None, entry: ListEntry) -> float:
    """Compare at the precision the list gives: a full date, a year, or a "from/to" year range."""
    if not date_of_birth or not entry.dates_of_birth:
        return 0.0
    year = int(date_of_birth[:4])
    best = DOB_DIFFERS
    for listed in entry.dates_of_birth:
        if len(listed) >= 10 and listed[:10] == date_of_birth[:10]:
            return DOB_DATE_AGREES
        start, _, end = listed.partition("/")
        low, high = int(start[:4]), int((end or start)[:4])
        if low <= year <= high:
            best = DOB_YEAR_AGREES
    return best


def _finish(
    party: _Prepared,
    entry: ListEntry,
    name: EntryName,
    name_score: float,
    components: dict[str, float],
    country: str | None,
    date_of_birth: str | None,
    review: float,
    hold: float,
) -> Match:
    adjustments = {
        "country": _country_adjustment(country, entry),
        "date_of_birth": _dob_adjustment(date_of_birth, entry),
    }
    # A name made only of tokens common on the list ("Lei Zhang", "Luis Lopez") is shared by many
    # people: without an agreeing date of birth it goes to review, never straight to hold.
    if not components["rare_token"] and adjustments["date_of_birth"] <= 0:
        rest = name_score + sum(adjustments.values())
        adjustments["common_name"] = min(0.0, hold - COMMON_NAME_MARGIN - rest)
    if name.quality == "low":
        adjustments["low_quality_alias"] = name_score * (LOW_QUALITY_FACTOR - 1)
    final = min(1.0, max(0.0, name_score + sum(adjustments.values())))
    return Match(
        party_name=party.text,
        list_name=entry.list_name,
        entry_id=entry.entry_id,
        matched_name=name.full,
        components=components,
        name_score=name_score,
        adjustments={k: v for k, v in adjustments.items() if v},
        score=final,
        review_threshold=review,
        hold_threshold=hold,
    )


def score(
    party_name: str,
    entry: ListEntry,
    *,
    weights: TokenWeights | None = None,
    country: str | None = None,
    date_of_birth: str | None = None,
    review: float = REVIEW_THRESHOLD,
    hold: float = HOLD_THRESHOLD,
) -> Match | None:
    """The best-scoring name of ``entry`` against ``party_name``, or None below ``review``.

    ``weights`` should come from the whole list (`TokenWeights` over its names); without them every
    token counts the same. ``country`` (ISO code or name) and ``date_of_birth`` (ISO date or year)
    support or contradict the name when the entry records them.
    """
    party = _Prepared.of(party_name)
    use = weights or TokenWeights()
    best: Match | None = None
    for name in entry.names:
        name_score, components = _name_score(party, _Prepared.of(name.full), use)
        match = _finish(party, entry, name, name_score, components, country, date_of_birth, review, hold)
        if best is None or match.score > best.score:
            best = match
    return best if best is not None and best.score >= review else None


class Matcher:
    """Screens many party names against a list: bulk blocking first, explainable scoring after.

    `blocking.Blocker` narrows the pairs in vectorised steps (token similarity over vocabularies,
    candidate keys and an upper bound of the score, in rapidfuzz and DuckDB) so that only pairs that
    can reach the review threshold are scored here, one by one, with every component kept.
    """

    def __init__(
        self,
        entries: Iterable[ListEntry],
        *,
        review: float = REVIEW_THRESHOLD,
        hold: float = HOLD_THRESHOLD,
        weights: TokenWeights | None = None,
    ) -> None:
        self.review, self.hold = review, hold
        self._entries: list[ListEntry] = []
        self._names: list[tuple[int, EntryName, _Prepared]] = []
        for entry in entries:
            self._entries.append(entry)
            for name in entry.names:
                self._names.append((len(self._entries) - 1, name, _Prepared.of(name.full)))
        # A matcher over part of a list (its changed entries) must weigh tokens by the whole list.
        self.weights = weights or TokenWeights(p.tokens for _, _, p in self._names)
        # Without a date of birth, agreeing country is the most that evidence can add in bulk.
        best_rest = 1 - ALIGNMENT_SHARE + COUNTRY_AGREES
        rules = Rules(
            min_aligned=(review - best_rest) / ALIGNMENT_SHARE,
            missing_part_factor=MISSING_PART_FACTOR,
            weight=self.weights,
            is_anchor=lambda token, name: _is_anchor(self.weights, token, name),
        )
        self._blocker = Blocker([p.tokens for _, _, p in self._names], rules)

    def candidates(self, party_name: str) -> set[int]:
        """Ids of the list names that the party name is scored against."""
        return set(self._blocker.candidates(token_frame([party_name]))["lid"].to_list())

    def screen(self, names: Sequence[str], countries: Mapping[str, str] | None = None) -> list[Match]:
        """Every (party name, entry) pair at or above the review threshold, best alias per entry.

        Input names are deduplicated first (payments repeat the same counterparties); results come
        in the order each distinct name first appears, best score first within a name. ``countries``
        gives a name's country, where known, as evidence for or against each entry.
        """
        distinct = list(dict.fromkeys(names))
        results: list[Match] = []
        for start in range(0, len(distinct), SCREEN_CHUNK):
            results.extend(self._screen_chunk(distinct[start : start + SCREEN_CHUNK], countries or {}))
        return results

    def _screen_chunk(self, distinct: list[str], countries: Mapping[str, str]) -> list[Match]:
        found = self._blocker.candidates(token_frame(distinct))
        pids = found["pid"].to_numpy()
        lids = found["lid"].to_numpy()
        bounds = np.flatnonzero(np.diff(pids)) + 1 if len(pids) else np.empty(0, dtype=np.int64)
        results: list[Match] = []
        for start, end in zip(np.r_[0, bounds], np.r_[bounds, len(pids)], strict=True):
            if start == end:
                continue
            name = distinct[int(pids[start])]
            results.extend(self._score_one(name, lids[start:end].tolist(), countries.get(name)))
        return results

    def _score_one(self, party_name: str, ids: list[int], country: str | None) -> list[Match]:
        party = _Prepared.of(party_name)
        best: dict[int, Match] = {}
        for name_id in ids:
            entry_no, name, prepared = self._names[name_id]
            name_score, components = _name_score(party, prepared, self.weights)
            entry = self._entries[entry_no]
            match = _finish(party, entry, name, name_score, components, country, None, self.review, self.hold)
            if match.score >= self.review and (entry_no not in best or match.score > best[entry_no].score):
                best[entry_no] = match
        return sorted(best.values(), key=lambda m: -m.score)


def _is_anchor(weights: TokenWeights, token: str, name: Sequence[str]) -> bool:
    """A rare list token that is also (nearly) the rarest of its name: it may anchor a partial match."""
    return weights.is_anchor(token) and weights(token) >= max(weights(t) for t in name) - RAREST_TOLERANCE
