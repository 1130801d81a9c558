"""Rule SQL for other engines: the DuckDB text of a rule, translated, with its parameters as literals.

Rules are written once, in DuckDB's SQL, with ``$name`` placeholders. Spark
cannot bind parameters into SQL text, so the translation puts each value in as
a typed literal node of the syntax tree (never by pasting text): whole numbers
as integers, other numbers as ``CAST(... AS DOUBLE)`` (DuckDB binds a Python
float as a DOUBLE), instants as UTC timestamps, text as an escaped string
literal. Values come from the rule set, typed and bounds-checked.

sqlglot does most of the translation (``read="duckdb", write="spark"``); the
rewrites here cover what it cannot know, each keeping DuckDB's meaning:

- ``len(list)`` is the number of elements (rules write ``length`` for text);
- ``/`` divides as doubles, as DuckDB does for integers and decimals alike;
- ``list(x ORDER BY k)`` is sorted by ``k``; an aggregate ``list`` of no rows
  is NULL, not an empty array;
- ``list_contains`` says false, not NULL, beside a NULL element; ``list_position`` is NULL
  for a missing value and finds NULLs;
- ``list_distinct`` and ``flatten`` drop NULLs; ``list_concat`` treats NULL as empty;
  slicing, joining or indexing a ``list_distinct`` is refused (its order is DuckDB's own);
- ``list_slice`` counts from 1, includes its end and reads negative bounds from the end;
- ``list_sum``, ``list_avg`` and ``list_stddev_pop`` fold the list as DuckDB does, so the
  doubles agree to the last bit;
- ``arg_max(row_alias, (a, b))`` keeps the whole row and compares tuples as structs;
- ``to_days``/``to_hours`` become intervals, ``epoch`` seconds as a double,
  ``date_diff``/``datediff`` count day, month or second boundaries like DuckDB,
  ``format('{}')`` becomes ``format_string('%s')``, list indexes start at 1.

A construct with no faithful translation raises :class:`TranslationError` with the
reason, so ``screening rules list --engine spark`` can name it.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any, cast

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

from screening.detection.model import Rule


class TranslationError(ValueError):
    """A rule's SQL uses something the target engine cannot do the same way."""


class RuleSQL(DuckDB):
    """DuckDB as rules write it: ``len()`` counts list elements, ``length()`` measures text."""

    class Parser(DuckDB.Parser):  # type: ignore[valid-type,misc]
        FUNCTIONS = {**DuckDB.Parser.FUNCTIONS, "LEN": exp.ArraySize.from_arg_list}  # noqa: RUF012


SPARK_TABLES = frozenset(
    {"sp", "party", "payments", "accounts", "ref_country", "ref_corridor", "ref_role_mcc", "country_flag",
     "corridor_pair", "run_alerts", "alerts", "alert_evidence", "new_txn", "alert_members", "sanction_hits"}
)  # fmt: skip
"""The tables and views the Spark engine provides, under the names rules and detectors use."""

_SPARK_FUNCTIONS = frozenset(
    {"ARRAY_JOIN", "MAKE_DT_INTERVAL", "MAKE_YM_INTERVAL", "UNIX_MICROS", "SIZE", "FILTER", "TRANSFORM",
     "ARRAY_SORT", "STRUCT", "FORMAT_STRING", "LISTAGG", "RLIKE", "MEDIAN", "MODE", "FIRST", "PMOD"}
)  # fmt: skip
"""Anonymous functions in the output that Spark is known to have."""


def to_spark(
    sql: str, values: Mapping[str, Any], *, pretty: bool = False, scratch: Collection[str] = ()
) -> str:
    """The Spark SQL of one DuckDB statement, with ``values`` in place of its ``$placeholders``.

    ``scratch`` names the caller's own temporary views the statement may read besides
    :data:`SPARK_TABLES` (a detector's scratch and registered tables).
    """
    try:
        tree = sqlglot.parse_one(sql.strip().rstrip(";"), read=RuleSQL)
    except sqlglot.errors.ParseError as error:
        raise TranslationError(f"sqlglot cannot parse it: {str(error).splitlines()[0]}") from error
    tree = tree.transform(lambda node: _literal(node, values))
    for rewrite in _REWRITES:
        tree = tree.transform(rewrite)
    _check(tree, SPARK_TABLES.union(scratch))
    return tree.sql(dialect="spark", pretty=pretty)


