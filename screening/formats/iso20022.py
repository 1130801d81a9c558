"""ISO 20022 payment messages: pacs.008, pain.001 and the camt.052/053/054 account reports.

Elements are matched by local name, so every schema version (and a message
wrapped in a business-application envelope, or several messages under one
root) reads the same. One transaction is one ``CdtTrfTxInf`` (pacs.008,
pain.001) or one camt entry; an entry whose details list several transactions
(a batch booking) gives one transaction per ``TxDtls``. How each field is
mapped is described in ``docs/formats.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby, islice
from pathlib import Path
from typing import cast

import pyarrow as pa
from lxml import etree

from screening.errors import InputError
from screening.formats import pacs008
from screening.formats.fastxml import read_fast
from screening.formats.iban import check_bic, check_iban, given
from screening.formats.records import BATCH_ROWS, Txn, batches, purpose
from screening.formats.xmlsafe import flatten, iter_elements, local, release

MESSAGES = {
    "FIToFICstmrCdtTrf": "pacs.008",
    "CstmrCdtTrfInitn": "pain.001",
    "BkToCstmrAcctRpt": "camt.052",
    "BkToCstmrStmt": "camt.053",
    "BkToCstmrDbtCdtNtfctn": "camt.054",
    "pacs.008.001.01": "pacs.008",
    "pain.001.001.01": "pain.001",
    "pain.001.001.02": "pain.001",
    "BkToCstmrAcctRptV01": "camt.052",
    "BkToCstmrStmtV01": "camt.053",
    "BkToCstmrDbtCdtNtfctnV01": "camt.054",
}
"""Message elements read, by local name, and the message each stands for."""

_UNITS = ("CdtTrfTxInf", "Ntry")
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2})")


@dataclass
class _Scope:
    """What the transactions under one parent element share, read once from the parent's header."""

    parent: etree._Element
    path: str
    header: dict[str, str]
    group: dict[str, str]
    serial: int
    block: int = 1
    count: int = 0
    seen: set[str] = field(default_factory=set)


class _Reader:
    """Walks one file's transactions, keeping the header of the message and block they belong to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.scope: _Scope | None = None
        self.messages_done = 0
        self.scopes = 0

    def transactions(self) -> Iterator[Txn | dict[str, object]]:
        """Each transaction in file order: pacs.008 transfers as raw rows, the others mapped."""
        for elem in iter_elements(self.path, (*_UNITS, *MESSAGES)):
            name = local(elem.tag)
            if name in MESSAGES:
                self.messages_done += 1
                self.scope = None
                release(elem)
                continue
            scope = self._scope_of(elem)
            scope.count += 1
            at = f"{scope.path}/{name}[{scope.count}]"
            if name == "Ntry":
                yield from _camt_entry(elem, scope, at)
            elif local(scope.parent.tag) == "PmtInf":
                yield _raw_pain001(flatten(elem), scope)
            else:
                yield _raw_transfer(flatten(elem), scope)
            release(elem)
        if not self.messages_done:
            known = ", ".join(sorted(set(MESSAGES.values())))
            found = _message_names(self.path)
            shown = f" (it holds {found})" if found else ""
            raise InputError(
                f"no ISO 20022 message this loader reads{shown}; it reads {known}", path=str(self.path)
            )

    def _scope_of(self, elem: etree._Element) -> _Scope:
        parent = elem.getparent()
        if parent is None:
            raise InputError(f"<{local(elem.tag)}> outside any message", path=str(self.path))
        if self.scope is not None and self.scope.parent is parent:
            return self.scope
        header: dict[str, str] = {}
        for child in parent:
            key = local(child.tag)
            if key in _UNITS:
                continue
            if len(child):
                header[key] = ""
                flatten(child, key + "/", header)
            elif key not in header:
                header[key] = (child.text or "").strip()
        message = parent if local(parent.tag) in MESSAGES else parent.getparent()
        group: dict[str, str] = {}
        if message is not None:
            head = next((c for c in message if local(c.tag) == "GrpHdr"), None)
            if head is not None:
                group = flatten(head)
        blocks = 1 if self.scope is None or message is parent else self.scope.block + 1
        self.scopes += 1
        path = self._path(parent, message, blocks)
        self.scope = _Scope(parent, path, header, group, serial=self.scopes, block=blocks)
        return self.scope

    def _path(self, parent: etree._Element, message: etree._Element | None, block: int) -> str:
        """XPath of ``parent``: the message by its number in the file, a payment block or statement by its."""
        names: list[str] = []
        node: etree._Element | None = parent
        while node is not None:
            name = local(node.tag)
            if node is message:
                name = f"{name}[{self.messages_done + 1}]"
            elif node is parent:
                name = f"{name}[{block}]"
            names.append(name)
            node = node.getparent()
        return "/" + "/".join(reversed(names))


def _message_names(path: Path) -> str:
    """The message names the file's namespaces declare, e.g. ``pain.002.001.11``."""
    with path.open("rb") as handle:
        head = handle.read(1 << 14).decode("utf-8", errors="replace")
    return ", ".join(sorted(set(_NAMESPACE.findall(head))))


