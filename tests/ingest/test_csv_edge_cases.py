"""CSV inputs as banks really produce them: each edge case lands where it should."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from screening import InputError, Store
from tests.conftest import FIXTURES, csv_text

GOOD = "T1,2026-03-01T10:00:00Z,1500.50,EUR,DE89370400440532013000,Anna Berg,DE,GB29NWBK60161331926819,GB,wire,rent"

Write = Callable[..., Path]


def reasons(store: Store) -> dict[int, str]:
    return dict(store.quarantine().select("source_row", "reason").iter_rows())


def test_utf8_bom_is_not_part_of_the_first_column(store: Store, write: Write) -> None:
    path = write("bom.csv", b"\xef\xbb\xbf" + csv_text(GOOD).encode())
    result = store.load(path)
    assert result.loaded == 1
    assert store.payments()["txn_id"].to_list() == ["T1"]


def test_quoted_newlines_stay_inside_the_field(store: Store, write: Write) -> None:
    row = 'T1,2026-03-01T10:00:00Z,10,EUR,A1,,,A2,,wire,"line one\nline two"'
    result = store.load(write("nl.csv", csv_text(row)))
    assert result.loaded == 1
    assert store.payments()["purpose"].to_list() == ["line one\nline two"]


def test_offsets_are_converted_to_utc_and_naive_times_taken_as_utc(store: Store, write: Write) -> None:
    rows = (
        "T1,2026-03-01T10:00:00+02:00,10,EUR,A1,,,A2,,,",
        "T2,2026-03-01 10:00,10,EUR,A1,,,A2,,,",
    )
    store.load(write("tz.csv", csv_text(*rows)))
    times = {t: ts.strftime("%H:%M") for t, ts in store.payments().select("txn_id", "ts").iter_rows()}
    assert times == {"T1": "08:00", "T2": "10:00"}


def test_bank_export_loads_through_its_mapping(store: Store) -> None:
    result = store.load(FIXTURES / "bank_de.csv", mapping=FIXTURES / "bank_de.toml")
    assert (result.read, result.loaded, result.quarantined) == (4, 2, 2)
    first = store.payments().row(0, named=True)
    assert first["amount"] == Decimal("1250.000")
    assert first["ts"].strftime("%Y-%m-%d %H:%M") == "2026-02-03 08:15"  # 09:15 in Berlin
    assert first["payer_account"] == "DE89370400440532013000"
    assert first["payer_country"] == "DE"
    assert first["channel"] == "wire"
    assert first["source"] == "bank-de"


def test_yaml_mapping_reads_like_toml(store: Store) -> None:
    result = store.load(FIXTURES / "bank_de.csv", mapping=FIXTURES / "bank_de.yaml")
    assert (result.loaded, result.quarantined) == (2, 2)


def test_impossible_date_is_quarantined_with_its_field(store: Store) -> None:
    store.load(FIXTURES / "bank_de.csv", mapping=FIXTURES / "bank_de.toml")
    assert "ts: not a timestamp in the format %d.%m.%Y %H:%M: '31.02.2026 10:00'" in reasons(store)[3]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("0", "amount: must be greater than zero: '0'"),
        ("-12.50", "amount: must be greater than zero: '-12.50'"),
        ('"12,50"', "amount: not a number: '12,50'"),
        ("1.2345", "amount: more than 3 decimal places: '1.2345'"),
        ("", "amount: missing"),
    ],
)
def test_bad_amounts_are_quarantined(store: Store, write: Write, amount: str, reason: str) -> None:
    store.load(write("a.csv", csv_text(f"T1,2026-03-01,{amount},EUR,A1,,,A2,,,")))
    assert reasons(store) == {1: reason}


def test_three_decimal_currencies_keep_their_fils(store: Store, write: Write) -> None:
    store.load(write("kwd.csv", csv_text("T1,2026-03-01,1250.125,KWD,A1,,,A2,,,")))
    assert store.payments()["amount"].to_list() == [Decimal("1250.125")]


def test_unknown_currency_and_country_are_named(store: Store, write: Write) -> None:
    store.load(write("c.csv", csv_text("T1,2026-03-01,10,EURO,A1,,XX,A2,,,")))
    assert reasons(store)[1] == (
        "currency: unknown ISO 4217 currency code: 'EURO'; payer_country: unknown ISO 3166 country code: 'XX'"
    )


def test_alpha3_country_codes_and_kosovo_are_accepted(store: Store, write: Write) -> None:
    store.load(write("c.csv", csv_text("T1,2026-03-01,10,EUR,A1,,DEU,A2,XK,,")))
    row = store.payments().row(0, named=True)
    assert (row["payer_country"], row["payee_country"]) == ("DE", "XK")


def test_record_without_any_account_is_quarantined(store: Store, write: Write) -> None:
    store.load(write("acc.csv", csv_text("T1,2026-03-01,10,EUR,,,,,,cash,")))
    assert reasons(store) == {
        1: "payer_account/payee_account: needs at least one of payer_account, payee_account"
    }


def test_cash_deposit_without_payer_account_loads(store: Store, write: Write) -> None:
    assert store.load(write("cash.csv", csv_text("T1,2026-03-01,9500,USD,,,,A2,US,cash,"))).loaded == 1


def test_missing_required_column_stops_the_load_naming_it(store: Store, write: Write) -> None:
    path = write("nocur.csv", "txn_id,ts,amount,payer_account\nT1,2026-03-01,10,A1\n")
    with pytest.raises(InputError, match=r"nocur\.csv: no column for required payments field currency"):
        store.load(path)
    assert store.info().tables["loads"] == 0


def test_wrong_delimiter_is_explained(store: Store, write: Write) -> None:
    path = write(
        "semi.csv",
        csv_text(
            "T1;2026-03-01;10;EUR;A1;;;A2;;;",
            header=";".join(
                [
                    "txn_id",
                    "ts",
                    "amount",
                    "currency",
                    "payer_account",
                    "payer_name",
                    "payer_country",
                    "payee_account",
                    "payee_country",
                    "channel",
                    "purpose",
                ]
            ),
        ),
    )
    with pytest.raises(InputError, match="is the delimiter right"):
        store.load(path, mapping=_mapping(write, 'source = "x"\n[csv]\ndelimiter = ","\n'))


def test_delimiter_is_detected_when_not_given(store: Store, write: Write) -> None:
    path = write("semi.csv", "txn_id;ts;amount;currency;payer_account\nT1;2026-03-01;10,5;EUR;A1\n")
    mapping = _mapping(write, '[parse]\ndecimal = ","\n')
    assert store.load(path, mapping=mapping).loaded == 1


def test_malformed_row_is_quarantined_and_later_rows_keep_their_numbers(store: Store, write: Write) -> None:
    text = csv_text(GOOD, "T2,2026-03-01,5,USD", GOOD.replace("T1,", "T3,", 1))
    result = store.load(write("ragged.csv", text))
    assert (result.read, result.loaded, result.quarantined) == (3, 2, 1)
    assert reasons(store)[2].startswith("malformed row: Expected Number of Columns: 11 Found: 4")
    rows = dict(store.payments().select("txn_id", "source_row").iter_rows())
    assert rows == {"T1": 1, "T3": 3}


def test_empty_file_loads_nothing_and_says_so(store: Store, write: Write) -> None:
    result = store.load(write("empty.csv", ""))
    assert (result.read, result.loaded) == (0, 0)
    assert result.notes == ("the file is empty",)


def test_header_only_file_loads_nothing(store: Store, write: Write) -> None:
    assert store.load(write("header.csv", csv_text())).read == 0


def test_other_encodings_by_option(store: Store, write: Write) -> None:
    row = "T1,2026-03-01,10,EUR,A1,Jürgen Größe,,A2,,,Überweisung"
    path = write("cp1252.csv", csv_text(row), encoding="cp1252")
    store.load(path, mapping=_mapping(write, '[csv]\nencoding = "cp1252"\n'))
    assert store.payments()["payer_name"].to_list() == ["Jürgen Größe"]


def test_text_that_is_not_valid_in_its_encoding_is_refused(store: Store, write: Write) -> None:
    path = write("bad.csv", csv_text("T1,2026-03-01,10,EUR,A1,,,A2,,,").encode() + b"\x81\x8d\n")
    with pytest.raises(InputError, match="not valid cp1252"):
        store.load(path, mapping=_mapping(write, '[csv]\nencoding = "cp1252"\n'))


def test_invalid_utf8_row_is_quarantined_not_dropped(store: Store, write: Write) -> None:
    data = csv_text(GOOD).encode() + b"T2,2026-03-01,10,EUR,A1,Bad \xff name,,A2,,,\n"
    result = store.load(write("latin.csv", data))
    assert (result.read, result.loaded, result.quarantined) == (2, 1, 1)


def _mapping(write: Write, text: str) -> Path:
    return write("mapping.toml", text)


def test_title_lines_before_the_header_are_skipped_and_rows_still_numbered(
    store: Store, write: Write
) -> None:
    text = "Statement Bank A\nPeriod 2026-03\n" + csv_text(
        GOOD, "T2,2026-03-01,5", GOOD.replace("T1,", "T3,", 1)
    )
    store.load(write("titled.csv", text), mapping=_mapping(write, "[csv]\nskip_rows = 2\n"))
    assert reasons(store)[2].startswith("malformed row")
    assert dict(store.payments().select("txn_id", "source_row").iter_rows()) == {"T1": 1, "T3": 3}
