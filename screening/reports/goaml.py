"""A goAML suspicious transaction report (STR) built from a case, checked against the FIU's XSD.

Both parties of every payment go out as ``t_from`` / ``t_to`` (never the
``*_my_client`` forms): those forms demand the reporting entity's full KYC
record of its own client, which payment data does not carry, and the engine
cannot tell which party banks with the reporting entity. A party with an
account is a ``t_account`` (with a ``t_entity`` for organisations), one
without an account a ``t_person`` or ``t_entity``.

The goAML schema allows only ``[a-zA-Z0-9 .'-]`` in names, so names are
transliterated to ASCII and other characters become spaces; the names exactly
as written in the payment are kept in the transaction's ``comments``. Times are
UTC. Nothing is written unless the document validates against the XSD.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from anyascii import anyascii
from lxml import etree

from screening.errors import InputError, ScreeningError
from screening.reports.case import Case
from screening.reports.config import ChannelCodes, ReportConfig

_NAME_OUTSIDE = re.compile(r"[^a-zA-Z0-9 .'-]+")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_COMMENTS_LIMIT = 8000
_SHORTENED = " [shortened; the HTML case report lists every alert in full]"


class SchemaValidationError(ScreeningError):
    """The report does not validate against the goAML schema; nothing was written."""


@dataclass(frozen=True)
class ReportOptions:
    """What varies per report: when it is submitted and, if given, its reference."""

    submission_date: datetime
    reference: str | None = None


def build_report(case: Case, config: ReportConfig, options: ReportOptions) -> etree._ElementTree:
    """The goAML report as an XML tree, in the element order the schema demands."""
    if case.payments.is_empty():
        raise InputError("the alerts have no evidence payments; a goAML STR needs at least one transaction")
    local = _local_currency(case, config)
    report = etree.Element("report")
    settings = config.report
    _add(report, "schema_version", settings.get("schema_version"))
    _add(report, "rentity_id", str(settings["rentity_id"]))
    _add(report, "rentity_branch", settings.get("rentity_branch"))
    _add(report, "submission_code", settings["submission_code"])
    _add(report, "report_code", settings["report_code"])
    _add(report, "entity_reference", options.reference or entity_reference(case, settings))
    _add(report, "submission_date", _when(options.submission_date))
    _add(report, "currency_code_local", local)
    if config.reporting_person is not None:
        _fields(etree.SubElement(report, "reporting_person"), config.reporting_person)
    if config.location is not None:
        _fields(etree.SubElement(report, "location"), config.location)
    _add(report, "reason", narrative(case))
    _add(report, "action", settings.get("action"))
    for payment in case.payments.iter_rows(named=True):
        _transaction(report, payment, config, local)
    indicators = etree.SubElement(report, "report_indicators")
    for code in indicator_codes(case, config):
        _add(indicators, "indicator", code)
    return etree.ElementTree(report)


def entity_reference(case: Case, settings: dict[str, Any]) -> str:
    """The prefix and a digest of the alert ids: the same alerts always give the same reference."""
    digest = hashlib.sha256("\n".join(sorted(a["alert_id"] for a in case.alerts)).encode()).hexdigest()
    return f"{settings['entity_reference_prefix']}{digest[:12].upper()}"


def narrative(case: Case) -> str:
    """The report's reason: every alert's rule, score, subject and explanation."""
    lines = [f"{len(case.alerts)} screening alert(s) on {len(case.subjects)} account(s)."]
    for alert in case.alerts:
        window = " to ".join(f"{alert[k]:%Y-%m-%d}" for k in ("window_start", "window_end") if alert[k])
        lines.append(
            f"{alert['alert_id']}: rule {alert['rule_id']} v{alert['rule_version']} ({alert['typology']}, "
            f"{alert['severity']}), score {alert['score']:.2f}, subject {alert['subject']}"
            + (f", {window}" if window else "")
            + f". {alert['explanation']}"
            + _members(alert["members"])
        )
    return _limit("\n".join(lines), _COMMENTS_LIMIT)


def _members(members: list[dict[str, Any]]) -> str:
    """Network members with their roles; victims are named as such, never as suspects."""
    if not members:
        return ""
    described = (f"{m['account']} ({m['role']}{', likely victim' if m['victim'] else ''})" for m in members)
    return f" Members: {'; '.join(described)}."


def indicator_codes(case: Case, config: ReportConfig) -> list[str]:
    """The FIU's indicator codes for the alerts, each once, in the order first met."""
    codes: dict[str, None] = {}
    for alert in case.alerts:
        codes.update(dict.fromkeys(config.indicators_for(alert["rule_id"], alert["typology"])))
    return list(codes)


