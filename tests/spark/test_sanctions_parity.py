"""Sanctions screening on Spark finds exactly what the matcher finds on one machine, partition by partition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from screening.errors import InputError
from screening.sanctions.internal import read_internal
from screening.sanctions.matching import Matcher
from screening.sanctions.model import ListEntry
from screening.sanctions.ofac import read_ofac_csv
from screening.sanctions.uk import read_ofsi_csv

FIXTURES = Path(__file__).parents[1] / "sanctions" / "fixtures"

PARTIES = [
    # variants of listed names: spelling, order, initials, missing parts, case and punctuation
    ("ACC-001", "Viktor Testenko", "MD"), ("ACC-002", "Victor Testenko", None), ("ACC-003", "Testenko Viktor", "UA"),
    ("ACC-004", "V. Testenko", "DE"), ("ACC-005", "Wiktor Testenko", None), ("ACC-006", "Anna Example", "TR"),
    ("ACC-007", "Ana Example", None), ("ACC-008", "Example Anna", "FR"), ("ACC-009", "Sunrise Transplant Clinic", "PL"),
    ("ACC-010", "Sunrise Medical Center", None), ("ACC-011", "Klinika Sunrise", "PL"),
    ("ACC-012", "Sunrise Transplant Clinik", None), ("ACC-013", "Abdul Rahman Al-Testi", "IQ"),
    ("ACC-014", "Abdul Rahman Al Testi", None), ("ACC-015", "Abdulrahman Altesti", "SY"),
    ("ACC-016", "Abu Al-Alias", None), ("ACC-017", "Abdul Testi", "GB"), ("ACC-018", "Example Shipping Co Ltd", None),
    ("ACC-019", "Example Shipping Company Limited", "IR"), ("ACC-020", "Example Marine", None),
    ("ACC-021", "Sea Test", None), ("ACC-022", "Jane Testova", "RU"), ("ACC-023", "Jane Testowa", None),
    ("ACC-024", "Ivan Petrovich Testov", "IR"), ("ACC-025", "Ivan Testov", "RU"), ("ACC-026", "Iwan Testoff", None),
    ("ACC-027", "Petrovich Ivan Testov", None), ("ACC-028", "EXAMPLE MARINE CO.", "IR"),
    # the same name paid by accounts of different countries: each is scored with its own
    ("ACC-029", "Viktor Testenko", "UA"), ("ACC-030", "Viktor Testenko", None), ("ACC-031", "Jane Testova", "GB"),
    ("ACC-053", "Viktor Testenko", "DE"),
    # variants whose country contradicts the entry's: left for review, not held
    ("ACC-054", "Victor Testenco", "DE"), ("ACC-055", "Jane Testovna", "GB"),
    # names that share words with the list but are other people or firms
    ("ACC-032", "Anna Schmidt", "DE"), ("ACC-033", "Viktor Petrov", None), ("ACC-034", "Sunrise Bakery", "PL"),
    ("ACC-035", "Example Consulting GmbH", None), ("ACC-036", "Pacific Shipping Co Ltd", "SG"),
    ("ACC-037", "Marine Supplies Ltd", None), ("ACC-038", "Ivan Ivanov", "RU"), ("ACC-039", "Jane Doe", "US"),
    ("ACC-040", "Abdul Karim", None), ("ACC-041", "Test Kitchen Ltd", "GB"), ("ACC-042", "Sea Breeze Hotel", None),
    ("ACC-043", "Maria Garcia Lopez", "ES"), ("ACC-044", "Acme Trading Corp", "US"), ("ACC-045", "Li Wei", "CN"),
    ("ACC-046", "Mohammed Al Rashid", None), ("ACC-047", "Nordic Timber AB", "SE"), ("ACC-048", "Mr", None),
    ("ACC-049", "Городская больница", "RU"), ("ACC-050", "Clinic", None), ("ACC-051", "O'Brien & Sons", "IE"),
    ("ACC-052", None, "GB"),
]  # fmt: skip


def _entries() -> list[ListEntry]:
    return [
        *read_internal(FIXTURES / "internal" / "watchlist.csv"),
        *read_ofsi_csv(FIXTURES / "ofsi_conlist_small.csv"),
        *read_ofac_csv(FIXTURES / "ofac"),
    ]


def _parties(spark: Any, *, country: bool = True, partitions: int = 4) -> Any:
    table = pa.table({
        "account": [p[0] for p in PARTIES], "name": [p[1] for p in PARTIES],
        **({"country": [p[2] for p in PARTIES]} if country else {}),
    })  # fmt: skip
    return spark.createDataFrame(table).repartition(partitions)


def _expected(*, country: bool = True) -> set[tuple[Any, ...]]:
    """Each party scored on its own by the matcher on one machine: no partitions, no broadcast."""
    matcher = Matcher(_entries())
    found = set()
    for account, name, nation in PARTIES:
        if name is None:
            continue
        given = {name: nation} if country and nation else {}
        for m in matcher.screen([name], given):
            components = {**m.components, **m.adjustments, "name": m.name_score}
            found.add((account, name, m.list_name, m.entry_id, m.matched_name, m.decision, _sig(m.score),
                       _rounded(components)))  # fmt: skip
    return found


def _found(frame: Any) -> set[tuple[Any, ...]]:
    return {
        (r["account"], r["party_name"], r["list_name"], r["entry_id"], r["matched_name"], r["level"],
         _sig(r["score"]), _rounded(json.loads(r["components"])))
        for r in frame.toArrow().to_pylist()
    }  # fmt: skip


def _sig(value: float) -> str:
    return f"{value:.12g}"


def _rounded(components: dict[str, float]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, _sig(v)) for k, v in components.items()))


def test_spark_finds_exactly_what_the_matcher_finds_on_one_machine(spark: Any) -> None:
    from screening.engines.spark_sanctions import screen_names_on_spark

    expected = _expected()
    assert {row[5] for row in expected} == {"hold", "review"}
    assert _found(screen_names_on_spark(spark, _parties(spark), _entries())) == expected


def test_the_answer_does_not_depend_on_how_the_parties_are_partitioned(spark: Any) -> None:
    from screening.engines.spark_sanctions import screen_names_on_spark

    one = _found(screen_names_on_spark(spark, _parties(spark, partitions=1), _entries()))
    seven = _found(screen_names_on_spark(spark, _parties(spark, partitions=7), _entries()))
    assert one == seven


def test_accounts_sharing_a_name_are_scored_with_their_own_country(spark: Any) -> None:
    from screening.engines.spark_sanctions import screen_names_on_spark

    hits = screen_names_on_spark(spark, _parties(spark, partitions=1), _entries()).toArrow().to_pylist()
    country = {
        r["account"]: json.loads(r["components"]).get("country", 0.0)
        for r in hits
        if r["party_name"] == "Viktor Testenko" and r["entry_id"] == "BRK-0001"
    }
    assert country == {"ACC-001": 0.03, "ACC-029": 0.03, "ACC-030": 0.0, "ACC-053": -0.05}


def test_parties_without_a_country_column_are_screened_on_their_names(spark: Any) -> None:
    from screening.engines.spark_sanctions import screen_names_on_spark

    found = screen_names_on_spark(spark, _parties(spark, country=False), _entries())
    assert _found(found) == _expected(country=False)


def test_parties_without_a_name_column_are_refused(spark: Any) -> None:
    from screening.engines.spark_sanctions import screen_names_on_spark

    frame = spark.createDataFrame(pa.table({"account": ["ACC-001"]}))
    with pytest.raises(InputError, match="lack the column name"):
        screen_names_on_spark(spark, frame, _entries())