def read_iso20022(path: Path, notes: list[str]) -> Iterator[pa.RecordBatch]:
    """Every transaction in an ISO 20022 file, in file order, as canonical text batches.

    A file of pacs.008 messages in a regular layout goes through the fast
    reader; any other file, or one the fast reader declines, through the
    exact walk below, whose pacs.008 transfers are mapped the same way.
    """
    fast = read_fast(path, frozenset(MESSAGES))  # decided here, in the caller's thread and context
    return fast if fast is not None else read_exactly(path)


def read_exactly(path: Path) -> Iterator[pa.RecordBatch]:
    """Every transaction in file order, read by walking each one's elements with lxml.

    pacs.008 transfers are gathered raw and mapped a batch at a time by
    :mod:`screening.formats.pacs008`; the other messages' transactions come mapped.
    """
    seen = pacs008.Seen()
    by_kind = groupby(_Reader(path).transactions(), key=lambda item: isinstance(item, Txn))
    for mapped, run in by_kind:
        while chunk := list(islice(run, BATCH_ROWS)):
            if mapped:
                yield from batches(cast(list[Txn], chunk))
            else:
                yield pacs008.canonical(pacs008.raw_frame(cast(list[dict[str, object]], chunk)), seen)


_TRANSFER_PATHS = [
    *((name, path.replace("/@", "@")) for name, path in pacs008.FIELDS.items()),
    *((name, f"{container}/{leaf}") for name, (container, leaf) in pacs008.REPEATED.items()),
]
"""Raw column and flattened key (``flatten`` writes an attribute as ``element@name``) of each value."""
_DEBTOR_PATHS = [(n, p) for n, p in pacs008.FIELDS.items() if p.split("/")[0] in pacs008.PARTIES["payer"]]
"""The payer's elements, which pain.001 gives in the payment block, not in the transfer."""


def _raw_transfer(f: dict[str, str], scope: _Scope) -> dict[str, object]:
    """A pacs.008 transfer's raw values, as :mod:`screening.formats.pacs008` maps them."""
    row: dict[str, object] = {name: f.get(path) for name, path in _TRANSFER_PATHS}
    row |= {name: scope.group.get(path) for name, path in pacs008.GROUP.items()}
    row |= {"message": scope.serial, "block": scope.block, "ordinal": scope.count, "message_path": scope.path}
    return row


def _raw_pain001(f: dict[str, str], scope: _Scope) -> dict[str, object]:
    """A pain.001 transfer's raw values in pacs.008's columns, with what its payment block gives.

    The block holds the debtor, its account and agent, the execution date and, unless the
    transfer says otherwise, the category, charge bearer and ultimate debtor. References are
    unique within the block, so its id (message id and block id) prefixes the transfer's.
    """
    head = scope.header
    row = _raw_transfer(f, scope)
    row |= {name: head.get(path) for name, path in _DEBTOR_PATHS}
    amount = next((path for path in ("Amt/InstdAmt", "Amt/EqvtAmt/Amt") if f.get(path)), None)
    executed = head.get("ReqdExctnDt") or head.get("ReqdExctnDt/Dt") or head.get("ReqdExctnDt/DtTm")
    row |= {
        "instructed_amount": f.get(amount) if amount else None,
        "instructed_currency": f.get(f"{amount}@Ccy") if amount else None,
        "settlement_date": executed,
        "category": f.get("PmtTpInf/CtgyPurp/Cd") or head.get("PmtTpInf/CtgyPurp/Cd"),
        "charges": f.get("ChrgBr") or head.get("ChrgBr"),
        "ultimate_payer": f.get("UltmtDbtr/Nm") or head.get("UltmtDbtr/Nm"),
        "msg_id": f"{scope.group.get('MsgId') or 'pain.001'}/{head.get('PmtInfId', '')}",
        "created": None,
        "group_settlement_date": None,
        "group_category": None,
        "payer_path": scope.path,
    }
    return row