def untranslatable(rule: Rule) -> str | None:
    """Why a rule cannot run on Spark yet, or None when it translates."""
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    try:
        to_spark(rule.detection, {**rule.default_parameters, "scan_from": moment, "as_of": moment})
    except TranslationError as error:
        return str(error)
    return None


def tables_read(sql: str) -> set[str]:
    """The tables a statement names, less its own CTEs."""
    tree = sqlglot.parse_one(sql.strip().rstrip(";"), read=RuleSQL)
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}


def literal(value: Any) -> exp.Expression:
    """A typed literal node for a bound value."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TranslationError(f"a parameter is {value}, not a finite number")
        return exp.cast(exp.Literal.number(repr(value)), exp.DataType.Type.DOUBLE)
    if isinstance(value, datetime):
        instant = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        text = instant.replace(tzinfo=None).isoformat(sep=" ")
        return exp.cast(exp.Literal.string(text), exp.DataType.Type.TIMESTAMP)
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise TranslationError(f"a parameter of type {type(value).__name__} has no literal form")


def _literal(node: exp.Expression, values: Mapping[str, Any]) -> exp.Expression:
    if isinstance(node, exp.Placeholder | exp.Parameter):
        name = node.name
        if name not in values:
            raise TranslationError(f"${name} has no value")
        return literal(values[name])
    return node


def _spark(template: str, **parts: exp.Expression) -> exp.Expression:
    """A Spark expression from a template whose ``__name`` columns are replaced by ``parts``."""
    tree = sqlglot.parse_one(template, read="spark")

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.startswith("__"):
            return parts[node.name[2:]].copy()
        return node

    return tree.transform(fill)


_INTERVAL_UNITS = {"TO_DAYS": "DAY", "TO_HOURS": "HOUR", "TO_MONTHS": "MONTH"}


def _interval(node: exp.Expression) -> exp.Expression:
    """``to_days(n)``, ``to_hours(n)``, ``to_months(n)`` as Spark intervals."""
    if isinstance(node, exp.ToDays):
        unit, amount = "DAY", node.this
    elif isinstance(node, exp.Anonymous) and node.name.upper() in _INTERVAL_UNITS:
        unit, amount = _INTERVAL_UNITS[node.name.upper()], node.expressions[0]
    else:
        return node
    if isinstance(amount, exp.Literal) and not amount.is_string:
        return exp.Interval(this=exp.Literal.string(amount.name), unit=exp.var(unit))
    whole = _whole_number(amount)  # a sum of parameters: Spark's window frames take only literals
    if whole is not None:
        return exp.Interval(this=exp.Literal.string(str(whole)), unit=exp.var(unit))
    templates = {"DAY": "MAKE_DT_INTERVAL(__n, 0, 0, 0)", "HOUR": "MAKE_DT_INTERVAL(0, __n, 0, 0)",
                 "MONTH": "MAKE_YM_INTERVAL(0, __n)"}  # fmt: skip
    return _spark(templates[unit], n=amount)


def _division(node: exp.Expression) -> exp.Expression:
    """Both sides as doubles, in place so that divisions inside are reached too."""
    if isinstance(node, exp.Div):
        for side in ("this", "expression"):
            node.set(side, exp.cast(node.args[side], exp.DataType.Type.DOUBLE))
    return node


def _in_window(node: exp.Expression) -> bool:
    parent = node.parent
    while isinstance(parent, exp.Filter):
        parent = parent.parent
    return isinstance(parent, exp.Window)


def _ordered_list(node: exp.Expression) -> exp.Expression:
    """``list(x ORDER BY k)`` sorted by ``k``; an aggregate list of no rows is NULL, as in DuckDB."""
    agg = node.this if isinstance(node, exp.Filter) else node
    if not isinstance(agg, exp.ArrayAgg):
        return node
    inner = agg.this
    keys: list[exp.Expression] = []
    if isinstance(inner, exp.Order):
        for ordered in inner.expressions:
            if ordered.args.get("desc"):
                raise TranslationError("list(... ORDER BY ... DESC) has no translation yet")
            keys.append(ordered.this)
        inner = inner.this
    if isinstance(inner, exp.Distinct):
        if len(inner.expressions) != 1 or (keys and keys != [inner.expressions[0]]):
            raise TranslationError("list(DISTINCT x ORDER BY another expression) has no translation yet")
        collected: exp.Expression = exp.ArrayAgg(this=inner.copy())
        if isinstance(node, exp.Filter):
            collected = exp.Filter(this=collected, expression=node.expression.copy())
        if _in_window(node):
            raise TranslationError("list(DISTINCT ...) over a window has no translation yet")
        if keys:
            collected = _spark("ARRAY_SORT(__c)", c=collected)
        return _spark("CASE WHEN SIZE(__c) = 0 THEN NULL ELSE __c END", c=collected)
    if keys:
        fields = [exp.alias_(k.copy(), f"k{i}") for i, k in enumerate(keys)] + [exp.alias_(inner.copy(), "v")]
        collected = exp.ArrayAgg(this=exp.Struct(expressions=fields))
    else:
        collected = agg.copy()
    if isinstance(node, exp.Filter):
        collected = exp.Filter(this=collected, expression=node.expression.copy())
    if _in_window(node):
        if keys:
            raise TranslationError("an ordered list() over a window has no translation yet")
        return node
    if keys:
        collected = _spark("TRANSFORM(ARRAY_SORT(__c), s -> s.v)", c=collected)
    return _spark("CASE WHEN SIZE(__c) = 0 THEN NULL ELSE __c END", c=collected)


_NOT_NULL = "FILTER(__l, v -> v IS NOT NULL)"


def _lists(node: exp.Expression) -> exp.Expression:
    """DuckDB's list functions skip NULLs where Spark's keep them or return NULL; lists count from 1.

    A node this replaces is not visited again, so the parts it embeds are rewritten first.
    """
    if isinstance(node, exp.ArrayDistinct | exp.Flatten):
        node.set("this", _spark(_NOT_NULL, l=node.this))
    elif isinstance(node, exp.ArrayConcat):
        parts = [p.transform(_lists) for p in (node.this, *node.expressions)]
        parts = [_spark("COALESCE(__l, ARRAY())", l=p) for p in parts]
        return cast(exp.Expression, exp.func("CONCAT", *parts))
    elif isinstance(node, exp.ArrayContains):  # Spark answers NULL, not false, for a list holding a NULL
        items, value = node.this.transform(_lists), node.expression.transform(_lists)
        return _spark(_CONTAINS, l=items, x=value)
    elif isinstance(node, exp.Anonymous) and node.name.upper() == "LIST_POSITION":
        if len(node.expressions) != 2:
            raise TranslationError("list_position() takes a list and a value")
        items, value = (arg.transform(_lists) for arg in node.expressions)
        return _spark(_POSITION, l=items, x=value)
    elif isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        node.set("expressions", [exp.Sub(this=node.expressions[0], expression=exp.Literal.number(1))])
    return node


_CONTAINS = "CASE WHEN SIZE(__l) = 0 THEN false ELSE ARRAY_CONTAINS(FILTER(__l, v -> v IS NOT NULL), __x) END"
"""DuckDB's ``list_contains``: false for an empty list, NULL for a NULL value in any other list."""

