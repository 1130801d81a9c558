"""goAML reports as an FIU receives them: every ``transaction`` with its two parties.

A report (STR, SAR, CTR, EFT ...) from a reporting entity holds transactions
whose source (``t_from_my_client`` or ``t_from``) and destination (``t_to_my_client``
or ``t_to``) is an account, a person or an entity. Each becomes one payment.
The report's reference is kept as lineage in the transaction id:
``<rentity_id>/<entity_reference>/<transactionnumber>``, and the report code
in ``purpose`` (``[goAML STR]``). A report without transactions (an activity
report) adds nothing. How each field is mapped is described in
``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from screening.formats.iban import check_bic, check_iban, given, looks_like_iban
from screening.formats.records import Txn, purpose
from screening.formats.xmlsafe import flatten, iter_elements, local, release

_SIDES = {
    "payer": (("t_from_my_client", "t_from"), "from"),
    "payee": (("t_to_my_client", "t_to"), "to"),
}
_HEADER = ("rentity_id", "report_code", "entity_reference", "currency_code_local", "submission_date")


def read_goaml(path: Path, notes: list[str]) -> Iterator[Txn]:
    """Every transaction of every report in a goAML file, in file order."""
    reports = 0
    empty = 0
    count = 0
    header: dict[str, str] | None = None
    where = ""
    for elem in iter_elements(path, ("transaction", "report")):
        if local(elem.tag) == "report":
            reports += 1
            empty += 1 if header is None else 0
            header = None
            count = 0
            release(elem)
            continue
        if header is None:
            header = _header(elem.getparent())
            where = _path(elem.getparent(), reports + 1)
        count += 1
        at = f"{where}/transaction[{count}]"
        yield _transaction(flatten(elem), header, at, count)
        release(elem)
    if empty:
        notes.append(f"{empty} of {reports} goAML reports hold no transactions (activity reports)")


def _path(report: etree._Element | None, number: int) -> str:
    """XPath of the report: ``/report[1]``, or ``/reports/report[2]`` under a wrapping root."""
    names = [f"report[{number}]"]
    node = report.getparent() if report is not None else None
    while node is not None:
        names.append(local(node.tag))
        node = node.getparent()
    return "/" + "/".join(reversed(names))


def _header(report: etree._Element | None) -> dict[str, str]:
    """The report's own fields, read once when its first transaction ends."""
    if report is None:
        return {}
    return {local(c.tag): (c.text or "").strip() for c in report if local(c.tag) in _HEADER}


def _transaction(f: dict[str, str], header: dict[str, str], at: str, count: int) -> Txn:
    txn = Txn(at)
    number = f.get("transactionnumber") or f.get("internal_ref_number") or f"#{count}"
    lineage = f"{header.get('rentity_id', '')}/{header.get('entity_reference', '')}"
    txn.set("txn_id", f"{lineage}/{number}")
    txn.set("ts", f.get("date_transaction") or f.get("value_date"))
    txn.set("amount", f.get("amount_local"))
    txn.set("currency", header.get("currency_code_local"))
    foreign: str | None = None
    for side, (blocks, prefix) in _SIDES.items():
        block = next((b for b in blocks if b in f), None)
        if block is None:
            continue
        _party(txn, f, side, block, prefix, at)
        amount = f.get(f"{block}/{prefix}_foreign_currency/foreign_amount")
        code = f.get(f"{block}/{prefix}_foreign_currency/foreign_currency_code")
        foreign = foreign or (f"{amount} {code}" if amount and code else None)
    if "involved_parties" in f:
        txn.problem(
            "(record)", "multi-party transactions (involved_parties) are not mapped", f"{at}/involved_parties"
        )
    funds = f.get("t_from_my_client/from_funds_code") or f.get("t_from/from_funds_code")
    txn.set(
        "purpose",
        purpose(
            [f.get("transaction_description"), f.get("comments")],
            [
                ("goAML", header.get("report_code")),
                ("report", header.get("entity_reference")),
                ("transmode", f.get("transmode_code")),
                ("funds", funds),
                ("foreign", foreign),
                ("location", f.get("transaction_location")),
            ],
        ),
    )
    return txn


