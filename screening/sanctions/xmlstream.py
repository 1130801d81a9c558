"""Safe, streaming reading of list files in XML: one place for what every XML reader needs.

List files come from outside the unit, so they are parsed with defusedxml: a file
declaring entities (billion laughs) or external references is refused, not
expanded. Records are yielded one by one and dropped once read, so memory stays
flat however long a list grows. Tags are given by their local names, so readers
need no namespaces.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

from screening.errors import InputError


def records(path: Path, *, root: str, record_tags: frozenset[str], name: str, kind: str) -> Iterator[Element]:
    """The record elements of a list file, in file order.

    ``name`` says which list in a read error ("the UN list"); ``kind`` what the
    root should make it ("a UN consolidated list"). Each element is usable until
    the next one is asked for.
    """
    try:
        with path.open("rb") as stream:
            parents: list[Element] = []
            for event, elem in iterparse(stream, events=("start", "end")):
                if event == "start":
                    if not parents and local(elem.tag) != root:
                        raise InputError(
                            f"not {kind}: root element is <{local(elem.tag)}>, expected <{root}>",
                            path=str(path),
                        )
                    parents.append(elem)
                    continue
                parents.pop()
                elem.tag = local(elem.tag)
                if elem.tag in record_tags and parents:
                    yield elem
                    parents[-1].remove(elem)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}", path=str(path)) from exc
    except ParseError as exc:
        raise InputError(f"not well-formed XML: {exc}", path=str(path), row=exc.position[0]) from exc
    except DefusedXmlException as exc:
        raise InputError(
            f"refused: the file declares entities or external references ({exc})", path=str(path)
        ) from exc


def local(tag: str) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rpartition("}")[2]


def text(elem: Element | None) -> str:
    """An element's text with its whitespace collapsed, or "" when there is none."""
    if elem is None or elem.text is None:
        return ""
    return " ".join(elem.text.split())