_POSITION = """CASE WHEN __x IS NULL THEN NULLIF(ARRAY_POSITION(TRANSFORM(__l, v -> v IS NULL), true), 0)
    ELSE NULLIF(ARRAY_POSITION(__l, __x), 0) END"""
"""DuckDB's ``list_position``: NULL where the value is missing (Spark says 0), and it finds a NULL."""


_SUM = "AGGREGATE(SLICE(__f, 2, SIZE(__f)), __f[0] + 0L, (acc, x) -> acc + x)"
_AVG = "AGGREGATE(__f, 0D, (acc, x) -> acc + x) / SIZE(__f)"
_STDDEV_POP = """AGGREGATE(__f, STRUCT(0D AS n, 0D AS mean, 0D AS m2),
    (s, x) -> STRUCT(s.n + 1 AS n, s.mean + (x - s.mean) / (s.n + 1) AS mean,
                     s.m2 + (x - (s.mean + (x - s.mean) / (s.n + 1))) * (x - s.mean) AS m2),
    s -> CASE WHEN s.n = 0 THEN NULL WHEN s.n = 1 THEN 0D ELSE SQRT(s.m2 / s.n) END)"""
_LIST_AGGREGATES = {"LIST_SUM": _SUM, "LIST_AVG": _AVG, "LIST_STDDEV_POP": _STDDEV_POP}
"""DuckDB's list aggregates as folds over the non-NULL elements in list order, step for step as DuckDB
folds them: the sum from the first element on, the average as that sum over the count, the population
deviation by Welford's updates; NULL for no values, a deviation of 0 for one. A sum of doubles is a
double, of whole numbers a BIGINT (DuckDB's HUGEINT holds more), of decimals refused by Spark."""


