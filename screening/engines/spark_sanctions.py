"""Sanctions screening on Apache Spark: the list broadcast, party names blocked and scored per partition.

A list is small (tens of thousands of names) and the party names are many, so the list goes to every
executor once, as a broadcast, and each partition of names is screened where it lies by the same
`Matcher` the driver uses: the same blocking, the same scorer, the same components. Token rarity is a
property of the whole list, so its weights are computed once on the driver and shipped in the
broadcast, and a partition never weighs tokens by a part of the list.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from screening.engines import DEFAULT_SPARK_MASTER
from screening.errors import InputError
from screening.sanctions.matching import HOLD_THRESHOLD, REVIEW_THRESHOLD, Matcher, TokenWeights
from screening.sanctions.model import ListEntry
from screening.sanctions.normalise import tokens
from screening.sanctions.screen import (
    ACTIVITY_EVIDENCE,
    ACTIVITY_SPAN,
    HITS,
    PARTIES,
    PARTY_COUNT,
    Lists,
    SanctionsRun,
    latest_lists,
    party_hits,
    store_hits,
)
from screening.store import Store

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_Shipped = tuple[list[ListEntry], TokenWeights, float, float]
_MATCHERS: dict[str, Matcher] = {}
"""One matcher per broadcast in each Python worker: workers are reused, so the list is prepared once."""
_VIEWS = ("screened_parties", "parties", "__accounts")
"""Views a screening makes in the session, dropped after it; the payments view stays, as the rules do."""


def screen_parties_on_spark(
    store: Store,
    *,
    payments: str | None = None,
    master: str = DEFAULT_SPARK_MASTER,
    spark: SparkSession | None = None,
) -> SanctionsRun:
    """`screen.screen_parties` with the names on Spark: the same parties, hits, bookmarks and alerts.

    The parties (account, name, most frequent country) are derived on Spark from ``payments`` (a
    Parquet path or a Spark table; without it the store's own, through a temporary Parquet file) and
    screened there against the store's lists. The driver receives the hits, the (account, name) pairs
    screened for the first time (the store's bookmark), and the span and latest payments of the
    accounts that get an alert, and stores them by the code the DuckDB screening uses.
    """
    from screening.engines.spark import payments_frame, spark_session

    con = store.connection
    lists = latest_lists(con)
    session = spark or spark_session(master)
    with payments_frame(con, session, payments) as frame:
        frame.createOrReplaceTempView("payments")
        try:
            return _screen(store, session, lists)
        finally:
            for view in _VIEWS:
                session.catalog.dropTempView(view)


def _screen(store: Store, spark: SparkSession, lists: Lists) -> SanctionsRun:
    # The bookmark: every (account, name) screened before, so Spark splits the parties as the store does.
    bookmark = store.connection.sql("SELECT account, name FROM screened_parties").to_arrow_table()
    spark.createDataFrame(bookmark).createOrReplaceTempView("screened_parties")
    parties = spark.sql(PARTIES).cache()
    try:
        parties.createOrReplaceTempView("parties")
        count = int(spark.sql(PARTY_COUNT).collect()[0][0] or 0)
        fresh, known = parties.where("NOT screened"), parties.where("screened")
        weights = lists.weights()
        found = [screen_names_on_spark(spark, fresh, lists.listed, weights=weights).toArrow()]
        if lists.changed and not known.isEmpty():
            found.append(
                screen_names_on_spark(spark, known, lists.changed_entries, weights=weights).toArrow()
            )
        screened = fresh.select("account", "name").toArrow()
    finally:
        parties.unpersist()

    def activity(accounts: pa.Table) -> tuple[pa.Table, pa.Table]:
        spark.createDataFrame(accounts).createOrReplaceTempView("__accounts")
        return spark.sql(ACTIVITY_SPAN).toArrow(), spark.sql(ACTIVITY_EVIDENCE).toArrow()

    hits = pa.concat_tables([table.cast(HITS) for table in found])
    return store_hits(store, lists, hits, screened, count, activity=activity, engine="spark")


def screen_names_on_spark(
    spark: SparkSession,
    parties: DataFrame,
    entries: Iterable[ListEntry],
    *,
    review: float = REVIEW_THRESHOLD,
    hold: float = HOLD_THRESHOLD,
    weights: TokenWeights | None = None,
) -> DataFrame:
    """Hits of the parties (columns ``account``, ``name``, optional ``country``) against the entries.

    The entries and the whole list's token weights are broadcast; each partition of parties is
    screened by `Matcher.screen` on its executor. Rows without a name or account are not screened.
    ``weights`` are the whole list's when ``entries`` are part of it (its changed entries).
    """
    missing = [c for c in ("account", "name") if c not in parties.columns]
    if missing:
        raise InputError(f"the parties to screen lack the column {', '.join(missing)}")
    from pyspark.sql import functions

    listed = list(entries)
    if weights is None:
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
            yield from party_hits(matcher, batch).to_batches()

    return names.mapInArrow(screen_partition, _spark_schema())


def _matcher(key: str, shipped: _Shipped) -> Matcher:
    if key not in _MATCHERS:
        entries, weights, review, hold = shipped
        _MATCHERS[key] = Matcher(entries, review=review, hold=hold, weights=weights)
    return _MATCHERS[key]


def _spark_schema() -> str:
    types = {pa.string(): "string", pa.float64(): "double"}
    return ", ".join(f"{field.name} {types[field.type]}" for field in HITS)
