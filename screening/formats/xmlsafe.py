"""Safe, streaming reading of payment messages in XML, fast enough for millions of transactions.

Payment files come from outside the unit. A file that declares a document type
(where entities, the billion-laughs bomb and external references live) is
refused before the parser sees it; the parser itself never loads DTDs, never
resolves entities and never touches the network. lxml's iterparse hands Python
only the elements asked for (a transaction, an entry, a report), so the cost per
transaction is one event, not one per element; each is cleared once read and
memory stays flat however large the file. (The sanctions readers use the
defusedxml loop in ``screening.sanctions.xmlstream``: list files are small and
their records few, so they do not need this.)
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from screening.errors import InputError

_CHUNK = 1 << 16
_ROOT_START = re.compile(r"<[A-Za-z_]")
_DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def refuse_declarations(path: Path) -> None:
    """Refuse a file whose prolog declares a document type or entities (XXE, entity bombs)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "latin-1")
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        prolog = decoder.decode(head)
        while True:
            root = _ROOT_START.search(prolog)
            before = prolog[: root.start()] if root else prolog
            if _DECLARATION.search(before):
                raise InputError(
                    "refused: the file declares a document type or entities (DTD), which payment "
                    "messages never need; it may try to read local files (XXE) or expand without end",
                    path=str(path),
                )
            chunk = handle.read(_CHUNK)
            if root or not chunk:
                return
            prolog = before[-16:] + decoder.decode(chunk)


def iter_elements(path: Path, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """The elements named ``tags`` (local names, any namespace), each when it ends, in file order.

    The caller reads each element and then calls :func:`release` on it.
    """
    refuse_declarations(path)
    try:
        events = etree.iterparse(
            str(path),
            events=("end",),
            tag=[f"{{*}}{t}" for t in tags] + list(tags),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for _, elem in events:
            yield elem
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise InputError(f"not well-formed XML: {error.msg}", path=str(path), row=line) from error
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=str(path)) from error


def release(elem: etree._Element) -> None:
    """Free an element once read, with any siblings read before it."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def local(tag: object) -> str:
    """``{namespace}name`` -> ``name``; comments and other nodes give ''."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def flatten(elem: etree._Element, prefix: str = "", into: dict[str, str] | None = None) -> dict[str, str]:
    """Every element below ``elem`` by its path of local names: text for leaves, '' for containers.

    Repeated leaves (``Ustrd``, ``AdrLine``) are joined with a space; the
    ``Ccy`` attribute of an amount (an element named ``...Amt``) is kept under
    ``path@Ccy``. This runs for every transaction, so it is written for speed.

    >>> doc = etree.fromstring('<T xmlns="urn:x"><Amt Ccy="EUR">5</Amt><R><U>a</U><U>b</U></R></T>')
    >>> flatten(doc)
    {'Amt': '5', 'Amt@Ccy': 'EUR', 'R': '', 'R/U': 'a b'}
    """
    out: dict[str, str] = {} if into is None else into
    names = _LOCAL
    for child in elem:
        tag = child.tag
        name = prefix + (names.get(tag) or _local_name(tag))
        if len(child):
            out[name] = ""
            flatten(child, name + "/", out)
            continue
        value = child.text
        value = value.strip() if value else ""
        known = out.get(name)
        out[name] = f"{known} {value}" if known and value else known or value
        if name.endswith("Amt"):
            ccy = child.get("Ccy")
            if ccy is not None:
                out[name + "@Ccy"] = ccy
    return out


_LOCAL: dict[object, str] = {}
_LOCAL_CACHE = 4096


def _local_name(tag: object) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        name = local(tag)
        if len(_LOCAL) < _LOCAL_CACHE:
            _LOCAL[tag] = name
    return name
