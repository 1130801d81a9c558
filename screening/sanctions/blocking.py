"""Which list names each of many party names is worth scoring against, decided in bulk.

Scoring a pair explains itself but runs in Python; a million party names against 60,000 list names
is 6e10 pairs. So the pairs are narrowed in three vectorised steps before any is scored:

1. Token similarity over the two vocabularies (`tokensim.similar_pairs`, rapidfuzz in C): each
   distinct party token is paired with the list tokens it could be a spelling of.
2. Candidates by key, joined in DuckDB. With one token pair a name aligns at most its share of the
   list name's weight, so a list name is keyed by a single token only where that share alone could
   reach the review threshold; otherwise it is keyed by every pair of its tokens, and a party name
   reaches it only by agreeing with two of them. Common first names then make nobody a candidate,
   and no party name fans out to every list name that shares one common word.
3. An upper bound of the alignment score per candidate, from the best similarity of every list
   token and the weight of the tokens on either side that nothing matches, drops the candidates
   that cannot reach the review threshold, again in SQL.

The bound follows the scorer's rules (`matching._align`): pairs weigh what their list token weighs,
leftover tokens cost their full weight unless a rare token anchors a complete shorter side, and
initials alone never match. Party names with an initial, and list names with one, are keyed by
single tokens as well, because an initial pairs with every word of its letter and cannot be a key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import duckdb
import numpy as np
import numpy.typing as npt
import polars as pl

from screening.sanctions.normalise import phonetic
from screening.sanctions.tokensim import INITIAL_SIMILARITY, similar_pairs

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Rules:
    """What the bound needs to know of the scorer: the alignment score a candidate must be able to
    reach, the leniency for a missing part, and which list tokens are rare enough to anchor one."""

    min_aligned: float
    missing_part_factor: float
    weight: Callable[[str], float]
    is_anchor: Callable[[str, tuple[str, ...]], bool]


class Blocker:
    """The list side of blocking, built once per list: vocabulary, token rows and keys."""

    def __init__(self, names: Sequence[tuple[str, ...]], rules: Rules) -> None:
        self.rules = rules
        self._vocab: dict[str, int] = {}
        rows: list[tuple[int, int, int, float, bool]] = []
        single_keys: list[tuple[int, int]] = []
        pair_keys: list[tuple[int, int, int, int]] = []
        for lid, toks in enumerate(names):
            ids = [self._vocab.setdefault(t, len(self._vocab)) for t in toks]
            weights = [rules.weight(t) for t in toks]
            total = sum(weights)
            has_initial = any(len(t) == 1 for t in toks)
            for pos, (t, tid, w) in enumerate(zip(toks, ids, weights, strict=True)):
                rows.append((lid, pos, tid, w, rules.is_anchor(t, toks)))
                if len(t) > 1 and (has_initial or w >= rules.min_aligned * total):
                    single_keys.append((tid, lid))
            needed, pairs = _pair_keys(toks, ids, weights, rules)
            pair_keys.extend((min(a, b), max(a, b), lid, needed) for a, b in pairs)
        self.vocab = list(self._vocab)
        self._names = len(names)
        self._keys = [phonetic(t) for t in self.vocab]
        self._con = duckdb.connect()
        schema = {"lid": pl.Int64, "j": pl.Int64, "ltid": pl.Int64, "w": pl.Float64, "anchor": pl.Boolean}
        self._list_tokens = pl.DataFrame(rows, schema=schema, orient="row").with_columns(
            pl.Series("ltoken", [self.vocab[r[2]] for r in rows], dtype=pl.String)
        )
        self._singles = pl.DataFrame(single_keys, schema={"ltid": pl.Int64, "lid": pl.Int64}, orient="row")
        self._pairs = (
            pl.DataFrame(
                pair_keys,
                schema={"k1": pl.Int64, "k2": pl.Int64, "lid": pl.Int64, "needed": pl.Int64},
                orient="row",
            )
            .select((pl.col("k1") * len(self._vocab) + pl.col("k2")).alias("k"), "lid", "needed")
            .unique()
        )
        self._totals = self._list_tokens.group_by("lid").agg(
            pl.col("w").sum().alias("wl_total"), pl.len().alias("nl_total")
        )

    def candidates(self, tokens: pl.DataFrame) -> pl.DataFrame:
        """(pid, lid) pairs that pass the bound, for party tokens given as (pid, token) rows."""
        if tokens.is_empty():
            return pl.DataFrame(schema={"pid": pl.Int64, "lid": pl.Int64})
        party = tokens.with_columns(
            pl.col("pid").cast(pl.Int64),
            pl.int_range(pl.len()).over("pid").cast(pl.Int64).alias("i"),
            pl.len().over("pid").cast(pl.Int64).alias("n"),
        )
        vocab = party.select("token").unique(maintain_order=True)["token"].to_list()
        ptid = {t: n for n, t in enumerate(vocab)}
        left, right, sim = similar_pairs(vocab, [phonetic(t) for t in vocab], self.vocab, self._keys)
        single_equal = [(ptid[t], self._vocab[t]) for t in vocab if len(t) == 1 and t in self._vocab]
        similar = pl.DataFrame({
            "ptid": np.concatenate([left, np.array([p for p, _ in single_equal], dtype=np.int64)]),
            "ltid": np.concatenate([right, np.array([lt for _, lt in single_equal], dtype=np.int64)]),
            "sim": np.concatenate([sim, np.ones(len(single_equal))]),
        })  # fmt: skip
        weights = {t: self.rules.weight(t) for t in vocab}
        party = party.with_columns(
            pl.col("token").replace_strict(ptid, return_dtype=pl.Int64).alias("ptid"),
            pl.col("token").replace_strict(weights, return_dtype=pl.Float64).alias("wp"),
        )
        con = self._con
        con.register("party", party.to_arrow())
        con.register("similar_tokens", similar.to_arrow())
        con.register("list_tokens", self._list_tokens.to_arrow())
        con.register("single_keys", self._singles.to_arrow())
        con.register("pair_keys", self._pairs.to_arrow())
        con.register("list_totals", self._totals.to_arrow())
        try:
            table = con.sql(_CANDIDATES_AND_BOUND, params={
                "min_aligned": self.rules.min_aligned, "lenient": self.rules.missing_part_factor,
                "initial": INITIAL_SIMILARITY, "vocab": len(self.vocab), "names": self._names,
                "party_vocab": len(vocab),
            }).to_arrow_table()  # fmt: skip
        finally:
            for name in ("party", "similar_tokens", "list_tokens", "single_keys", "pair_keys", "list_totals"):
                con.unregister(name)
        found = pl.from_arrow(table)
        assert isinstance(found, pl.DataFrame)
        return found


def _pair_keys(
    toks: tuple[str, ...], ids: list[int], weights: list[float], rules: Rules
) -> tuple[int, set[tuple[int, int]]]:
    """How many tokens of a list name a match needs, and token pairs of it that such a match shares.

    If a match needs at least ``q`` of the name's ``k`` tokens, any such set of tokens holds two of
    the ``k - q + 2`` rarest, so pairs among those suffice (prefix filtering, with pairs). ``q`` is
    the fewest tokens whose bound passes: the heaviest ones, with the leniency of an anchor when the
    name has one. Names with an initial keep every pair, as an initial can stand for any word. A party
    name with fewer tokens than ``q`` cannot match one to one, and is not made a candidate.
    """
    order = sorted(range(len(toks)), key=lambda n: (-weights[n], ids[n]))
    words = [n for n in order if len(toks[n]) > 1]
    total = sum(weights)
    needed = len(toks)
    if len(words) == len(toks):
        anchored = any(rules.is_anchor(t, toks) for t in toks)
        matched = 0.0
        for size, n in enumerate(order, start=1):
            matched += weights[n]
            factor = rules.missing_part_factor if anchored and size >= 2 else 1.0
            rest = factor * (total - matched)
            if matched / (matched + rest) >= rules.min_aligned - 1e-9:
                needed = size
                break
    else:
        needed = 1
    prefix = words[: len(words) - needed + 2]
    return needed, {(ids[a], ids[b]) for a, b in combinations(prefix, 2)}


# Pairs of a party name and a list name travel as one integer, pid * $names + lid, and a party
# token's expansion as pid * $vocab + ltid: single-column keys keep DuckDB's joins and groupings on
# the short path (joining candidates to their party's expansions by pid alone fans out tenfold).
_CANDIDATES_AND_BOUND = """
WITH
expanded AS MATERIALIZED (
    SELECT p.pid, p.i, p.n, p.wp, p.token, s.ltid, s.sim, p.pid * $vocab + s.ltid AS pk
    FROM party p JOIN similar_tokens s USING (ptid)
),
initialled AS (SELECT DISTINCT pid FROM party WHERE length(token) = 1),
-- Party names share their tokens and token pairs, so keys are looked up once per distinct token or
-- pair of tokens and only then spread to the names that hold them.
token_lists AS (
    SELECT s.ptid, k.lid FROM similar_tokens s JOIN single_keys k USING (ltid)
),
by_single AS (
    SELECT p.pid, t.lid FROM party p JOIN token_lists t USING (ptid)
    UNION ALL
    SELECT e.pid, t.lid FROM expanded e JOIN initialled USING (pid) JOIN list_tokens t USING (ltid)
),
party_pairs AS MATERIALIZED (
    SELECT a.pid, a.n, least(a.ptid, b.ptid) * $party_vocab + greatest(a.ptid, b.ptid) AS pp
    FROM party a JOIN party b ON a.pid = b.pid AND a.i < b.i
),
pair_lists AS (
    SELECT d.pp, k.lid, k.needed
    FROM (SELECT DISTINCT pp FROM party_pairs) d
    JOIN similar_tokens sa ON sa.ptid = d.pp // $party_vocab
    JOIN similar_tokens sb ON sb.ptid = d.pp % $party_vocab
    JOIN pair_keys k ON k.k = least(sa.ltid, sb.ltid) * $vocab + greatest(sa.ltid, sb.ltid)
),
by_pair AS (
    SELECT x.pid, l.lid FROM party_pairs x JOIN pair_lists l USING (pp) WHERE l.needed <= x.n
),
candidates AS MATERIALIZED (
    SELECT DISTINCT pid * $names + lid AS ck, pid, lid
    FROM (SELECT pid, lid FROM by_single UNION ALL SELECT pid, lid FROM by_pair)
),
pairs AS MATERIALIZED (
    SELECT t.ck, e.i, e.wp, t.j, e.sim, t.w, t.anchor, length(e.token) > 1 AND length(t.ltoken) > 1 AS spelled
    FROM (SELECT c.ck, t.j, t.w, t.anchor, t.ltoken, c.pid * $vocab + t.ltid AS pk
          FROM candidates c JOIN list_tokens t USING (lid)) t
    JOIN expanded e USING (pk)
    UNION ALL
    SELECT c.ck, p.i, p.wp, t.j, $initial AS sim, t.w, t.anchor, false AS spelled
    FROM candidates c JOIN (SELECT * FROM party WHERE length(token) = 1) p USING (pid)
    JOIN list_tokens t ON t.lid = c.lid AND t.ltoken[1] = p.token AND t.ltoken <> p.token
    UNION ALL
    SELECT c.ck, p.i, p.wp, t.j, $initial AS sim, t.w, t.anchor, false AS spelled
    FROM candidates c JOIN (SELECT * FROM list_tokens WHERE length(ltoken) = 1) t USING (lid)
    JOIN party p ON p.pid = c.pid AND p.token[1] = t.ltoken AND length(p.token) > 1
),
-- One pass over the pairs: per list token its best similarity, then per candidate the list side's
-- sums and, as a bit mask, which party tokens matched anything (the party side's unmatched weight is
-- then bounded below by its count times the name's lightest token; names of 63 tokens or more are
-- not bounded on that side at all).
matched AS (
    SELECT ck, sum(m) AS m, sum(w) AS wl, count(*) AS nl, bool_or(anchor) AS anchor,
           bool_or(spelled) AS spelled, bit_count(bit_or(party_mask)) AS np
    FROM (SELECT ck, max(sim) * any_value(w) AS m, any_value(w) AS w, bool_or(anchor) AS anchor,
                 bool_or(spelled) AS spelled, bit_or(1::UBIGINT << least(i, 63)) AS party_mask
          FROM pairs GROUP BY ck, j)
    GROUP BY ck
),
party_totals AS (SELECT pid, min(wp) AS wp_min, count(*) AS np_total FROM party GROUP BY pid),
bounded AS (
    SELECT c.pid, c.lid, l.m,
           CASE WHEN pt.np_total >= 63 THEN 0.0 ELSE (pt.np_total - l.np) * pt.wp_min END
               + (lt.wl_total - l.wl) AS unmatched,
           CASE WHEN l.anchor AND least(l.nl, l.np) >= 2
                     AND (l.np >= pt.np_total OR l.nl = lt.nl_total) THEN $lenient ELSE 1.0 END AS factor
    FROM matched l JOIN candidates c USING (ck)
    JOIN party_totals pt ON pt.pid = c.pid JOIN list_totals lt ON lt.lid = c.lid
    WHERE l.spelled
)
SELECT pid, lid FROM bounded
WHERE m / (m + factor * greatest(unmatched, 0.0)) >= $min_aligned - 1e-9
ORDER BY pid, lid
"""
