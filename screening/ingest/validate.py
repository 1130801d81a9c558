"""Compile a dataset's checks into one column-wise DuckDB query over a source scan.

The query yields, for every source record, the canonical typed values, the list
of problems found (field and reason) and, for records with problems, the raw
record as JSON. Every value is parsed by set-based SQL; nothing is checked row
by row in Python. Values from mapping files are bound as parameters or placed in
lookup tables, never pasted into the SQL text.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from screening.errors import InputError, MappingError
from screening.ingest.sources import SourceScan
from screening.mapping import Mapping, ParseOptions
from screening.reference import (
    CHANNEL_SYNONYMS,
    PARTY_TYPE_SYNONYMS,
    country_codes,
    currency_codes,
)
from screening.schema import CHANNELS, PARTY_TYPES, Dataset, FieldSpec, Kind
from screening.sqltext import quoted

_NUMERIC_TYPES = (
    "DECIMAL",
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
)
_FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
_LIMITS = {Kind.AMOUNT: (3, "1e15"), Kind.RATE: (8, "1e10")}
_BIC_PATTERN = "[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?"
_IBAN_SHAPE = "[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{8,40}"


@dataclass(frozen=True)
class _Vocabulary:
    """A closed set of codes: how to key them and how to name a stranger."""

    table: Callable[[], dict[str, str]]
    normalise: str  # "upper" or "lower"
    noun: str


_VOCABULARIES = {
    Kind.CURRENCY: _Vocabulary(currency_codes, "upper", "ISO 4217 currency code"),
    Kind.COUNTRY: _Vocabulary(country_codes, "upper", "ISO 3166 country code"),
    Kind.CHANNEL: _Vocabulary(lambda: CHANNEL_SYNONYMS, "lower", f"channel (one of {', '.join(CHANNELS)})"),
    Kind.PARTY_TYPE: _Vocabulary(
        lambda: PARTY_TYPE_SYNONYMS, "lower", f"party type (one of {', '.join(PARTY_TYPES)})"
    ),
}


@dataclass
class ValidationPlan:
    """The compiled query plus the lookup tables it joins and what the user should know."""

    sql: str
    params: dict[str, Any]
    lookups: dict[str, dict[str, str]]
    notes: list[str] = field(default_factory=list)


class _Params:
    def __init__(self, initial: dict[str, Any]) -> None:
        self.values = dict(initial)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


@dataclass(frozen=True)
class _FieldSql:
    """How one field is parsed and checked.

    ``value`` and ``helpers`` are computed once per row (level 2, where the raw
    value is ``l."__r_<field>"`` and lookup tables are joined); ``error`` runs
    afterwards on those results (level 3), only for rows where it matters.
    """

    value: str
    error: str | None = None
    helpers: tuple[tuple[str, str], ...] = ()


def plan_validation(dataset: Dataset, mapping: Mapping, scan: SourceScan) -> ValidationPlan:
    """Build the validation query for ``scan`` under ``mapping``.

    Raises :class:`MappingError` when the mapping names columns the source lacks,
    and :class:`InputError` when a required field has no column at all.
    """
    params = _Params(scan.params)
    raws, notes = _resolve_columns(dataset, mapping, scan, params)
    lookups: dict[str, dict[str, str]] = {}
    joins: list[str] = []
    parsed: list[str] = []
    errors: list[tuple[str, str]] = []
    for spec in dataset.fields:
        if spec.name not in raws:
            parsed.append(f'NULL AS "__v_{spec.name}"')
            continue
        _, raw_type = raws[spec.name]
        field_sql = _field_sql(spec, mapping, raw_type, lookups, joins, params)
        parsed.append(f'{field_sql.value} AS "__v_{spec.name}"')
        parsed.extend(f'{sql} AS "__{name}_{spec.name}"' for name, sql in field_sql.helpers)
        checks = [f"""CASE WHEN "__r_{spec.name}" IS NULL THEN 'missing' END"""] if spec.required else []
        checks += [field_sql.error] if field_sql.error else []
        if checks:
            errors.append((spec.name, checks[0] if len(checks) == 1 else f"coalesce({', '.join(checks)})"))
    if dataset.one_of:
        present = ", ".join(f'"__r_{name}"' for name in dataset.one_of if name in raws)
        reason = params.bind("needs at least one of " + ", ".join(dataset.one_of))
        errors.append(("/".join(dataset.one_of), f"CASE WHEN coalesce({present}) IS NULL THEN {reason} END"))
    raw_columns = ", ".join(
        ([f"at := {quoted(scan.locator)}"] if scan.locator else [])
        + [f"{quoted(c)} := {quoted(c)}" for c in scan.columns]
    )
    raw_json = f"to_json(struct_pack({raw_columns}))::VARCHAR" if raw_columns else "NULL"
    error_columns = ", ".join(f'{sql} AS "__e{i}"' for i, (_, sql) in enumerate(errors))
    any_error = f"coalesce({', '.join(f'__e{i}' for i in range(len(errors)))})" if errors else "NULL"
    entries = ", ".join(f"{{'field': '{name}', 'reason': __e{i}}}" for i, (name, _) in enumerate(errors))
    problem_list = (
        f"CASE WHEN {any_error} IS NOT NULL THEN list_filter([{entries}], lambda x: x.reason IS NOT NULL) END"
    )
    if scan.parse_problems:
        problem_list = (
            f"CASE WHEN __parse_problems IS NOT NULL OR {any_error} IS NOT NULL "
            f"THEN list_concat(coalesce(__parse_problems, []), coalesce({problem_list}, [])) END"
        )
    if scan.flags_malformed:
        problem_list = (
            f"CASE WHEN __malformed IS NOT NULL THEN [{{'field': '(record)', 'reason': __malformed}}] "
            f"ELSE {problem_list} END"
        )
        raw_json = f"coalesce(__raw, {raw_json})"
    raw_selects = ", ".join(f'{raw} AS "__r_{name}"' for name, (raw, _) in raws.items())
    level1 = f"SELECT *{', ' + raw_selects if raw_selects else ''} FROM ({scan.sql}) src"
    level2 = f"SELECT l.*, {', '.join(parsed)} FROM ({level1}) l {' '.join(joins)}"
    level3 = f"SELECT *{', ' + error_columns if error_columns else ''} FROM ({level2})"
    outputs = ", ".join(f'"__v_{spec.name}" AS "{spec.name}"' for spec in dataset.fields)
    sql = (
        f"SELECT {outputs}, __row, {problem_list} AS __problems, "
        f"CASE WHEN __problems IS NOT NULL THEN {raw_json} END AS __raw_record FROM ({level3})"
    )
    return ValidationPlan(sql=sql, params=params.values, lookups=lookups, notes=notes)


def _resolve_columns(
    dataset: Dataset, mapping: Mapping, scan: SourceScan, params: _Params
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Map each canonical field to a raw SQL expression over the source, and its type."""
    by_lower = {name.lower(): name for name in scan.columns}
    resolved: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for spec in dataset.fields:
        if spec.name in mapping.constants:
            resolved[spec.name] = (params.bind(mapping.constants[spec.name]), "VARCHAR")
            continue
        wanted = mapping.columns.get(spec.name)
        if wanted is None:
            match = by_lower.get(spec.name.lower())
            if match is not None:
                resolved[spec.name] = _raw_expr([match], scan.columns)
                used.add(match)
            continue
        names = []
        for column in wanted:
            actual = column if column in scan.columns else by_lower.get(column.lower())
            if actual is None:
                hint = difflib.get_close_matches(column, list(scan.columns), n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise MappingError(
                    f"column {column!r} for field {spec.name} is not in {scan.label}{suggestion}; "
                    f"its columns are: {_column_list(scan)}",
                    path=mapping.name,
                )
            names.append(actual)
        used.update(names)
        resolved[spec.name] = _raw_expr(names, scan.columns)
    _require_fields(dataset, resolved, scan)
    ignored = [c for c in scan.columns if c not in used]
    notes = list(scan.notes)
    if ignored:
        notes.append("ignored columns: " + ", ".join(ignored))
    return resolved, notes


def _require_fields(dataset: Dataset, resolved: dict[str, tuple[str, str]], scan: SourceScan) -> None:
    missing = [s.name for s in dataset.fields if s.required and s.name not in resolved]
    if dataset.one_of and not any(name in resolved for name in dataset.one_of):
        missing.append(" or ".join(dataset.one_of))
    if not missing:
        return
    hint = ""
    if len(scan.columns) == 1:
        only = next(iter(scan.columns))
        if any(sep in only for sep in ",;|\t"):
            hint = "; the header was read as one column: is the delimiter right? (mapping [csv] delimiter)"
    raise InputError(
        f"no column for required {dataset.name} field {', '.join(missing)}; the columns are: "
        f"{_column_list(scan)}{hint}. Name them in a mapping file's [columns] table",
        path=scan.label,
    )


def _raw_expr(names: list[str], types: dict[str, str]) -> tuple[str, str]:
    if len(names) == 1 and not _is_text(types[names[0]]):
        return quoted(names[0]), types[names[0]]
    joined = ", ".join(f"{quoted(n)}::VARCHAR" for n in names)
    text = joined if len(names) == 1 else f"concat_ws(' ', {joined})"
    return f"nullif(trim({text}), '')", "VARCHAR"


def _field_sql(
    spec: FieldSpec,
    mapping: Mapping,
    raw_type: str,
    lookups: dict[str, dict[str, str]],
    joins: list[str],
    params: _Params,
) -> _FieldSql:
    """Join the field's code table, if it has one, then parse what it yields."""
    r = f'l."__r_{spec.name}"'
    vocabulary = _VOCABULARIES.get(spec.kind)
    codes = mapping.codes.get(spec.name, {})
    if vocabulary is None and not codes:
        return _parse(spec.kind, r, raw_type, mapping.parse, params, spec.name)
    text = r if _is_text(raw_type) else f"{r}::VARCHAR"
    key = f"{vocabulary.normalise}({text})" if vocabulary else text
    alias = f"lk_{spec.name}"
    lookups[f"__lk_{spec.name}"] = _code_table(spec, mapping, vocabulary, codes)
    joins.append(f'LEFT JOIN "__lk_{spec.name}" {alias} ON {alias}.code = {key}')
    if vocabulary is None:
        return _parse(
            spec.kind, f"coalesce({alias}.value, {text})", "VARCHAR", mapping.parse, params, spec.name
        )
    shown = _shown(f'"__r_{spec.name}"::VARCHAR')
    return _FieldSql(
        value=f"{alias}.value",
        error=f"""CASE WHEN "__v_{spec.name}" IS NULL AND "__r_{spec.name}" IS NOT NULL """
        f"THEN 'unknown {vocabulary.noun}: ' || {shown} END",
    )


def _code_table(
    spec: FieldSpec, mapping: Mapping, vocabulary: _Vocabulary | None, codes: dict[str, str]
) -> dict[str, str]:
    """The field's lookup: canonical codes and synonyms, overridden by the mapping's codes."""
    if vocabulary is None:
        return dict(codes)
    canonical = vocabulary.table()
    table = dict(canonical)
    for code, value in codes.items():
        target = canonical.get(_normalise(value, vocabulary.normalise))
        if target is None:
            raise MappingError(
                f"[codes.{spec.name}] {code!r} maps to {value!r}, an unknown {vocabulary.noun}",
                path=mapping.name,
            )
        table[_normalise(code, vocabulary.normalise)] = target
    return table


def _normalise(code: str, how: str) -> str:
    code = code.strip()
    return code.upper() if how == "upper" else code.lower()


def _parse(kind: Kind, r: str, raw_type: str, options: ParseOptions, params: _Params, name: str) -> _FieldSql:
    """SQL for the parsed value of ``r`` and for the reason it is invalid."""
    text = r if _is_text(raw_type) else f"{r}::VARCHAR"
    if kind in (Kind.TEXT, Kind.CURRENCY, Kind.COUNTRY, Kind.CHANNEL, Kind.PARTY_TYPE):
        return _FieldSql(text)
    if kind is Kind.ACCOUNT:
        # IBANs are written in groups of four; an identifier with spaces and an IBAN's shape loses them.
        spaced = f"upper(replace({text}, ' ', ''))"
        iban = f"contains({text}, ' ') AND regexp_full_match({spaced}, '{_IBAN_SHAPE}')"
        value = f"CASE WHEN {iban} THEN {spaced} ELSE {text} END"
        return _FieldSql(value)
    if kind is Kind.TIMESTAMP:
        reason = "not a timestamp" + _formats_hint(options.timestamp_formats)
        return _FieldSql(_timestamp(r, raw_type, options, params), _invalid(name, reason))
    if kind is Kind.DATE:
        reason = "not a date" + _formats_hint(options.date_formats)
        return _FieldSql(_date(r, raw_type, options, params), _invalid(name, reason))
    if kind in _LIMITS:
        return _decimal(kind, r, raw_type, options, params, name)
    if kind is Kind.BIC:
        bic = f"upper(replace({text}, ' ', ''))"
        value = f"CASE WHEN regexp_full_match({bic}, '{_BIC_PATTERN}') THEN {bic} END"
        return _FieldSql(value, _invalid(name, "not a BIC (8 or 11 letters and digits)"))
    if kind is Kind.MCC:
        code = f"lpad({r}::VARCHAR, 4, '0')" if raw_type.startswith(_NUMERIC_TYPES) else r
        value = f"CASE WHEN regexp_full_match({code}, '[0-9]{{4}}') THEN {code} END"
        return _FieldSql(value, _invalid(name, "not a 4-digit merchant category code"))
    raise AssertionError(f"no parser for {kind}")


def _timestamp(r: str, raw_type: str, options: ParseOptions, params: _Params) -> str:
    if raw_type.startswith("TIMESTAMP WITH TIME ZONE"):
        return r
    if raw_type.startswith(("TIMESTAMP", "DATE")):
        return _as_utc(f"{r}::TIMESTAMP", options, params)
    if options.timestamp_formats:
        formats = params.bind(list(options.timestamp_formats))
        if any("%z" in f for f in options.timestamp_formats):
            return f"try_strptime({r}, {formats})::TIMESTAMPTZ"
        return _as_utc(f"try_strptime({r}, {formats})", options, params)
    if options.timezone is None:
        return f"try_cast({r} AS TIMESTAMPTZ)"
    local = _as_utc(f"try_cast({r} AS TIMESTAMP)", options, params)
    has_offset = f"regexp_matches({r}, '(Z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$')"
    return f"CASE WHEN {has_offset} THEN try_cast({r} AS TIMESTAMPTZ) ELSE {local} END"


def _as_utc(naive: str, options: ParseOptions, params: _Params) -> str:
    """Naive times are local to the source's time zone, or UTC when none is configured."""
    if options.timezone is None:
        return f"{naive}::TIMESTAMPTZ"
    return f"timezone({params.bind(options.timezone)}, {naive})"


def _date(r: str, raw_type: str, options: ParseOptions, params: _Params) -> str:
    if raw_type.startswith(("DATE", "TIMESTAMP")):
        return f"{r}::DATE"
    if options.date_formats:
        return f"try_strptime({r}, {params.bind(list(options.date_formats))})::DATE"
    return f"try_cast({r} AS DATE)"


def _decimal(
    kind: Kind, r: str, raw_type: str, options: ParseOptions, params: _Params, name: str
) -> _FieldSql:
    """Exact decimals: never rounded silently, never zero or negative.

    The number is cast once at the target scale (fast, 64-bit); the wider cast
    that detects digits beyond the scale runs only where such digits are written.
    """
    scale, limit = _LIMITS[kind]
    target = f"DECIMAL(18,{scale})"
    if raw_type.startswith(_FLOAT_TYPES):
        number, excess = f"try_cast(round({r}, {scale}) AS {target})", "false"
    elif raw_type.startswith(_NUMERIC_TYPES):
        number = f"try_cast({r} AS {target})"
        excess = f"try_cast({r} AS DECIMAL(38,10)) <> {number}" if _scale_of(raw_type) > scale else "false"
    else:
        # Spaces, no-break spaces and narrow no-break spaces group thousands in many locales.
        text = f"replace(replace(replace({r}, ' ', ''), chr(160), ''), chr(8239), '')"
        if options.thousands:
            text = f"replace({text}, {params.bind(options.thousands)}, '')"
        if options.decimal != ".":
            text = f"replace({text}, {params.bind(options.decimal)}, '.')"
        number = f"try_cast({text} AS {target})"
        point = f"strpos({text}, '.')"
        excess = (
            f"{point} > 0 AND length({text}) - {point} > {scale} "
            f"AND try_cast({text} AS DECIMAL(38,10)) <> {number}"
        )
    value = f"CASE WHEN {number} > 0 AND NOT ({excess}) THEN {number} END"
    raw = f'"__r_{name}"'
    wide = f"try_cast({raw}::VARCHAR AS DOUBLE)" if _is_text(raw_type) else f"{raw}::DOUBLE"
    shown = _shown(f"{raw}::VARCHAR")
    error = (
        f'CASE WHEN "__v_{name}" IS NOT NULL OR {raw} IS NULL THEN NULL '
        f"WHEN \"__n_{name}\" IS NULL AND {wide} >= {limit} THEN 'too large: ' || {shown} "
        f"WHEN \"__n_{name}\" IS NULL THEN 'not a number: ' || {shown} "
        f"WHEN \"__n_{name}\" <= 0 THEN 'must be greater than zero: ' || {shown} "
        f"ELSE 'more than {scale} decimal places: ' || {shown} END"
    )
    return _FieldSql(value, error, helpers=(("n", number),))


def _scale_of(decimal_type: str) -> int:
    """The scale of a DuckDB ``DECIMAL(p,s)`` type name; 0 for integers."""
    if not decimal_type.startswith("DECIMAL("):
        return 0
    return int(decimal_type.rstrip(")").split(",")[1])


def _invalid(name: str, reason: str) -> str:
    shown = _shown(f'"__r_{name}"::VARCHAR')
    return f"""CASE WHEN "__v_{name}" IS NULL AND "__r_{name}" IS NOT NULL THEN '{reason}: ' || {shown} END"""


def _formats_hint(formats: tuple[str, ...]) -> str:
    return f" in the format {' or '.join(formats)}".replace("'", "''") if formats else ""


def _shown(text: str) -> str:
    """A value quoted for a message, cut short so a huge field cannot flood the log."""
    return "'''' || left(" + text + ", 60) || ''''"


def _is_text(duckdb_type: str) -> bool:
    return duckdb_type.startswith("VARCHAR")


def _column_list(scan: SourceScan) -> str:
    return ", ".join(scan.columns) or "(none)"


__all__ = ["InputError", "ValidationPlan", "plan_validation"]
