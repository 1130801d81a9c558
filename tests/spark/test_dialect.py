"""The dialect's list rewrites give DuckDB's answers on Spark, value for value.

Each check is one DuckDB query over a few lists, with its values bound as
parameters; DuckDB runs it as written and Spark runs its translation, and the
rows must be equal: no tolerance for the sums and deviations, whose figures
rules round and compare with thresholds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import duckdb
import pytest

dialect = pytest.importorskip(
    "screening.engines.dialect", reason="the dialect layer needs sqlglot (spark extra)"
)

SLICED = [None, [], [1], [1, None], [1, 2, 3], [1, 2, 3, 4]]
BOUNDS = [*range(-5, 6), None]


def _lists(lists: Sequence[list[Any] | None], element: str) -> tuple[str, dict[str, Any]]:
    """A ``VALUES`` table ``t(id, l)`` of the lists, its elements as parameters."""
    rows, values = [], {}
    for i, items in enumerate(lists):
        if items is None:
            rows.append(f"({i}, CAST(NULL AS {element}[]))")
            continue
        names = [f"v{i}_{j}" for j in range(len(items))]
        values.update(zip(names, items, strict=True))
        rows.append(f"({i}, CAST([{', '.join('$' + n for n in names)}] AS {element}[]))")
    return f"(VALUES {', '.join(rows)}) AS t(id, l)", values


def _bounds() -> dict[str, Any]:
    return {f"b{i}": bound for i, bound in enumerate(BOUNDS)}


def _on_both(
    spark: Any, sql: str, values: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows DuckDB gives for the query, and the rows Spark gives for its translation."""
    expected = duckdb.connect().execute(sql, values).fetchall()
    found = [tuple(row) for row in spark.sql(dialect.to_spark(sql, values)).collect()]
    return expected, found


def test_a_slice_with_whole_number_bounds_is_duckdbs(spark: Any) -> None:
    """From 0 and negative bounds to bounds past either end, NULL included, as constants."""
    table, values = _lists(SLICED, "BIGINT")
    n = len(BOUNDS)
    slices = ", ".join(f"list_slice(l, $b{b}, $b{e}) AS s{b}_{e}" for b in range(n) for e in range(n))
    expected, found = _on_both(spark, f"SELECT id, {slices} FROM {table} ORDER BY id", values | _bounds())
    assert found == expected


def test_a_slice_with_bounds_from_columns_is_duckdbs(spark: Any) -> None:
    table, values = _lists(SLICED, "BIGINT")
    bounds = ", ".join(f"($b{i})" for i in range(len(BOUNDS)))
    sql = (
        f"SELECT id, b, e, list_slice(l, b, e) AS s FROM {table} "
        f"CROSS JOIN (VALUES {bounds}) AS bs(b) CROSS JOIN (VALUES {bounds}) AS es(e) ORDER BY id, b, e"
    )
    expected, found = _on_both(spark, sql, values | _bounds())
    assert len(expected) == len(SLICED) * len(BOUNDS) ** 2
    assert found == expected


def test_list_sums_averages_and_deviations_are_duckdbs_to_the_last_bit(spark: Any) -> None:
    draw = random.Random(12)
    lists: list[list[Any] | None] = [
        None,
        [],
        [None],
        [2.5],
        [7.0, None],
        [0.1, 0.2, 0.3],
        [1e16, 1.0, -1e16],
    ]
    for _ in range(24):
        scale = 10.0 ** draw.randint(-3, 9)
        lists.append(
            [None if draw.random() < 0.1 else draw.uniform(-scale, scale) for _ in range(draw.randint(2, 12))]
        )
    table, values = _lists(lists, "DOUBLE")
    sql = f"SELECT id, list_sum(l), list_avg(l), list_stddev_pop(l) FROM {table} ORDER BY id"
    expected, found = _on_both(spark, sql, values)
    assert found == expected
    assert [row[1:] for row in found[:5]] == [
        (None,) * 3,
        (None,) * 3,
        (None,) * 3,
        (2.5, 2.5, 0.0),
        (7.0, 7.0, 0.0),
    ]


def test_a_sum_of_whole_numbers_stays_a_whole_number(spark: Any) -> None:
    table, values = _lists([[3, 4, None, 5], [2**40, 2**40]], "BIGINT")
    expected, found = _on_both(spark, f"SELECT id, list_sum(l) FROM {table} ORDER BY id", values)
    assert found == expected == [(0, 12), (1, 2**41)]
    assert all(isinstance(total, int) for _, total in found)


def test_a_list_slice_inside_a_list_sum_is_translated_too() -> None:
    spark_sql = dialect.to_spark("SELECT list_sum(list_slice(l, 2, 3)) FROM sp", {})
    assert "SLICE(l, 2, 2)" in spark_sql
    assert "LIST_" not in spark_sql.upper().replace("COLLECT_LIST", "")


