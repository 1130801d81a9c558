"""The reporting entity's goAML settings, read from a TOML file and checked key by key.

Everything an FIU decides (entity ids, code lists, which indicator codes stand
for which of our typologies) lives in this file, not in code: each FIU runs its
own goAML code lists. ``goaml_example.toml`` beside this module documents every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.errors import InputError

EXAMPLE_CONFIG = Path(__file__).with_name("goaml_example.toml")

_REPORT_KEYS = {
    "schema_version": False,
    "rentity_id": True,
    "rentity_branch": False,
    "submission_code": True,
    "report_code": True,
    "entity_reference_prefix": True,
    "currency_code_local": False,
    "transaction_location": False,
    "action": False,
    "xsd": False,
}
_PERSON_KEYS = (
    "gender", "title", "first_name", "middle_name", "last_name", "id_number",
    "nationality1", "residence", "email", "occupation",
)  # fmt: skip
"""The reporting person's fields this engine writes, in the order the goAML schema wants them."""
_PERSON_REQUIRED = ("first_name", "last_name")
_ADDRESS_KEYS = ("address_type", "address", "town", "city", "zip", "country_code", "state")
"""A goAML t_address, in schema order; town and zip may be left out."""
_ADDRESS_OPTIONAL = ("town", "zip")
_CHANNEL_KEYS = ("transmode_code", "transmode_comment", "from_funds_code", "to_funds_code")
_PARTY_KEYS = {"unknown_institution_code": "UNKNOWN", "unknown_name": "UNKNOWN"}


@dataclass(frozen=True)
class ChannelCodes:
    """How payments of one channel are coded in goAML."""

    transmode_code: str
    transmode_comment: str
    from_funds_code: str
    to_funds_code: str


@dataclass(frozen=True)
class ReportConfig:
    """One reporting entity's settings for goAML reports."""

    path: Path
    report: dict[str, Any]
    reporting_person: dict[str, str] | None
    location: dict[str, str] | None
    channels: dict[str, ChannelCodes]
    indicators: dict[str, tuple[str, ...]]
    unknown_institution_code: str
    unknown_name: str

    @property
    def xsd(self) -> Path | None:
        """The goAML schema named in the file, relative to the file's folder."""
        value = self.report.get("xsd")
        return None if value is None else (self.path.parent / value)

    def channel(self, name: str | None) -> ChannelCodes:
        """The codes for a payment channel; ``default`` covers the others."""
        return self.channels.get(name or "default", self.channels["default"])

    def indicators_for(self, rule_id: str, typology: str) -> tuple[str, ...]:
        """The FIU's indicator codes for an alert: by rule id first, then by typology."""
        for key in (rule_id, typology):
            if key in self.indicators:
                return self.indicators[key]
        raise InputError(
            f"no indicator codes for rule {rule_id} or typology {typology!r}; add one of them",
            path=str(self.path),
            field="indicators",
        )


def load_config(path: Path) -> ReportConfig:
    """Read and check a reporting config; every problem names the file and the key."""
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read the reporting config: {error.strerror}", path=where) from error
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"not valid TOML: {error}", path=where) from error
    _known(data, {"report", "reporting_person", "location", "channels", "indicators", "parties"}, where, "")
    report = _table(data, "report", where, required=True)
    _known(report, set(_REPORT_KEYS), where, "report.")
    for key, required in _REPORT_KEYS.items():
        if key == "rentity_id":
            continue
        _text(report, key, where, "report.", required=required)
    rentity = report.get("rentity_id")
    if rentity is None:
        raise InputError("missing; the FIU's id of the reporting entity", path=where,
                         field="report.rentity_id")  # fmt: skip
    if not isinstance(rentity, int) or isinstance(rentity, bool) or rentity < 1:
        raise InputError("must be a whole number from 1", path=where, field="report.rentity_id")
    person = _optional_fields(data, "reporting_person", _PERSON_KEYS, _PERSON_REQUIRED, where)
    location = _optional_fields(
        data, "location", _ADDRESS_KEYS, tuple(k for k in _ADDRESS_KEYS if k not in _ADDRESS_OPTIONAL), where
    )
    parties = _table(data, "parties", where, required=False)
    _known(parties, set(_PARTY_KEYS), where, "parties.")
    for key in _PARTY_KEYS:
        _text(parties, key, where, "parties.", required=False, nonempty=True)
    return ReportConfig(
        path=path,
        report=report,
        reporting_person=person,
        location=location,
        channels=_channels(data, where),
        indicators=_indicators(data, where),
        unknown_institution_code={**_PARTY_KEYS, **parties}["unknown_institution_code"],
        unknown_name={**_PARTY_KEYS, **parties}["unknown_name"],
    )