def _list_functions(node: exp.Expression) -> exp.Expression:
    """``list_sum``, ``list_avg``, ``list_stddev_pop`` and ``list_slice`` with DuckDB's meaning."""
    if isinstance(node, exp.Anonymous) and node.name.upper() in _LIST_AGGREGATES:
        if len(node.expressions) != 1:
            raise TranslationError(f"{node.name.lower()}() takes one list")
        values = _spark(_NOT_NULL, l=node.expressions[0].transform(_list_functions))
        return _spark(_LIST_AGGREGATES[node.name.upper()], f=values)
    if isinstance(node, exp.Anonymous) and node.name.upper() == "LIST_SLICE":
        items, begin, end, *step = (arg.transform(_list_functions) for arg in node.expressions)
    elif isinstance(node, exp.ArraySlice) and not node.args.get("is_length"):
        items, begin, end = (node.args.get(k) for k in ("this", "start", "end"))
        step = [node.args["step"]] if node.args.get("step") else []
        items, begin, end = (p.transform(_list_functions) if p else p for p in (items, begin, end))
    else:
        return node
    if step or begin is None or end is None:
        raise TranslationError("list_slice() with a step or without both bounds has no translation yet")
    return _slice(items, begin, end)


_SKIPPED = "CASE WHEN __b < 0 THEN GREATEST(SIZE(__l) + __b, 0) WHEN __b >= 0 THEN GREATEST(__b - 1, 0) END"
_KEPT = "CASE WHEN __e < 0 THEN GREATEST(SIZE(__l) + __e + 1, 0) WHEN __e >= 0 THEN __e END"


def _slice(items: exp.Expression, begin: exp.Expression, end: exp.Expression) -> exp.Expression:
    """DuckDB's ``list_slice(l, begin, end)`` as Spark's ``slice(l, start, length)``.

    DuckDB counts from 1 and includes ``end``; it reads 0 as 1, counts a negative
    bound from the end, clamps both to the list and answers NULL for a NULL bound.
    Below, ``skipped`` is how many elements go before the slice and ``kept`` where it ends.
    """
    first, last = _whole_number(begin), _whole_number(end)
    if first is None or last is None:
        skipped = _spark(_SKIPPED, l=items, b=begin)
        kept = _spark(_KEPT, l=items, e=end)
        length = _spark("CASE WHEN __k > __s THEN __k - __s WHEN __k <= __s THEN 0 END", s=skipped, k=kept)
        return _spark("SLICE(__l, __s + 1, __n)", l=items, s=skipped, n=length)
    if first >= 0 and last >= 0:
        before = max(first - 1, 0)
        return exp.ArraySlice(this=items, start=exp.Literal.number(before + 1),
                              end=exp.Literal.number(max(last - before, 0)), is_length=True)  # fmt: skip
    number = exp.Literal.number
    skipped = (
        number(max(first - 1, 0))
        if first >= 0
        else _spark("GREATEST(SIZE(__l) - __n, 0)", l=items, n=number(-first))
    )
    kept = number(last) if last >= 0 else _spark("GREATEST(SIZE(__l) - __n, 0)", l=items, n=number(-last - 1))
    return _spark("SLICE(__l, __s + 1, GREATEST(__k - __s, 0))", l=items, s=skipped, k=kept)