def _camt_entry(elem: etree._Element, scope: _Scope, at: str) -> Iterator[Txn]:
    """One transaction per ``TxDtls`` of the entry, or one for the entry when it has none or one."""
    entry: dict[str, str] = {}
    details: list[dict[str, str]] = []
    for child in elem:
        key = local(child.tag)
        if key == "NtryDtls":
            details.extend(flatten(d) for d in child if local(d.tag) == "TxDtls")
        elif len(child):
            entry[key] = ""
            flatten(child, key + "/", entry)
        else:
            entry[key] = (child.text or "").strip()
            if child.get("Ccy") is not None:
                entry[key + "@Ccy"] = child.get("Ccy", "")
    if len(details) <= 1:
        yield _camt(entry, details[0] if details else {}, scope, at, None)
        return
    for number, detail in enumerate(details, start=1):
        yield _camt(entry, detail, scope, f"{at}/NtryDtls/TxDtls[{number}]", number)


def _camt(entry: dict[str, str], d: dict[str, str], scope: _Scope, at: str, number: int | None) -> Txn:
    """A camt entry (or one transaction of a batch entry) from the statement account's side."""
    txn = Txn(at)
    head = scope.header
    account = head.get("Acct/Id/IBAN") or head.get("Acct/Id/Othr/Id") or head.get("Id") or "camt"
    txn.set("txn_id", _camt_id(entry, d, account, scope, number))
    if d.get("AmtDtls/TxAmt/Amt") or d.get("Amt"):
        _amount(txn, d, ("AmtDtls/TxAmt/Amt", "Amt"))
    else:
        _amount(txn, entry, ("Amt",))
    txn.set(
        "ts",
        entry.get("BookgDt/DtTm")
        or entry.get("BookgDt/Dt")
        or entry.get("ValDt/DtTm")
        or entry.get("ValDt/Dt")
        or head.get("CreDtTm"),
    )
    indicator = d.get("CdtDbtInd") or entry.get("CdtDbtInd")
    own, other = ("payee", "payer") if indicator == "CRDT" else ("payer", "payee")
    if indicator not in ("CRDT", "DBIT"):
        shown = indicator or "(none)"
        txn.problem(
            "amount", f"credit/debit indicator must be CRDT or DBIT, not {shown!r}", f"{at}/CdtDbtInd"
        )
    _party(txn, head, own, ("Acct/Ownr",), "Acct", "Acct/Svcr", scope.path)
    side = "Dbtr" if other == "payer" else "Cdtr"
    _party(
        txn,
        d,
        other,
        (f"RltdPties/{side}", f"RltdPties/{side}/Pty"),
        f"RltdPties/{side}Acct",
        f"RltdAgts/{side}Agt",
        at,
    )
    codes = [
        ("status", _status(entry)),
        ("reversal", "yes" if entry.get("RvslInd", "").lower() == "true" else None),
        ("bank code", _bank_code(entry)),
    ]
    txn.set("purpose", _remittance(d, None, extra=codes, info=entry.get("AddtlNtryInf")))
    return txn


def _camt_id(
    entry: dict[str, str], d: dict[str, str], account: str, scope: _Scope, number: int | None
) -> str:
    """The account servicer's reference within the statement's account, the same in camt.052, 053 and 054.

    A batch entry's transactions without their own reference take the entry's
    with their number (``REF/2``); without any reference, the entry's ordinal.
    """
    suffix = "" if number is None else f"/{number}"
    entry_ref = entry.get("AcctSvcrRef") or entry.get("NtryRef")
    ref = (
        d.get("Refs/AcctSvcrRef")
        or (entry_ref + suffix if entry_ref else None)
        or _given(d.get("Refs/TxId"))
        or _given(d.get("Refs/EndToEndId"))
    )
    ordinal = f"{scope.block}.{scope.count}{suffix}"
    base = f"{account}:{ref}" if ref else f"{account}:#{ordinal}"
    if ref and base in scope.seen:
        base = f"{base}#{ordinal}"
    scope.seen.add(base)
    return base


