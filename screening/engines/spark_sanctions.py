"""Sanctions screening on Apache Spark: the list broadcast, party names blocked and scored per partition.

A list is small (tens of thousands of names) and the party names are many, so the list goes to every
executor once, as a broadcast, and each partition of names is screened where it lies by the same
`Matcher` the driver uses: the same blocking, the same scorer, the same components. Token rarity is a
property of the whole list, so its weights are computed once on the driver and shipped in the
broadcast, and a partition never weighs tokens by a part of the list.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from screening.errors import InputError
from screening.sanctions.matching import HOLD_THRESHOLD, REVIEW_THRESHOLD, Match, Matcher, TokenWeights
from screening.sanctions.model import ListEntry
from screening.sanctions.normalise import tokens

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

HITS = pa.schema([
    ("account", pa.string()), ("party_name", pa.string()), ("list_name", pa.string()),
    ("entry_id", pa.string()), ("matched_name", pa.string()), ("score", pa.float64()),
    ("level", pa.string()), ("components", pa.string()),
])  # fmt: skip
"""A hit as `screen.screen_parties` keeps it, less what the store adds (ids, hashes, status, time);
the score is not rounded (the store rounds it to four places)."""

_Shipped = tuple[list[ListEntry], TokenWeights, float, float]
_MATCHERS: dict[str, Matcher] = {}
"""One matcher per broadcast in each Python worker: workers are reused, so the list is prepared once."""


def hit_rows(matcher: Matcher, parties: pa.Table | pa.RecordBatch) -> pa.Table:
    """Hits of (account, name, country) rows, by the matcher's bulk screening.

    The matcher keys a country by name, so a name held by accounts of different countries is screened
    once per country (in rounds: the first country of every name, then the second ...), and every
    account is scored with its own country whatever other names share its partition.
    """
    countries: dict[str, list[str | None]] = {}
    accounts: dict[tuple[str, str | None], list[str]] = {}
    for account, name, country in zip(
        parties.column("account").to_pylist(), parties.column("name").to_pylist(),
        parties.column("country").to_pylist(), strict=True,
    ):  # fmt: skip
        if name is None or account is None:
            continue
        seen = countries.setdefault(name, [])
        if country not in seen:
            seen.append(country)
        accounts.setdefault((name, country), []).append(account)
    rows: list[dict[str, object]] = []
    for round_ in range(max((len(c) for c in countries.values()), default=0)):
        batch = {name: held[round_] for name, held in countries.items() if len(held) > round_}
        given = {name: country for name, country in batch.items() if country}
        for match in matcher.screen(list(batch), given):
            for account in accounts[(match.party_name, batch[match.party_name])]:
                rows.append(_row(account, match))
    return pa.Table.from_pylist(rows, schema=HITS)


def _row(account: str, match: Match) -> dict[str, object]:
    return {
        "account": account, "party_name": match.party_name, "list_name": match.list_name,
        "entry_id": match.entry_id, "matched_name": match.matched_name, "score": match.score,
        "level": match.decision,
        "components": json.dumps({**match.components, **match.adjustments, "name": match.name_score}),
    }  # fmt: skip


def screen_names_on_spark(
    spark: SparkSession,
    parties: DataFrame,
    entries: Iterable[ListEntry],
    *,
    review: float = REVIEW_THRESHOLD,
    hold: float = HOLD_THRESHOLD,
) -> DataFrame:
    """Hits of the parties (columns ``account``, ``name``, optional ``country``) against the entries.

    The entries and the whole list's token weights are broadcast; each partition of parties is
    screened by `Matcher.screen` on its executor. Rows without a name or account are not screened.
    """
    missing = [c for c in ("account", "name") if c not in parties.columns]
    if missing:
        raise InputError(f"the parties to screen lack the column {', '.join(missing)}")
    from pyspark.sql import functions

    listed = list(entries)
    weights = TokenWeights(tokens(name.full) for entry in listed for name in entry.names)
    shipped = spark.sparkContext.broadcast((listed, weights, review, hold))
    key = uuid.uuid4().hex
    country = functions.col("country") if "country" in parties.columns else functions.lit(None)
    names = parties.select(
        functions.col("account").cast("string").alias("account"),
        functions.col("name").cast("string").alias("name"),
        country.cast("string").alias("country"),
    )

    def screen_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        matcher = _matcher(key, shipped.value)
        for batch in batches:
            yield from hit_rows(matcher, batch).to_batches()

    return names.mapInArrow(screen_partition, _spark_schema())


def _matcher(key: str, shipped: _Shipped) -> Matcher:
    if key not in _MATCHERS:
        entries, weights, review, hold = shipped
        _MATCHERS[key] = Matcher(entries, review=review, hold=hold, weights=weights)
    return _MATCHERS[key]


def _spark_schema() -> str:
    types = {pa.string(): "string", pa.float64(): "double"}
    return ", ".join(f"{field.name} {types[field.type]}" for field in HITS)
