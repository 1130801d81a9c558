"""The fast pacs.008 reader gives exactly what the exact reader gives, and declines what it cannot read whole."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from screening import Store
from screening.formats.fallback import FastReaderDeclinedError
from screening.formats.fastxml import read_fast
from screening.formats.iso20022 import MESSAGES, read_exactly
from screening.formats.records import TEXT_SCHEMA
from tests.conftest import FIXTURES, SHARED_DATA

ISO = FIXTURES / "iso20022"
KNOWN = frozenset(MESSAGES)
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"


def table(batches: object) -> pa.Table:
    """The batches as one table, ``__row`` left out (the scan numbers rows)."""
    assert batches is not None
    return pa.Table.from_batches(list(batches), schema=TEXT_SCHEMA).drop_columns(["__row"])  # type: ignore[call-overload]


def transfer(n: int, extra: str = "") -> str:
    return (
        f"<CdtTrfTxInf><PmtId><TxId>T{n}</TxId></PmtId>"
        f'<IntrBkSttlmAmt Ccy="EUR">{n}.50</IntrBkSttlmAmt>'
        f"<Dbtr><Nm>Payer {n % 7}</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>"
        f"<Cdtr><Nm>Payee</Nm></Cdtr><CdtrAcct><Id><Othr><Id>ACC-{n % 11}</Id></Othr></Id></CdtrAcct>"
        f"<RmtInf><Ustrd>Invoice {n}</Ustrd></RmtInf>{extra}</CdtTrfTxInf>"
    )


def message(msg_id: str, transfers: list[str]) -> str:
    return (
        f'<Document xmlns="{NAMESPACE}"><FIToFICstmrCdtTrf><GrpHdr><MsgId>{msg_id}</MsgId>'
        f"<CreDtTm>2026-03-02T09:00:00Z</CreDtTm><NbOfTxs>{len(transfers)}</NbOfTxs></GrpHdr>"
        + "".join(transfers)
        + "</FIToFICstmrCdtTrf></Document>"
    )


def declined(path: Path) -> bool:
    """Whether the fast reader declines the file, before its first batch or while reading."""
    batches = read_fast(path, KNOWN)
    if batches is None:
        return True
    try:
        list(batches)
    except FastReaderDeclinedError:
        return True
    return False


def write(tmp_path: Path, body: str, name: str = "file.xml") -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n', encoding="utf-8")
    return path


def test_a_wrapped_export_with_awkward_transfers_reads_the_same_by_both_readers() -> None:
    path = ISO / "pacs008_wrapped_batch.xml"
    fast = table(read_fast(path, KNOWN))
    assert fast.num_rows == 6
    assert fast.equals(table(read_exactly(path)))


def test_messages_larger_than_a_batch_keep_their_headers_and_numbering(tmp_path: Path) -> None:
    transfers = [transfer(n) for n in range(9000)]
    path = write(
        tmp_path, "<Export>" + message("M-1", transfers) + message("M-2", transfers[:50]) + "</Export>"
    )
    fast = table(read_fast(path, KNOWN))
    assert fast.num_rows == 9050
    assert fast.equals(table(read_exactly(path)))
    assert fast["__at"][9049].as_py() == "/Export/Document/FIToFICstmrCdtTrf[2]/CdtTrfTxInf[50]"


def test_many_small_messages_across_batches_keep_their_own_headers(tmp_path: Path) -> None:
    messages = [message(f"M-{m}", [transfer(3 * m + k) for k in range(3)]) for m in range(3000)]
    path = write(tmp_path, "<Export>" + "".join(messages) + "</Export>")
    fast = table(read_fast(path, KNOWN))
    assert fast["txn_id"][8999].as_py() == "M-2999:T8999"
    assert fast.equals(table(read_exactly(path)))


def test_a_single_document_at_the_root_is_read_fast(tmp_path: Path) -> None:
    path = write(tmp_path, message("M-1", [transfer(1), transfer(2)]))
    fast = table(read_fast(path, KNOWN))
    assert fast["txn_id"].to_pylist() == ["M-1:T1", "M-1:T2"]
    assert fast.equals(table(read_exactly(path)))


@pytest.mark.parametrize(
    ("why", "body"),
    [
        ("a repeated remittance line", "<X>" + message("M", [transfer(1, "<RmtInf><Ustrd>b</Ustrd></RmtInf>")]) + "</X>"),
        ("a message deeper than the first", "<X>" + message("M", [transfer(1)]) + "<Y>" + message("N", [transfer(2)]) + "</Y></X>"),
        ("an empty transfer element", "<X>" + message("M", [transfer(1), "<CdtTrfTxInf/>"]) + "</X>"),
        ("a statement beside the transfers", "<X>" + message("M", [transfer(1)]) + "<Document><BkToCstmrStmt/></Document></X>"),
        ("a transfer outside any message", "<X>" + message("M", [transfer(1)]) + transfer(2) + "</X>"),
        ("a file that is not well-formed", "<X>" + message("M", [transfer(1)])),
    ],
)  # fmt: skip
def test_the_fast_reader_declines_a_file_it_cannot_read_whole(tmp_path: Path, why: str, body: str) -> None:
    assert declined(write(tmp_path, body)), why


def test_a_file_declined_while_loading_is_loaded_again_exactly(tmp_path: Path, store: Store) -> None:
    body = "<Messages>" + message("M", [transfer(1)])
    body += "<Day>" + message("N", [transfer(2), transfer(3)]) + "</Day></Messages>"
    path = write(tmp_path, body)
    assert read_fast(path, KNOWN) is not None
    result = store.load(path)
    assert (result.read, result.loaded) == (3, 3)
    assert store.payments().height == 3


def test_pain001_and_camt_files_go_to_the_exact_reader() -> None:
    assert declined(ISO / "pain001.xml")
    assert declined(ISO / "camt053.xml")


@pytest.mark.skipif(
    not (SHARED_DATA / "iso20022" / "pacs.008").is_dir(), reason="shared pacs.008 samples absent"
)
@pytest.mark.parametrize("version", [f"{v:02d}" for v in range(2, 14)])
def test_published_pacs008_versions_read_the_same_by_both_readers(version: str) -> None:
    path = SHARED_DATA / "iso20022" / "pacs.008" / f"pacs.008.001.{version}.xml"
    if not declined(path):
        assert table(read_fast(path, KNOWN)).equals(table(read_exactly(path)))


def test_a_file_with_a_second_root_is_declined(tmp_path: Path) -> None:
    body = "<X>" + message("M", [transfer(1)]) + "</X><X>" + message("N", [transfer(2)]) + "</X>"
    assert declined(write(tmp_path, body))


def test_a_file_in_another_encoding_is_left_to_the_exact_reader(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xml"
    body = "<X>" + message("M", [transfer(1).replace("Payee", "Müller")]) + "</X>"
    path.write_bytes(f'<?xml version="1.0" encoding="ISO-8859-1"?>\n{body}\n'.encode("latin-1"))
    assert read_fast(path, KNOWN) is None
    assert table(read_exactly(path))["payee_name"].to_pylist() == ["Müller"]


@pytest.mark.parametrize(
    "name",
    [
        "<![CDATA[Pay & ee]]>",
        "Pa<!-- note -->yee",
        "Pa<?app note?>yee",
        "Pa<![CDATA[y]]>ee",
        "P&#97;y&amp;ee",
    ],
)
def test_markup_inside_a_name_reads_the_same_by_both_readers(tmp_path: Path, name: str) -> None:
    path = write(
        tmp_path, "<X>" + message("M", [transfer(1).replace("<Nm>Payee</Nm>", f"<Nm>{name}</Nm>")]) + "</X>"
    )
    fast = table(read_fast(path, KNOWN))
    assert fast.equals(table(read_exactly(path)))
    assert fast["payee_name"][0].as_py() in ("Pay & ee", "Payee", "Pay&ee")