_ARITHMETIC = {exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul}


def _whole_number(node: exp.Expression) -> int | None:
    """The value of a whole-number literal (``-2`` included) or a sum, difference or product of them."""
    if isinstance(node, exp.Paren):
        return _whole_number(node.this)
    if isinstance(node, exp.Neg):
        inner = _whole_number(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Add | exp.Sub | exp.Mul):
        left, right = _whole_number(node.this), _whole_number(node.expression)
        if left is None or right is None:
            return None
        return int(_ARITHMETIC[type(node)](left, right))
    if isinstance(node, exp.Literal) and not node.is_string and node.name.lstrip("-").isdigit():
        return int(node.name)
    return None


def _arg_max(node: exp.Expression) -> exp.Expression:
    """Tuples compared as structs; an alias standing for a whole row kept as a struct of the row."""
    if not isinstance(node, exp.ArgMax | exp.ArgMin):
        return node
    key = node.expression
    if isinstance(key, exp.Tuple):
        node.set("expression", exp.Struct(expressions=[
            exp.alias_(item, f"k{i}") for i, item in enumerate(key.expressions)]))  # fmt: skip
    value = node.this
    if isinstance(value, exp.Column) and not value.table and value.name in _aliases(node):
        node.set("this", _spark(f"STRUCT({value.name}.*)"))
    return node


def _aliases(node: exp.Expression) -> set[str]:
    select = node.find_ancestor(exp.Select)
    if select is None:
        return set()
    sources = [select.args.get("from_"), *(select.args.get("joins") or [])]
    return {
        s.this.alias_or_name
        for s in sources
        if s is not None and isinstance(s.this, exp.Table | exp.Subquery)
    }


def _dates(node: exp.Expression) -> exp.Expression:
    """Day, month and second differences count boundaries as DuckDB does; epoch is seconds as a double."""
    if isinstance(node, exp.DateDiff):
        unit = (node.text("unit") or "DAY").upper()
        end, start = node.this, node.expression
        if unit == "DAY":
            return _spark("DATEDIFF(CAST(__e AS DATE), CAST(__s AS DATE))", e=end, s=start)
        if unit == "MONTH":
            return _spark("(YEAR(__e) * 12 + MONTH(__e)) - (YEAR(__s) * 12 + MONTH(__s))", e=end, s=start)
        if unit == "SECOND":  # whole epoch seconds, floored (before 1970 too), as DuckDB counts them
            seconds = "(UNIX_MICROS(__t) - PMOD(UNIX_MICROS(__t), 1000000)) DIV 1000000"
            return exp.Sub(this=_spark(seconds, t=end), expression=_spark(seconds, t=start))
        raise TranslationError(f"date_diff in {unit.lower()}s has no translation yet")
    if isinstance(node, exp.TimeToUnix):
        value = node.this
        if isinstance(value, exp.Sub):
            return _spark(
                "(UNIX_MICROS(__a) - UNIX_MICROS(__b)) / 1000000.0D", a=value.this, b=value.expression
            )
        return _spark("UNIX_MICROS(__a) / 1000000.0D", a=value)
    return node


def _format(node: exp.Expression) -> exp.Expression:
    """``format('{} ...', x)`` as ``format_string('%s ...', x)``."""
    if isinstance(node, exp.Format):
        pattern = node.this
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise TranslationError("format() with a pattern that is not a literal")
        text = pattern.name
        rest = text.replace("{}", "")
        if "%" in text or "{" in rest or "}" in rest:
            raise TranslationError("format() with placeholders other than {}")
        pattern_text = exp.Literal.string(text.replace("{}", "%s"))
        formatted = cast(exp.Expression, exp.func("FORMAT_STRING", pattern_text, *node.expressions))
        return formatted
    return node