def load_schema(path: Path) -> etree.XMLSchema:
    """The FIU's goAML XSD, parsed without network access or entity expansion."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.XMLSchema(etree.parse(str(path), parser))
    except OSError as error:
        raise InputError("cannot read the goAML schema", path=str(path)) from error
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise InputError(f"not a usable XML schema: {error}", path=str(path)) from error


def serialise(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True, standalone=True)


def validation_errors(document: bytes, schema: etree.XMLSchema) -> list[str]:
    """Each problem with the line of the written document and the element it is in."""
    parsed = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(parsed):
        return []
    return [f"line {e.line}: {_short(e.message)}" for e in schema.error_log.filter_from_errors()]


def write_report(tree: etree._ElementTree, schema: etree.XMLSchema, xsd: Path, out: Path) -> None:
    """Validate, then write in one step; a report that fails validation leaves no file."""
    document = serialise(tree)
    errors = validation_errors(document, schema)
    if errors:
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        shown = "\n  ".join(errors[:20]) + more
        raise SchemaValidationError(f"the goAML report does not validate against {xsd}; "
                                    f"nothing was written:\n  {shown}")  # fmt: skip
    write_atomically(out, document)


def write_atomically(out: Path, document: bytes) -> None:
    """Write through a temporary file beside ``out`` so a reader never sees half a report."""
    if not out.parent.is_dir():
        raise InputError(f"folder {out.parent} does not exist", path=str(out))
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(document)
            os.fchmod(stream.fileno(), 0o666 & ~_umask())  # mkstemp's 0600 would hide the report from others
        Path(name).replace(out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def ascii_name(text: str | None, unknown: str) -> str:
    """A name as the goAML name pattern allows it: ASCII letters, digits, space and . ' -

    >>> ascii_name("Zoë Müller-Łukasz <script>", "UNKNOWN")
    'Zoe Muller-Lukasz script'
    """
    folded = " ".join(_NAME_OUTSIDE.sub(" ", anyascii(text or "")).split())[:255].strip()
    return folded or unknown


def _transaction(report: etree._Element, payment: dict[str, Any], config: ReportConfig, local: str) -> None:
    codes = config.channel(payment["channel"])
    transaction = etree.SubElement(report, "transaction")
    _add(transaction, "transactionnumber", payment["txn_id"])
    _add(transaction, "internal_ref_number", payment["source"][:100])
    _add(transaction, "transaction_location", config.report.get("transaction_location", ""), keep_empty=True)
    description = payment["purpose"] or f"{payment['channel'] or 'unspecified channel'} payment"
    _add(transaction, "transaction_description", _limit(description, _COMMENTS_LIMIT))
    _add(transaction, "date_transaction", _when(payment["ts"]))
    _add(transaction, "transmode_code", codes.transmode_code)
    _add(transaction, "transmode_comment", codes.transmode_comment)
    _add(transaction, "amount_local", str(_local_amount(payment, local)))
    for side in ("from", "to"):
        _party(transaction, side, payment, config, codes, local)
    _add(transaction, "comments", _limit(_lineage(payment), _COMMENTS_LIMIT))


def _party(
    transaction: etree._Element,
    side: str,
    payment: dict[str, Any],
    config: ReportConfig,
    codes: ChannelCodes,
    local: str,
) -> None:
    role = "payer" if side == "from" else "payee"
    party = etree.SubElement(transaction, f"t_{side}")
    _add(party, f"{side}_funds_code", codes.from_funds_code if side == "from" else codes.to_funds_code)
    if payment["currency"] != local:
        foreign = etree.SubElement(party, f"{side}_foreign_currency")
        _add(foreign, "foreign_currency_code", payment["currency"])
        _add(foreign, "foreign_amount", str(payment["amount"]))
        rate = (Decimal(payment["amount_base"]) / Decimal(payment["amount"])).quantize(Decimal("1e-8"))
        _add(foreign, "foreign_exchange_rate", str(rate))
    account, name, kind = payment[f"{role}_account"], payment[f"{role}_name"], payment[f"{role}_type"]
    if account:
        holder = etree.SubElement(party, f"{side}_account")
        bank = payment[f"{role}_bank"]
        if bank and _BIC.fullmatch(bank):
            _add(holder, "swift", bank)
        else:
            _add(holder, "institution_code", config.unknown_institution_code)
        _add(holder, "account", account[:255])
        _add(holder, "account_name", ascii_name(name, config.unknown_name))
        if _IBAN.fullmatch(account):
            _add(holder, "iban", account)
        if kind == "organisation":
            _add(etree.SubElement(holder, "t_entity"), "name", ascii_name(name, config.unknown_name))
    elif kind == "person" and name:
        person = etree.SubElement(party, f"{side}_person")
        first, last = _split_name(ascii_name(name, config.unknown_name))
        _add(person, "first_name", first)
        _add(person, "last_name", last)
    else:
        entity = etree.SubElement(party, f"{side}_entity")
        _add(entity, "name", ascii_name(name, config.unknown_name))
    _add(party, f"{side}_country", payment[f"{role}_country"] or "-")


def _split_name(name: str) -> tuple[str, str]:
    """Given names and the last word as surname; a one-word name has '-' (unknown) as given name."""
    *given, last = name.split(" ")
    return (" ".join(given) or "-", last)


def _lineage(payment: dict[str, Any]) -> str:
    parts = [f"Evidence for alert(s) {', '.join(payment['alert_ids'])}; source {payment['source']}."]
    for role in ("payer", "payee"):
        written = payment[f"{role}_name"]
        if written and ascii_name(written, "") != written:
            parts.append(f"{role.capitalize()} name as written: {written}")
    return " ".join(parts)


def _local_currency(case: Case, config: ReportConfig) -> str:
    local = config.report.get("currency_code_local", case.base_currency)
    if local != case.base_currency:
        raise InputError(
            f"is {local}, but the store's amounts are in {case.base_currency}; leave it out or set that",
            path=str(config.path),
            field="report.currency_code_local",
        )
    return str(local)


def _local_amount(payment: dict[str, Any], local: str) -> Decimal:
    if payment["currency"] == local:
        return Decimal(payment["amount"])
    if payment["amount_base"] is None:
        raise InputError(
            f"payment {payment['txn_id']} (source {payment['source']}) in {payment['currency']} has no "
            f"exchange rate into {local}; load the rates (screening load --dataset fx_rates) and report again"
        )
    return Decimal(payment["amount_base"])


def _fields(parent: etree._Element, values: dict[str, str]) -> None:
    for key, value in values.items():
        _add(parent, key, value)


def _add(parent: etree._Element, tag: str, text: str | None, *, keep_empty: bool = False) -> None:
    if text is None or (not text and not keep_empty):
        return
    etree.SubElement(parent, tag).text = _NOT_XML.sub("\ufffd", text)


def _when(moment: datetime) -> str:
    """goAML's dateTime without zone, in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _limit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(_SHORTENED)] + _SHORTENED


def _short(message: str) -> str:
    """libxml2 lists every allowed value of an enumeration; keep the start of the message."""
    return message if len(message) <= 300 else message[:300] + " ..."