def _channels(data: dict[str, Any], where: str) -> dict[str, ChannelCodes]:
    channels = _table(data, "channels", where, required=True)
    if "default" not in channels:
        raise InputError(
            "missing; the codes for payments of any other channel", path=where, field="channels.default"
        )
    default = _channel_table(channels, "default", where)
    for key in _CHANNEL_KEYS:
        if key not in default:
            raise InputError("missing", path=where, field=f"channels.default.{key}")
    result: dict[str, ChannelCodes] = {}
    for name in channels:
        codes = {**default, **_channel_table(channels, name, where)}
        result[name] = ChannelCodes(**codes)
    return result


def _channel_table(channels: dict[str, Any], name: str, where: str) -> dict[str, str]:
    table = _table(channels, name, where, required=True, prefix="channels.")
    _known(table, set(_CHANNEL_KEYS), where, f"channels.{name}.")
    for key in _CHANNEL_KEYS:
        _text(table, key, where, f"channels.{name}.", required=False, nonempty=True)
    return dict(table)


def _indicators(data: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    table = _table(data, "indicators", where, required=True)
    if not table:
        raise InputError("empty; map at least one rule id or typology to indicator codes",
                         path=where, field="indicators")  # fmt: skip
    result: dict[str, tuple[str, ...]] = {}
    for key, codes in table.items():
        if (
            not isinstance(codes, list)
            or not codes
            or not all(isinstance(c, str) and c.strip() for c in codes)
        ):
            raise InputError(
                'must be a list of indicator codes, e.g. ["STRUC"]', path=where, field=f"indicators.{key}"
            )
        result[key] = tuple(c.strip() for c in codes)
    return result


def _optional_fields(
    data: dict[str, Any], name: str, keys: tuple[str, ...], required: tuple[str, ...], where: str
) -> dict[str, str] | None:
    if name not in data:
        return None
    table = _table(data, name, where, required=True)
    _known(table, set(keys), where, f"{name}.")
    for key in keys:
        _text(table, key, where, f"{name}.", required=key in required)
    return {key: table[key] for key in keys if key in table}


def _table(
    data: dict[str, Any], name: str, where: str, *, required: bool, prefix: str = ""
) -> dict[str, Any]:
    value = data.get(name)
    if value is None:
        if required:
            raise InputError(f"missing table [{prefix}{name}]", path=where, field=f"{prefix}{name}")
        return {}
    if not isinstance(value, dict):
        raise InputError("must be a table", path=where, field=f"{prefix}{name}")
    return value


def _known(table: dict[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            raise InputError(f"unknown key; expected one of {expected}", path=where, field=f"{prefix}{key}")


def _text(
    table: dict[str, Any], key: str, where: str, prefix: str, *, required: bool, nonempty: bool = False
) -> None:
    if key not in table:
        if required:
            raise InputError("missing", path=where, field=f"{prefix}{key}")
        return
    value = table[key]
    if not isinstance(value, str):
        raise InputError("must be text in quotes", path=where, field=f"{prefix}{key}")
    if (required or nonempty) and not value.strip():
        raise InputError("must not be empty", path=where, field=f"{prefix}{key}")
