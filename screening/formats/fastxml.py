"""The fast reader: pacs.008 files in a regular layout, parsed into Arrow columns by xml2arrow.

Walking a million transfers element by element in Python runs at about
15,000 a second; xml2arrow's streaming parser (Rust, quick-xml) fills the raw
columns of :mod:`screening.formats.pacs008` at about 300,000 a second, in a
background thread and with bounded memory. Its paths are absolute and it keeps
one value per field, so it takes only files it can read completely:

- it is UTF-8, and every message is a pacs.008 ``FIToFICstmrCdtTrf`` at the
  place of the first one (a ``Document`` at the root, or Documents under one
  wrapper element);
- no field it reads occurs twice in a transfer (two ``Ustrd`` lines, say);
- its count of transfers and messages equals the count of their tags in the
  file's bytes, so nothing sat where it did not look.

The encoding, layout, tag counts and closing root are checked before
parsing; a repeated field or a count that does not match shows only while
parsing, so the reader then raises :class:`FastReaderDeclinedError` and the
load that consumed its batches is rolled back and done again by the exact
reader (see ``Store.load``). Any file that fails a check, is not well-formed, or holds
other messages goes to the exact lxml reader, which maps transfers with the
same code, so the result does not depend on which reader ran (except for a
text field holding a child element, which the schema forbids: the fast reader
keeps its text, the exact one drops it). Documents are refused before either
parser sees them when they declare a DTD; quick-xml expands only XML's five
predefined entities and character references.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import polars as pl
import pyarrow as pa
import yaml
from lxml import etree
from xml2arrow import Xml2ArrowError, XmlToArrowParser

from screening.formats import pacs008
from screening.formats.fallback import FastReaderDeclinedError, exact_only
from screening.formats.xmlsafe import local, refuse_declarations

MESSAGE = "FIToFICstmrCdtTrf"
UNIT = "CdtTrfTxInf"
OTHER_MESSAGES = (b"CstmrCdtTrfInitn", b"BkToCstmr", b"pacs.008.001.01", b"pain.001.001.0")
"""Bytes that show another message kind in the file (pain.001, camt, the 2006 versions)."""
HEADER_MARKERS = {"group_count": "NbOfTxs", "group_settlement_method": "SttlmInf/SttlmMtd"}
"""Mandatory header fields read only to tell a header row from a transfer row."""
_CHUNK = 1 << 24
_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_SELF_CLOSING = (re.compile(rb"CdtTrfTxInf\s*/>"), re.compile(rb"FIToFICstmrCdtTrf\s*/>"))
_GROUP_COLUMNS = [*pacs008.GROUP, *HEADER_MARKERS]


def read_fast(path: Path, messages: frozenset[str]) -> Iterator[pa.RecordBatch] | None:
    """The file's transfers as canonical batches, or None when the exact reader must read it.

    ``messages`` are the local names of every message element the ISO 20022
    reader knows. The batches raise :class:`FastReaderDeclinedError` where the file proves
    not to be one this reader takes.
    """
    refuse_declarations(path)
    if exact_only() or not _utf8(path):
        return None
    chain = _first_message(path, messages)
    if chain is None or chain[-1] != MESSAGE or not 1 <= len(chain) - 1 <= 2:
        return None
    tags = _tag_counts(path, chain[0])
    if tags is None or not _ends_with_root(path, chain[0]):
        return None
    levels = [f"<{n}>" for n in range(len(chain) - 2)]
    return _batches(_parser(tuple(chain[:-1])), path, chain[:-1], levels, tags)


def _utf8(path: Path) -> bool:
    """Whether the file is UTF-8 by its XML declaration: quick-xml reads UTF-8, libxml2 any encoding."""
    with path.open("rb") as handle:
        head = handle.read(256)
    declared = _ENCODING.match(head)
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8", b"us-ascii", b"ascii")


def _first_message(path: Path, messages: frozenset[str]) -> list[str] | None:
    """Local names from the root to the first message element (itself included), or None."""
    events = etree.iterparse(
        str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        for _, elem in events:
            if local(elem.tag) in messages:
                chain: list[str] = []
                node: etree._Element | None = elem
                while node is not None:
                    chain.append(local(node.tag))
                    node = node.getparent()
                return chain[::-1]
    except etree.XMLSyntaxError:
        return None
    return None


def _ends_with_root(path: Path, root: str) -> bool:
    """Whether the file ends by closing its root: quick-xml, unlike libxml2, accepts a file cut short."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        end = handle.read().rstrip()
    closing = re.search(rb"</(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\s*>$", end)
    return closing is not None and closing.group(1) == root.encode()


def _tag_counts(path: Path, root: str) -> tuple[int, int] | None:
    """(transfers, messages) as their tags count in the bytes, or None.

    None when another message kind shows, when a transfer or message is an
    empty tag, or when the root's name occurs other than as the one root.
    """
    needles = (UNIT.encode(), MESSAGE.encode(), root.encode(), *OTHER_MESSAGES)
    counts = dict.fromkeys(needles, 0)
    keep = max(len(n) for n in needles) + 64
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            for needle in needles:
                counts[needle] += data.count(needle) - tail.count(needle)
            if any(pattern.search(data) for pattern in _SELF_CLOSING):
                return None
            tail = data[-keep:]
    if any(counts[n] for n in OTHER_MESSAGES) or counts[root.encode()] != 2:
        return None
    units, message_tags = counts[UNIT.encode()], counts[MESSAGE.encode()]
    if units % 2 or message_tags % 2:
        return None
    return units // 2, message_tags // 2