def _joins(node: exp.Expression) -> exp.Expression:
    """Joins Spark reads differently: ``USING`` beside a qualified star, ``CROSS JOIN unnest``, CTE hints."""
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    if isinstance(node, exp.Join) and isinstance(node.this, exp.Unnest):
        unnest = node.this
        lateral = exp.Lateral(this=exp.Explode(this=unnest.expressions[0]), alias=unnest.args.get("alias"))
        node.set("this", lateral)
    if isinstance(node, exp.Select):
        _using_as_on(node)
    return node


def _using_as_on(select: exp.Select) -> None:
    """``a JOIN b USING (k)`` as ``ON a.k = b.k`` when the select cannot tell the difference.

    Spark puts the ``USING`` columns first, so ``a.*`` of such a join lists
    columns in another order than DuckDB (a ``UNION`` of it then misaligns).
    """
    joins = select.args.get("joins") or []
    source = select.args.get("from_")
    if len(joins) != 1 or source is None or not joins[0].args.get("using"):
        return
    join = joins[0]
    keys = {k.name for k in join.args["using"]}
    unqualified = [c for c in select.find_all(exp.Column) if not c.table and c.name in keys]
    stars = [s for s in select.expressions if isinstance(s, exp.Star)]
    if unqualified or stars:
        return
    left, right = source.this.alias_or_name, join.this.alias_or_name
    condition = exp.and_(*(exp.column(k, left).eq(exp.column(k, right)) for k in sorted(keys)))
    join.set("using", None)
    join.set("on", condition)


def _string_agg(node: exp.Expression) -> exp.Expression:
    """``string_agg(DISTINCT x, sep ORDER BY x)`` as the sorted set joined (Spark's listagg fails
    beside other distinct aggregates); NULL when nothing is aggregated, as in DuckDB."""
    if not isinstance(node, exp.GroupConcat):
        return node
    order = node.this
    if isinstance(order, exp.Distinct):
        raise TranslationError(
            "string_agg(DISTINCT ...) without ORDER BY: DuckDB's order is its own (add ORDER BY to the rule)"
        )
    if not (isinstance(order, exp.Order) and isinstance(order.this, exp.Distinct)):
        return node
    values = order.this.expressions
    keys = order.expressions
    if len(values) != 1 or len(keys) != 1 or keys[0].args.get("desc") or keys[0].this != values[0]:
        return node
    separator = node.args.get("separator") or exp.Literal.string(",")
    joined = _spark("ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(__x)), __sep)", x=values[0], sep=separator)
    return _spark("CASE WHEN SIZE(COLLECT_SET(__x)) = 0 THEN NULL ELSE __j END", x=values[0], j=joined)


_REWRITES = (
    _joins,
    _string_agg,
    _interval,
    _ordered_list,
    _lists,
    _arg_max,
    _dates,
    _format,
    _division,
    _list_functions,
)


def _check(tree: exp.Expression, provided: frozenset[str]) -> None:
    """Refuse output Spark would reject or read differently."""
    order = "list_distinct() leaves elements in DuckDB's own order: sort before slicing, joining or indexing"
    for distinct in tree.find_all(exp.ArrayDistinct):
        if isinstance(distinct.parent, exp.ArraySlice | exp.ArrayToString | exp.Bracket):
            raise TranslationError(order)
    for function in tree.find_all(exp.Anonymous):
        name = function.name.upper()
        if name not in _SPARK_FUNCTIONS:
            raise TranslationError(f"DuckDB's {function.name.lower()}() has no Spark translation yet")
    unknown = tables_in(tree) - provided
    if unknown:
        raise TranslationError(f"reads {', '.join(sorted(unknown))}, which the Spark engine does not provide")


def tables_in(tree: exp.Expression) -> set[str]:
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}
