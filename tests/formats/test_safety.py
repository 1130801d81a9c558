"""Hostile and broken XML is refused with a clear error naming the file, never expanded or followed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from screening import InputError, Store
from tests.conftest import FIXTURES

Write = Callable[..., Path]
ISO = FIXTURES / "iso20022"


def test_external_entity_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match=r"xxe\.xml: refused: the file declares a document type"):
        store.load(ISO / "xxe.xml")


def test_entity_expansion_bomb_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match=r"entity_bomb\.xml: refused"):
        store.load(ISO / "entity_bomb.xml")


def test_refused_file_leaves_the_store_as_it_was(store: Store) -> None:
    with pytest.raises(InputError):
        store.load(ISO / "xxe.xml")
    assert store.info().tables["payments"] == 0
    assert store.loads().is_empty()


def test_dtd_is_refused_even_when_forced_as_goaml(store: Store) -> None:
    from screening.ingest.sources import reading_as

    with reading_as("goaml"), pytest.raises(InputError, match="refused"):
        store.load(ISO / "entity_bomb.xml")


def test_truncated_xml_names_the_file_and_line(store: Store) -> None:
    with pytest.raises(InputError, match=r"truncated\.xml, row \d+: not well-formed XML"):
        store.load(ISO / "truncated.xml")


def test_iso_message_this_loader_does_not_read_is_named(store: Store, write: Write) -> None:
    path = write(
        "pain002.xml",
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt/></Document>',
    )
    with pytest.raises(InputError, match=r"pain002\.xml: no ISO 20022 message this loader reads"):
        store.load(path)


def test_unknown_xml_root_is_refused_with_a_hint(store: Store, write: Write) -> None:
    with pytest.raises(InputError, match=r"root <catalog> is neither ISO 20022"):
        store.load(write("other.xml", "<catalog><book/></catalog>"))


def test_dtd_in_a_utf16_file_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "utf16.xml"
    path.write_bytes((ISO / "xxe.xml").read_text().replace("UTF-8", "UTF-16").encode("utf-16"))
    with pytest.raises(InputError, match=r"utf16\.xml: refused"):
        store.load(path)


def test_dtd_after_a_long_comment_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "padded.xml"
    text = (ISO / "xxe.xml").read_text()
    path.write_text(text.replace("?>", "?>\n<!-- " + "x" * 100_000 + " -->", 1))
    with pytest.raises(InputError, match=r"padded\.xml: refused"):
        store.load(path)