def _party(txn: Txn, f: dict[str, str], side: str, block: str, prefix: str, at: str) -> None:
    """An account, a person or an entity: name, type, country, account and bank."""
    base = f"{block}/{prefix}"
    country = f.get(f"{block}/{prefix}_country")
    if country in UNKNOWN_COUNTRY:
        country = None  # the IBAN, BIC or address may still tell
    if f"{base}_account" in f:
        acct = f"{base}_account"
        iban = f.get(f"{acct}/iban")
        account = given(iban) or given(f.get(f"{acct}/account"))
        if account and looks_like_iban(account):
            checked = check_iban(account)
            account = checked.value
            if checked.error:
                txn.problem(f"{side}_account", f"{checked.error}: {account!r}", f"{at}/{acct}")
            country = country or checked.country
        txn.set(f"{side}_account", account)
        holder = (
            f.get(f"{acct}/t_entity/name")
            or f.get(f"{acct}/account_name")
            or _person_name(f, f"{acct}/signatory/t_person")
        )
        txn.set(f"{side}_name", holder)
        if f"{acct}/t_entity" in f:
            txn.set(f"{side}_type", "organisation")
        swift = f.get(f"{acct}/swift")
        if swift:
            checked = check_bic(swift)
            txn.set(f"{side}_bank", checked.value)
            if checked.error:
                txn.problem(f"{side}_bank", f"{checked.error}: {swift!r}", f"{at}/{acct}/swift")
            country = country or checked.country
    elif f"{base}_person" in f:
        person = f"{base}_person"
        txn.set(f"{side}_name", _person_name(f, person))
        txn.set(f"{side}_type", "person")
        txn.set(f"{side}_account", _identity(f, person, ("id_number", "ssn", "passport_number"), "person"))
        country = (
            country
            or f.get(f"{person}/addresses/address/country_code", "").split(" ")[0]
            or f.get(f"{person}/residence")
            or f.get(f"{person}/nationality1")
        )
    elif f"{base}_entity" in f:
        entity = f"{base}_entity"
        txn.set(f"{side}_name", f.get(f"{entity}/name") or f.get(f"{entity}/commercial_name"))
        txn.set(f"{side}_type", "organisation")
        txn.set(f"{side}_account", _identity(f, entity, ("incorporation_number",), "entity"))
        country = (
            country
            or f.get(f"{entity}/incorporation_country_code")
            or f.get(f"{entity}/addresses/address/country_code", "").split(" ")[0]
        )
    txn.set(f"{side}_country", None if country in UNKNOWN_COUNTRY else country)


UNKNOWN_COUNTRY = frozenset({"", "-"})
"""goAML writes ``-`` where a party's country is not known: no country, not a bad code."""


def _person_name(f: dict[str, str], person: str) -> str | None:
    parts = [f.get(f"{person}/{part}") for part in ("first_name", "middle_name", "last_name")]
    name = " ".join(p for p in parts if p)
    return name or None


def _identity(f: dict[str, str], party: str, keys: tuple[str, ...], kind: str) -> str | None:
    """A party without an account is keyed by its identity document, e.g. ``person:AE:784198512345671``.

    Payments need an account on at least one side; an FIU's reports often name
    people and firms only, and their document numbers let the network follow them.
    """
    for key in keys:
        value = given(f.get(f"{party}/{key}"))
        if value:
            country = (
                f.get(f"{party}/passport_country")
                if key == "passport_number"
                else f.get(f"{party}/incorporation_country_code")
                if kind == "entity"
                else f.get(f"{party}/nationality1")
            )
            return f"{kind}:{country or '??'}:{value}"
    return None