@lru_cache(maxsize=8)
def _parser(ancestors: tuple[str, ...]) -> XmlToArrowParser:
    """An xml2arrow parser for messages under ``ancestors`` (root first): one table of transfers."""
    base = "/" + "/".join(ancestors)
    tables: list[dict[str, object]] = []
    for depth in range(1, len(ancestors)):
        tables.append({"name": f"level{depth}", "xml_path": "/" + "/".join(ancestors[:depth]),
                       "levels": [f"{n}" for n in range(depth)], "fields": []})  # fmt: skip
    unit = f"{base}/{MESSAGE}/{UNIT}"
    group = f"{base}/{MESSAGE}/GrpHdr"
    fields = [_field(name, f"{unit}/{path}") for name, path in pacs008.FIELDS.items()]
    fields += [_field(name, f"{unit}/{inside}/{leaf}") for name, (inside, leaf) in pacs008.REPEATED.items()]
    fields += [_field(name, f"{group}/{path}") for name, path in {**pacs008.GROUP, **HEADER_MARKERS}.items()]
    levels = [*(f"{n}" for n in range(len(ancestors) - 1)), "row"]
    tables.append({"name": "transfers", "xml_path": f"{base}/{MESSAGE}", "levels": levels, "fields": fields})
    config = {"parser_options": {"trim_text": False}, "tables": tables}
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix="screening-xml2arrow-") as handle:
        yaml.safe_dump(config, handle)
        handle.flush()
        return XmlToArrowParser(handle.name)


def _field(name: str, path: str) -> dict[str, object]:
    return {"name": name, "xml_path": path, "data_type": "Utf8", "nullable": True}


class _Messages:
    """Numbers messages in file order and carries each one's header onto its transfers.

    A message's rows are contiguous, so only the message a batch ends in is
    remembered: its key (the level indexes), number, header and transfer count.
    """

    def __init__(self, levels: list[str]) -> None:
        self.levels = levels
        self.key: int | None = None
        self.messages = 0
        self.header: dict[str, object] = {}
        self.count = 0
        self.transfers = 0

    def place(self, batch: pa.RecordBatch) -> pl.DataFrame:
        """The batch's transfers with their message's number, ordinal in it and header values."""
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        key = _key(self.levels)
        frame = frame.with_columns(key=key, header=_is_header())
        first = frame["key"][0]
        starts = (pl.col("key") != pl.col("key").shift(1)).fill_null(first != self.key)
        frame = frame.with_columns(message=starts.cum_sum().cast(pl.Int64) + self.messages)
        headers = frame.filter("header").select("message", *_GROUP_COLUMNS).unique("message", keep="last")
        if self.header and first == self.key:
            carried = pl.DataFrame([{"message": self.messages, **self.header}], schema=headers.schema)
            headers = pl.concat([carried, headers]).unique("message", keep="last")
        transfers = frame.filter(~pl.col("header")).drop(_GROUP_COLUMNS)
        continued = pl.when(pl.col("message") == self.messages).then(self.count).otherwise(0)
        transfers = transfers.with_columns(
            ordinal=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("message") + continued
        ).join(headers, on="message", how="left", maintain_order="left")
        last = frame.row(frame.height - 1, named=True)
        if last["message"] != self.messages:
            self.count, self.header = 0, {}
        ended = transfers.filter(pl.col("message") == last["message"])
        self.count += ended.height
        header = headers.filter(pl.col("message") == last["message"])
        if header.height:
            self.header = {c: header[c][0] for c in _GROUP_COLUMNS}
        self.key, self.messages = last["key"], last["message"]
        self.transfers += transfers.height
        return transfers


def _key(levels: list[str]) -> pl.Expr:
    """A message's key: the indexes of the elements it sits in (at most two levels), as one integer."""
    key = pl.lit(0, pl.Int64)
    for level in levels:
        key = key * (1 << 32) + pl.col(level).cast(pl.Int64)
    return key


def _is_header() -> pl.Expr:
    return pl.any_horizontal(pl.col(c).is_not_null() for c in _GROUP_COLUMNS)


def _batches(
    parser: XmlToArrowParser, path: Path, ancestors: list[str], levels: list[str], tags: tuple[int, int]
) -> Iterator[pa.RecordBatch]:
    """Canonical batches of the transfers, each placed in its message and given its header."""
    seen = pacs008.Seen()
    prefix = "/" + "/".join(ancestors) + f"/{MESSAGE}"
    messages = _Messages(levels)
    stream = parser.parse_single_table(path)
    while True:
        try:
            batch = stream.read_next_batch()
        except StopIteration:
            break
        except (Xml2ArrowError, pa.ArrowException) as error:
            raise FastReaderDeclinedError(path, str(error).splitlines()[0]) from error
        transfers = messages.place(batch)
        if transfers.height:
            yield pacs008.canonical(
                transfers.with_columns(
                    message_path=pl.format(f"{prefix}[{{}}]", "message"),
                    block=pl.lit(1, pl.Int64),
                    payer_path=pl.lit(None, pl.String),
                ),
                seen,
            )
    if (messages.transfers, messages.messages) != tags:
        found = f"{messages.transfers} transfers in {messages.messages} messages"
        raise FastReaderDeclinedError(path, f"found {found} where the file has {tags[0]} in {tags[1]}")