def _given(ref: str | None) -> str | None:
    return ref if ref and ref.upper() not in pacs008.NOT_PROVIDED else None


def _bic_text(bic: str | None) -> str | None:
    """A BIC as stored (a head office as BIC8), for a ``purpose`` tag."""
    return check_bic(bic).value if bic else None


def _status(entry: dict[str, str]) -> str | None:
    status = entry.get("Sts") or entry.get("Sts/Cd")
    return status if status and status != "BOOK" else None


def _bank_code(entry: dict[str, str]) -> str | None:
    domain = entry.get("BkTxCd/Domn/Cd")
    if not domain:
        return entry.get("BkTxCd/Prtry/Cd")
    return "/".join(
        c for c in (domain, entry.get("BkTxCd/Domn/Fmly/Cd"), entry.get("BkTxCd/Domn/Fmly/SubFmlyCd")) if c
    )


def _amount(txn: Txn, f: dict[str, str], paths: tuple[str, ...]) -> None:
    for path in paths:
        if f.get(path):
            txn.set("amount", f[path])
            txn.set("currency", f.get(path + "@Ccy"))
            return


def _party(
    txn: Txn,
    f: dict[str, str],
    side: str,
    parties: tuple[str, ...],
    account: str,
    agent: str,
    at: str,
) -> None:
    """Name, type, country, account and bank of one side; the country falls back to IBAN, then BIC."""
    country = None
    for p in parties:
        txn.set(f"{side}_name", f.get(f"{p}/Nm"))
        country = country or f.get(f"{p}/PstlAdr/Ctry") or f.get(f"{p}/CtryOfRes")
        if any(f.get(f"{p}/Id/OrgId/{leaf}") for leaf in pacs008.ORGANISATION_IDS):
            txn.set(f"{side}_type", "organisation")
        elif any(f.get(f"{p}/Id/PrvtId/{leaf}") for leaf in pacs008.PERSON_IDS):
            txn.set(f"{side}_type", "person")
    iban = f.get(f"{account}/Id/IBAN")
    if iban:
        checked = check_iban(iban)
        txn.set(f"{side}_account", checked.value)
        if checked.error:
            txn.problem(f"{side}_account", f"{checked.error}: {iban!r}", f"{at}/{account}/Id/IBAN")
        country = country or checked.country
    else:
        txn.set(f"{side}_account", given(f.get(f"{account}/Id/Othr/Id")))
    bic = f.get(f"{agent}/FinInstnId/BICFI") or f.get(f"{agent}/FinInstnId/BIC")
    if bic:
        checked = check_bic(bic)
        txn.set(f"{side}_bank", checked.value)
        if checked.error:
            txn.problem(f"{side}_bank", f"{checked.error}: {bic!r}", f"{at}/{agent}/FinInstnId")
        country = country or checked.country
    txn.set(f"{side}_country", country)


def _remittance(
    f: dict[str, str],
    category: str | None,
    *,
    extra: list[tuple[str, str | None]] | None = None,
    info: str | None = None,
    ultimate_payer: str | None = None,
) -> str | None:
    """Unstructured remittance text, then structured references and codes as ``[label value]`` tags."""
    return purpose(
        [f.get("RmtInf/Ustrd"), info, f.get("AddtlTxInf")],
        [
            ("ref", f.get("RmtInf/Strd/CdtrRefInf/Ref")),
            ("doc", f.get("RmtInf/Strd/RfrdDocInf/Nb")),
            ("purpose", f.get("Purp/Cd") or f.get("Purp/Prtry")),
            ("category", category),
            ("ultimate payer", f.get("UltmtDbtr/Nm") or ultimate_payer),
            ("ultimate payee", f.get("UltmtCdtr/Nm")),
            ("via", _bic_text(f.get("IntrmyAgt1/FinInstnId/BICFI") or f.get("IntrmyAgt1/FinInstnId/BIC"))),
            *(extra or []),
        ],
    )
