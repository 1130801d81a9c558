"""Mapping files: every mistake is named with the file and key."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from screening import MappingError, Store, read_mapping
from tests.conftest import FIXTURES, csv_text

Write = Callable[..., Path]


def test_fixture_mapping_reads_completely() -> None:
    mapping = read_mapping(FIXTURES / "bank_de.toml")
    assert mapping.source == "bank-de"
    assert mapping.columns["ts"] == ("Buchungsdatum", "Uhrzeit")
    assert mapping.codes["channel"] == {"UEB": "wire", "BAR": "cash"}


def test_column_the_export_lacks_is_named_with_a_suggestion(store: Store, write: Write) -> None:
    mapping = write("m.toml", '[columns]\ntxn_id = "Refrenz"\n')
    data = write("d.csv", "Referenz,ts,amount,currency,payer_account\nR1,2026-03-01,5,EUR,A1\n")
    with pytest.raises(
        MappingError,
        match=r"m\.toml: column 'Refrenz' for field txn_id is not in .*d\.csv "
        r"\(did you mean 'Referenz'\?\)",
    ):
        store.load(data, mapping=mapping)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[columns]\namout = "Betrag"\n',
            "unknown payments field 'amout' (did you mean 'amount'?)",
        ),
        (
            '[parse]\ntimezone = "Mars/Olympus"\n',
            "timezone 'Mars/Olympus' is not a known IANA time zone",
        ),
        ('[csv]\nencoding = "klingon"\n', "encoding 'klingon' is not a known text encoding"),
        ('delimter = ";"\n', "unknown key 'delimter'"),
        ('dataset = "trades"\n', "dataset 'trades' is not one of payments, accounts, fx_rates"),
        (
            '[parse]\ndecimal = ","\nthousands = ","\n',
            "decimal and thousands separators must differ",
        ),
        (
            '[columns]\ncurrency = "Cur"\n[constants]\ncurrency = "EUR"\n',
            "given both in [columns] and in [constants]",
        ),
        ("[columns\n", "not valid TOML"),
    ],
)
def test_mapping_mistakes_are_reported(write: Write, text: str, message: str) -> None:
    with pytest.raises(MappingError, match="m.toml: .*" + _escaped(message)):
        read_mapping(write("m.toml", text))


def test_code_mapped_to_an_unknown_channel_is_refused(store: Store, write: Write) -> None:
    mapping = write("m.toml", '[codes.channel]\nUEB = "wirre"\n')
    with pytest.raises(MappingError, match="'UEB' maps to 'wirre', an unknown channel"):
        store.load(write("d.csv", csv_text("T1,2026-03-01,5,EUR,A1,,,A2,,UEB,")), mapping=mapping)


def test_unmapped_code_is_quarantined(store: Store, write: Write) -> None:
    mapping = write("m.toml", '[codes.channel]\nUEB = "wire"\n')
    store.load(write("d.csv", csv_text("T1,2026-03-01,5,EUR,A1,,,A2,,XYZ,")), mapping=mapping)
    assert store.quarantine()["reason"].item().startswith("channel: unknown channel (one of wire, ach")


def test_mapping_must_have_a_known_suffix(write: Write) -> None:
    with pytest.raises(MappingError, match=r"must end in \.toml, \.yaml or \.yml"):
        read_mapping(write("m.ini", "x=1"))


def _escaped(text: str) -> str:
    return re.escape(text)