def test_slicing_a_distinct_list_is_refused_because_duckdb_orders_it_its_own_way() -> None:
    with pytest.raises(dialect.TranslationError, match="DuckDB's own order"):
        dialect.to_spark("SELECT list_slice(list_distinct(l), 1, 4) FROM sp", {})


def test_a_distinct_list_can_still_be_counted() -> None:
    assert dialect.to_spark("SELECT len(list_distinct(l)) FROM sp", {}) == (
        "SELECT SIZE(ARRAY_DISTINCT(FILTER(l, v -> NOT v IS NULL))) FROM sp"
    )


def test_a_slice_with_a_step_is_refused() -> None:
    with pytest.raises(dialect.TranslationError, match="step"):
        dialect.to_spark("SELECT list_slice(l, 1, 4, 2) FROM sp", {})


SEARCHED = [None, [], [1], [1, None], [None], [3, 1, 2, 1]]


def test_list_contains_is_false_not_null_beside_a_null_element(spark: Any) -> None:
    table, values = _lists(SEARCHED, "BIGINT")
    sql = (
        f"SELECT id, x, list_contains(l, x) FROM {table} "
        "CROSS JOIN (VALUES (1), (2), (NULL)) AS xs(x) ORDER BY id, x NULLS LAST"
    )
    expected, found = _on_both(spark, sql, values)
    assert (3, 2, False) in found
    assert found == expected


def test_list_position_is_null_when_missing_and_finds_nulls(spark: Any) -> None:
    table, values = _lists(SEARCHED, "BIGINT")
    sql = (
        f"SELECT id, x, list_position(l, x) FROM {table} "
        "CROSS JOIN (VALUES (1), (2), (NULL)) AS xs(x) ORDER BY id, x NULLS LAST"
    )
    expected, found = _on_both(spark, sql, values)
    assert (3, 2, None) in found and (3, None, 2) in found
    assert found == expected


def test_a_rotation_built_from_list_position_inside_list_concat_is_translated_whole(spark: Any) -> None:
    """The cycle detector's rotation of a ring to its smallest account: nested rewrites all apply."""
    table, values = _lists([[3, 1, 2], [1, 2], [5, 4, 6, 4]], "BIGINT")
    sql = (
        "SELECT id, list_concat(list_slice(l, list_position(l, list_min(l)), len(l)), "
        f"list_slice(l, 1, list_position(l, list_min(l)) - 1)) FROM {table} ORDER BY id"
    )
    expected, found = _on_both(spark, sql, values)
    assert [row[1] for row in found] == [[1, 2, 3], [1, 2], [4, 6, 4, 5]]
    assert found == expected


def test_a_difference_in_seconds_counts_whole_epoch_seconds(spark: Any) -> None:
    stamps = [
        "1969-12-31 23:59:59.5",
        "1970-01-01 00:00:00.7",
        "2026-03-01 10:00:00.999",
        "2026-03-02 10:00:01",
    ]
    rows = ", ".join(f"(TIMESTAMPTZ '{a}+00', TIMESTAMPTZ '{b}+00')" for a in stamps for b in stamps)
    sql = f"SELECT a, b, date_diff('second', a, b) FROM (VALUES {rows}) AS t(a, b) ORDER BY a, b"
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    expected = [(row[2],) for row in duckdb.connect().execute(sql).fetchall()]
    found = [(row[2],) for row in spark.sql(dialect.to_spark(sql, {})).collect()]
    assert found == expected


def test_a_window_frame_of_summed_parameters_becomes_a_literal_interval(spark: Any) -> None:
    """Spark takes only literals as frame bounds; the parameters are added before they go in."""
    sql = (
        "SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN to_days($back) PRECEDING "
        "AND to_days($ahead + $back) FOLLOWING) AS n "
        "FROM (VALUES (DATE '2026-01-01'), (DATE '2026-01-03'), (DATE '2026-01-09')) AS t(d) ORDER BY d"
    )
    translated = dialect.to_spark(sql, {"back": 1, "ahead": 2})
    assert "INTERVAL '3' DAY FOLLOWING" in translated
    expected, found = _on_both(spark, sql, {"back": 1, "ahead": 2})
    assert found == expected


def test_a_callers_scratch_table_may_be_read_but_no_other() -> None:
    assert "__nw_edges_1" in dialect.to_spark("SELECT * FROM __nw_edges_1", {}, scratch={"__nw_edges_1"})
    with pytest.raises(dialect.TranslationError, match="__nw_edges_2"):
        dialect.to_spark("SELECT * FROM __nw_edges_2", {}, scratch={"__nw_edges_1"})
