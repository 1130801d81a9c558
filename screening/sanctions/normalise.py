"""Turning names from any script into comparable Latin tokens.

Lists and payments write the same person in different scripts, cases, accents and orders, with titles
and legal forms that carry no identity. Matching compares token sets, so everything that only varies
the spelling is folded here once, and everything else (order, initials, rarity) is left to the scorer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import jellyfish
import polars as pl
from anyascii import anyascii

# Titles and legal forms say what someone is, not who: "Dr", "Sheikh" or "Ltd" appear in or
# disappear from the same party's name between a list and a payment, so they are dropped.
_TITLES = """
    mr mrs ms miss mx dr prof sir madam mme mlle herr frau sheikh sheik shaikh shaykh haji hajji hadji
    mullah mawlawi maulana imam sayed sayyid col gen general capt jr sr
"""
_LEGAL_FORMS = """
    llc ltd limited sa sarl sas gmbh ag co corp corporation inc incorporated plc bv nv llp lp pte pty
    kg oy ab spa srl jsc ojsc pjsc cjsc ooo zao oao fze fzco company the
"""
WEAK_TOKENS = frozenset((_TITLES + _LEGAL_FORMS).split())

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VOWELS = frozenset("AEIOU")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case Latin text with accents, punctuation and other scripts folded away.

    anyascii transliterates Arabic, Cyrillic, CJK and the rest by published tables, so a name
    written in its original script lands on (roughly) the Latin spelling the lists also carry.
    Apostrophes are removed rather than split on, because "Ky'ong" and "Kyong" are one syllable.
    """
    latin = anyascii(text).lower().replace("'", "").replace("`", "")
    return " ".join(_NON_ALNUM.sub(" ", latin).split())


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """The identity-bearing tokens of a name, in their written order.

    Weak tokens are dropped unless nothing else is left, so a company called only "Trading Co"
    still has tokens to compare.
    """
    folded = fold(text).split()
    strong = tuple(t for t in folded if t not in WEAK_TOKENS)
    return strong or tuple(folded)


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """A sound key that survives the usual transliteration variants.

    Metaphone alone keeps "Qadhafi" (KTHF) and "Gaddafi" (KTF) apart and keys "Usama" and "Osama"
    by their first vowel, so an aspirating H is removed and any leading vowel becomes "A". B and P
    are one key because romanisations of Korean and Arabic swap them ("Bom" and "Pom").
    """
    key = jellyfish.metaphone(token).replace("H", "").replace("B", "P")
    if key and key[0] in _VOWELS:
        key = "A" + key[1:]
    return key or token


def token_frame(names: Sequence[str]) -> pl.DataFrame:
    """`tokens` of many names at once: one row per token, with the name's position in ``names``.

    Bulk screening reads a million party names; folding them one by one in Python would take longer
    than matching them. Pure-ASCII names are folded by Polars with the same rules as `fold`, and only
    the rest (other scripts, accents) go through anyascii. Names without tokens have no rows.
    """
    frame = pl.DataFrame({"name": list(names)}, schema={"name": pl.String}).with_row_index("pid")
    plain = frame["name"].str.contains(r"[^\x00-\x7F]").not_()
    ascii_rows = frame.filter(plain).with_columns(
        pl.col("name").str.to_lowercase().str.replace_all(r"['`]", "").str.replace_all(r"[^a-z0-9]+", " ")
    )
    other = frame.filter(plain.not_())
    other = other.with_columns(pl.Series("name", [fold(n) for n in other["name"]], dtype=pl.String))
    exploded = (
        pl.concat([ascii_rows, other])
        .with_columns(pl.col("name").str.strip_chars().str.split(" ").alias("token"))
        .explode("token")
        .filter(pl.col("token") != "")
        .with_columns(pl.col("token").is_in(list(WEAK_TOKENS)).alias("weak"))
    )
    strong = exploded.filter(pl.col("weak").not_()).select("pid").unique()
    return (
        exploded.filter(pl.col("weak").not_() | pl.col("pid").is_in(strong["pid"].implode()).not_())
        .select("pid", "token")
        .sort("pid", maintain_order=True)
    )
