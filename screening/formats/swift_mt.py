"""SWIFT MT messages: MT103 customer transfers and MT940/942/950 account statements.

A file holds one or more messages, each either in SWIFT blocks
(``{1:F01...}{2:...}{3:...}{4:`` ... ``-}``) or, as banks export statements, a
bare sequence of fields starting at ``:20:``. The file is read line by line, one
message at a time. Other message types (MT202, MT900 ...) are counted and
skipped, with a note. How each field is mapped is described in
``docs/formats.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from screening.errors import InputError
from screening.formats.iban import check_bic, check_iban, given, looks_like_iban
from screening.formats.records import Txn, purpose

_FIELD = re.compile(r"^:([0-9]{2}[A-Z]?):(.*)$")
_BLOCK = re.compile(r"\{([0-9A-Z]):")
_UETR = re.compile(r"\{121:([0-9A-Fa-f-]{36})\}")
_32A = re.compile(r"^([0-9]{6})([A-Z]{3})([0-9]+,?[0-9]*)$")
_61 = re.compile(
    r"^(?P<value>[0-9]{6})(?P<entry>[0-9]{4}| {4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>[0-9]+(,[0-9]*)?)(?P<type>[A-Z][A-Z0-9 ]{3})(?P<ref>.*?)(?://(?P<bank_ref>.*))?$"
)
_BALANCE = re.compile(r"^[CD][0-9]{6}([A-Z]{3})")
_GVC = re.compile(r"^[0-9]{3}\?")
_SUBFIELD = re.compile(r"\?([0-9]{2})")
_BIC_LINE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_STATEMENTS = {"940", "942", "950"}
_CHUNK = 27


@dataclass
class _Message:
    """One message: its header blocks, its type and its fields as (tag, value, line)."""

    number: int
    line: int
    kind: str | None = None
    sender: str | None = None
    receiver: str | None = None
    uetr: str | None = None
    fields: list[tuple[str, str, int]] = field(default_factory=list)

    def add_line(self, text: str, line: int) -> None:
        match = _FIELD.match(text)
        if match:
            self.fields.append((match.group(1), match.group(2), line))
        elif self.fields:
            tag, value, first = self.fields[-1]
            self.fields[-1] = (tag, f"{value}\n{text}", first)

    def first(self, *tags: str) -> tuple[str, str, int] | None:
        return next((f for f in self.fields if f[0] in tags), None)

    def where(self, tag: str, line: int) -> str:
        return f"message {self.number} :{tag}: (line {line})"


def read_mt(path: Path, notes: list[str]) -> Iterator[Txn]:
    """Every transaction in a file of MT103 or MT940/942/950 messages, in file order."""
    skipped: dict[str, int] = {}
    found = False
    for message in _messages(path):
        kind = message.kind or (
            "940" if message.first("61", "25") else "103" if message.first("32A") else None
        )
        if kind == "103":
            found = True
            yield _mt103(message)
        elif kind in _STATEMENTS:
            found = True
            yield from _statement(message)
        elif kind or message.fields:
            label = f"MT{kind}" if kind else "without a message type"
            skipped[label] = skipped.get(label, 0) + 1
    if skipped:
        listed = ", ".join(f"{count} {label}" for label, count in sorted(skipped.items()))
        notes.append(f"skipped messages of types this loader does not read (MT103, MT940/942/950): {listed}")
    if not found and not skipped:
        raise InputError(
            "no SWIFT MT message found (expected {1:...}{4: blocks or :20: fields)", path=str(path)
        )


def _messages(path: Path) -> Iterator[_Message]:
    """Split the file into messages, line by line; a bare statement starts at each ``:20:``."""
    current: _Message | None = None
    number = 0
    in_block = False
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=str(path)) from error
    with handle:
        for line_number, raw in enumerate(handle, start=1):
            text = _decode(raw).rstrip("\r\n")
            stripped = text.strip()
            if stripped.startswith(("{1:", "{2:")):
                if current is not None:
                    yield current
                number += 1
                current = _Message(number, line_number)
                body = _header(current, stripped)
                in_block = True
                if body:
                    current.add_line(body, line_number)
                continue
            if stripped.startswith("-}") or stripped == "-":
                in_block = False
                continue
            if not stripped:
                continue
            if current is None or (not in_block and stripped.startswith(":20:") and current.fields):
                if current is not None:
                    yield current
                number += 1
                current = _Message(number, line_number)
            current.add_line(text, line_number)
    if current is not None:
        yield current


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header(message: _Message, text: str) -> str:
    """Read blocks 1 to 3 of a header line; return what follows ``{4:`` on it."""
    head, _, body = text.partition("{4:")
    for match in _BLOCK.finditer(head):
        block = head[match.end() : head.find("}", match.end())]
        if match.group(1) == "1" and len(block) >= 15:
            message.sender = _lt_bic(block[3:15])
        elif match.group(1) == "2" and block[:1] == "O" and len(block) >= 26:
            message.kind = block[1:4]
            message.receiver, message.sender = message.sender, _lt_bic(block[14:26])
        elif match.group(1) == "2" and block[:1] == "I" and len(block) >= 16:
            message.kind = block[1:4]
            message.receiver = _lt_bic(block[4:16])
    uetr = _UETR.search(head)
    message.uetr = uetr.group(1).lower() if uetr else None
    return body.strip()


def _lt_bic(terminal: str) -> str:
    """A logical terminal address (BIC8, terminal letter, branch) as a BIC; a head office as BIC8."""
    branch = terminal[9:12]
    return terminal[:8] if branch == "XXX" else terminal[:8] + branch


def _mt103(m: _Message) -> Txn:
    txn = Txn(f"message {m.number} (line {m.line})")
    reference = m.first("20")
    txn.set("txn_id", m.uetr or (f"{m.sender or 'MT103'}:{reference[1].strip()}" if reference else None))
    amount = m.first("32A")
    if amount is not None:
        tag, value, line = amount
        parts = _32A.match(value.strip())
        if parts is None:
            txn.problem("amount", f"not a date, currency and amount: {value.strip()!r}", m.where(tag, line))
        else:
            txn.set("ts", _date(parts.group(1)))
            txn.set("currency", parts.group(2))
            txn.set("amount", parts.group(3).replace(",", ".").rstrip("."))
    _customer(txn, m, "payer", ("50A", "50F", "50K"), ("52A",), m.sender)
    _customer(txn, m, "payee", ("59", "59A", "59F"), ("57A",), m.receiver)
    txn.set("channel", "wire")
    remittance = m.first("70")
    charges = m.first("71A")
    regulatory = m.first("77B")
    via = m.first("56A")
    via_bic = (
        [part.strip() for part in via[1].split("\n") if part.strip() and not part.startswith("/")]
        if via
        else []
    )
    txn.set(
        "purpose",
        purpose(
            [remittance[1] if remittance else None],
            [
                ("via", check_bic(via_bic[0]).value if via_bic else None),
                ("charges", charges[1] if charges else None),
                ("regulatory", regulatory[1] if regulatory else None),
            ],
        ),
    )
    return txn


def _customer(
    txn: Txn, m: _Message, side: str, tags: tuple[str, ...], agents: tuple[str, ...], default_bank: str | None
) -> None:
    """Ordering customer (50a) or beneficiary (59a): account, name, country; bank from 52a/57a or header."""
    found = m.first(*tags)
    country = None
    if found is not None:
        tag, value, line = found
        lines = [part.strip() for part in value.split("\n") if part.strip()]
        if lines and lines[0].startswith("/"):
            _account(txn, side, lines.pop(0)[1:], m.where(tag, line))
        if tag.endswith("A"):
            bic = lines[0] if lines else ""
            country = _bank(txn, f"{side}_party", bic, m.where(tag, line))
            txn.set(f"{side}_type", "organisation")
        elif tag.endswith("F"):
            numbered = [(part[:1], part[2:]) for part in lines if part[1:2] == "/"]
            txn.set(f"{side}_name", " ".join(text for number, text in numbered if number == "1"))
            country = next(
                (text[:2] for number, text in numbered if number == "3" and text[2:3] == "/"), None
            )
            if any(number == "4" for number, _ in numbered):
                txn.set(f"{side}_type", "person")
        elif lines:
            txn.set(f"{side}_name", lines[0])
    bank = m.first(*agents)
    bank_country = None
    if bank is not None:
        tag, value, line = bank
        lines = [part.strip() for part in value.split("\n") if part.strip() and not part.startswith("/")]
        bank_country = _bank(txn, side, lines[0] if lines else "", m.where(tag, line))
    elif default_bank:
        bank_country = _bank(txn, side, default_bank, f"message {m.number} header")
    account_country = check_iban(txn.values[f"{side}_account"]).country if _has_iban(txn, side) else None
    txn.set(f"{side}_country", country or account_country or bank_country)


def _has_iban(txn: Txn, side: str) -> bool:
    account = txn.values.get(f"{side}_account")
    return account is not None and looks_like_iban(account)


def _account(txn: Txn, side: str, written: str, where: str) -> None:
    account = given(written)
    if account is None:
        return
    if looks_like_iban(account):
        checked = check_iban(account)
        txn.set(f"{side}_account", checked.value)
        if checked.error:
            txn.problem(f"{side}_account", f"{checked.error}: {account!r}", where)
    else:
        txn.set(f"{side}_account", account)


def _bank(txn: Txn, side: str, bic: str, where: str) -> str | None:
    """Set a side's bank from a BIC line; a party's own BIC (50A, 59A) only gives a country."""
    checked = check_bic(bic)
    target = side.removesuffix("_party")
    if checked.error or not _BIC_LINE.match(bic.strip().upper()):
        txn.problem(f"{target}_bank", f"{checked.error or 'not a BIC'}: {bic!r}", where)
        return None
    if not side.endswith("_party"):
        txn.set(f"{side}_bank", checked.value)
    return checked.country


def _statement(m: _Message) -> Iterator[Txn]:
    """One transaction per ``:61:`` statement line, the statement's account on its side of it."""
    account_field = m.first("25")
    account = "".join(account_field[1].split()) if account_field else ""
    account_line = account_field[2] if account_field else m.line
    reference = m.first("20")
    number = m.first("28C", "28")
    statement = "/".join(part[1].strip() for part in (reference, number) if part)
    balance = m.first("60F", "60M", "34F")
    currency = None
    if balance is not None:
        match = _BALANCE.match(balance[1].strip()) or re.match(r"^([A-Z]{3})", balance[1].strip())
        currency = match.group(1) if match else None
    lines = [(i, f) for i, f in enumerate(m.fields) if f[0] == "61"]
    for ordinal, (index, (_, value, line)) in enumerate(lines, start=1):
        following = m.fields[index + 1] if index + 1 < len(m.fields) else None
        info = following[1] if following and following[0] == "86" else None
        yield _statement_line(m, (account, account_line), statement, currency, ordinal, value, line, info)


def _statement_line(
    m: _Message,
    own_account: tuple[str, int],
    statement: str,
    currency: str | None,
    ordinal: int,
    value: str,
    line: int,
    info: str | None,
) -> Txn:
    where = m.where("61", line)
    account, account_line = own_account
    txn = Txn(where)
    txn.set("txn_id", f"{account}:{statement}/{ordinal}")
    txn.set("currency", currency)
    first, _, details = value.partition("\n")
    parts = _61.match(first.strip()) or _61.match(value.replace("\n", "").strip())
    if parts is None:
        txn.problem("amount", f"statement line not understood: {value.strip()[:60]!r}", where)
        own = "payer"
    else:
        txn.set("amount", parts.group("amount").replace(",", ".").rstrip("."))
        txn.set("ts", _booking_date(parts.group("value"), parts.group("entry")))
        credit = parts.group("mark") in ("C", "RD")
        own = "payee" if credit else "payer"
    other = "payer" if own == "payee" else "payee"
    if looks_like_iban(account):
        _account(txn, own, account, m.where("25", account_line))
        txn.set(f"{own}_country", check_iban(txn.values[f"{own}_account"]).country)
    else:
        txn.set(f"{own}_account", account)
    if m.sender:
        _bank(txn, own, m.sender, f"message {m.number} header")
    text = info
    codes: list[tuple[str, str | None]] = []
    if parts is not None:
        codes = [("type", parts.group("type").strip()), ("ref", _given(parts.group("ref")))]
        if parts.group("mark").startswith("R"):
            codes.append(("reversal", "yes"))
    if info and _GVC.match(info.replace("\n", "")):
        text = _structured_info(txn, other, info.replace("\n", ""), m.where("86", line))
    txn.set("purpose", purpose([text, details], codes))
    return txn


def _structured_info(txn: Txn, side: str, info: str, where: str) -> str:
    """German structured ``:86:`` (``GVC?20...``): purpose ?20-?29 and ?60-?63, counterparty ?30-?33."""
    parts: dict[str, str] = {}
    pieces = _SUBFIELD.split(info)
    for key, text in zip(pieces[1::2], pieces[2::2], strict=False):
        parts[key] = parts.get(key, "") + text
    name = "".join(parts.get(k, "") for k in ("32", "33")).strip()
    txn.set(f"{side}_name", name)
    if parts.get("31"):
        _account(txn, side, parts["31"].strip(), where)
    bank = parts.get("30", "").strip()
    bank_country = _bank(txn, side, bank, where) if _BIC_LINE.match(bank) else None
    iban_country = check_iban(txn.values[f"{side}_account"]).country if _has_iban(txn, side) else None
    txn.set(f"{side}_country", iban_country or bank_country)
    keys = [f"{k:02d}" for k in (*range(20, 30), *range(60, 64))]
    return _joined([parts[k] for k in keys if k in parts]) or parts.get("00", "").strip()


def _joined(chunks: list[str]) -> str:
    """Join ``:86:`` subfields: a full 27-character chunk was cut mid-text, a shorter one ended a phrase.

    >>> _joined(["EREF+KIDNEY-PKG-4", "Package 4 deposit"])
    'EREF+KIDNEY-PKG-4 Package 4 deposit'
    >>> _joined(["Behandlungskosten Transplan", "tation"])
    'Behandlungskosten Transplantation'
    """
    text = previous = ""
    for chunk in chunks:
        text += chunk if not text or len(previous) >= _CHUNK else " " + chunk.lstrip()
        previous = chunk
    return text.strip()


def _given(ref: str | None) -> str | None:
    return ref if ref and ref.strip().upper() not in ("", "NONREF") else None


def _date(yymmdd: str) -> str:
    """``YYMMDD`` as ``20YY-MM-DD`` (SWIFT's years are this century); an impossible day fails later."""
    return f"20{yymmdd[:2]}-{yymmdd[2:4]}-{yymmdd[4:6]}"


def _booking_date(value: str, entry: str | None) -> str:
    """The booking (entry) date when given, in the value date's year or the one next to it."""
    if not entry or not entry.strip():
        return _date(value)
    year = 2000 + int(value[:2])
    value_month, entry_month = int(value[2:4]), int(entry[:2])
    if entry_month - value_month > 6:
        year -= 1
    elif value_month - entry_month > 6:
        year += 1
    return f"{year}-{entry[:2]}-{entry[2:]}"
