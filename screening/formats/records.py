"""Transactions read from payment messages, gathered into Arrow batches of canonical text.

Message readers (ISO 20022, SWIFT MT, goAML) only pick values out of a message;
they do not parse amounts, dates, currencies or countries. Each transaction is
handed on as text under the canonical field names, with its place in the file
(``at``: an XPath or an MT field tag) and the problems the reader itself found
(an IBAN that fails its checksum, an MT field that cannot be split). The loader
then runs the same validation SQL over these batches as over a CSV file, so a
currency, country or amount is judged by one set of rules whatever the format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from screening.schema import PAYMENTS

FIELDS = PAYMENTS.field_names
BATCH_ROWS = 8192

PROBLEM_TYPE = pa.list_(pa.struct([("field", pa.string()), ("reason", pa.string())]))
TEXT_SCHEMA = pa.schema(
    [
        *(pa.field(name, pa.string()) for name in FIELDS),
        pa.field("__row", pa.int64()),
        pa.field("__at", pa.string()),
        pa.field("__parse_problems", PROBLEM_TYPE),
    ]
)
"""One transaction: canonical fields as text, its number in the file, where it is, what the reader found."""


@dataclass
class Txn:
    """A transaction as a reader found it: canonical field name -> text, plus reader problems."""

    at: str
    values: dict[str, str | None] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)

    def set(self, name: str, value: str | None) -> None:
        """Set a field when the message gives it; blank text counts as absent."""
        text = value.strip() if value else None
        if text:
            self.values[name] = text

    def problem(self, name: str, reason: str, where: str | None = None) -> None:
        """Record why a field cannot be used, naming the element or field tag it came from."""
        self.problems.append({"field": name, "reason": f"{reason} (at {where or self.at})"})


def batches(txns: Iterable[Txn]) -> Iterator[pa.RecordBatch]:
    """Pack transactions into record batches; the scan numbers them across batches (``__row``)."""
    rows: list[dict[str, object]] = []
    for txn in txns:
        row: dict[str, object] = dict(txn.values)
        row["__row"] = 0
        row["__at"] = txn.at
        row["__parse_problems"] = txn.problems or None
        rows.append(row)
        if len(rows) == BATCH_ROWS:
            yield pa.RecordBatch.from_pylist(rows, schema=TEXT_SCHEMA)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=TEXT_SCHEMA)


def purpose(text: Iterable[str | None], codes: Iterable[tuple[str, str | None]]) -> str | None:
    """Remittance text followed by ``[label value]`` tags for codes, e.g. ``Invoice 12 [purpose MDCS]``.

    >>> purpose(["Invoice 12", None], [("purpose", "MDCS"), ("category", None)])
    'Invoice 12 [purpose MDCS]'
    """
    words = [" ".join(t.split()) for t in text if t and t.strip()]
    tags = [f"[{label} {' '.join(value.split())}]" for label, value in codes if value and value.strip()]
    joined = " ".join(words + tags)
    return joined or None
