"""Reading pacs.008 files: parse and load speed and peak memory, against raw parsing of the same file.

Goal on the 2-core reference machine: at least 50,000 transactions per second
with bounded memory. Three baselines are measured in the same run: xml2arrow
parsing the file into the reader's raw columns and nothing more (the floor of
the fast reader), the same file loaded by the exact lxml reader (how pacs.008
files loaded before the fast reader), and the same payments loaded from CSV.
Run with:

    pytest benchmarks/bench_formats.py                # 100,000 transactions
    pytest benchmarks/bench_formats.py -m heavy       # 1 million transactions

The files are generated here, in the benchmark's temporary folder, and never
committed.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.measure import Measurement, in_child

SIZES = [pytest.param(100_000, id="100k"), pytest.param(1_000_000, id="1M", marks=pytest.mark.heavy)]

_BANKS = ("DEUTDEFF", "COBADEFF", "BNPAFRPP", "INGBNL2A", "BARCGB22", "UBSWCHZH", "CITIUS33", "HSBCHKHH")
_NAMES = ("Anna Weber", "Omar Haddad", "Clinica Santa Rosa SA", "Global Travel Ltd", "Li Wei", "Maria Rossi")
_PURPOSES = (
    "Invoice {n}",
    "Consultation fee {n}",
    "Transplant package deposit {n}",
    "Salary {n}",
    "Rent {n}",
)

LOADER = """
from screening import Store
store = Store.open({db!r})
result = store.load({path!r})
assert result.reconciles
result = result.as_dict()
"""

EXACT_LOADER = """
from screening import Store
from screening.formats.fallback import reading_exactly
store = Store.open({db!r})
with reading_exactly():
    result = store.load({path!r})
assert result.reconciles
result = result.as_dict()
"""

RAW_PARSE = """
import time
from pathlib import Path
from screening.formats.fastxml import _parser
started = time.perf_counter()
count = sum(batch.num_rows for batch in _parser(("Messages", "Document")).parse_single_table(Path({path!r})))
result = {{"seconds": time.perf_counter() - started, "count": count}}
"""


def iban(country: str, bban: str) -> str:
    """A valid IBAN for ``bban`` (ISO 13616 check digits)."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def write_pacs008(path: Path, transactions: int, *, seed: int = 5, accounts: int = 5000) -> None:
    """A pacs.008 file: ``transactions`` credit transfers between ``accounts`` German IBANs.

    Written as one message per 10,000 transactions inside a ``<Messages>`` root,
    as a bank's daily export of many messages would be.
    """
    rng = random.Random(seed)
    pool = [iban("DE", f"{rng.randrange(10**8):08d}{rng.randrange(10**10):010d}") for _ in range(accounts)]
    day = date(2026, 3, 2)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Messages>\n')
        for first in range(0, transactions, 10_000):
            count = min(10_000, transactions - first)
            out.write(
                '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>'
                f"<GrpHdr><MsgId>BENCH-{first}</MsgId><CreDtTm>{day}T09:00:00</CreDtTm>"
                f"<NbOfTxs>{count}</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>\n"
            )
            for n in range(first, first + count):
                out.write(_transaction(rng, n, pool, day + timedelta(days=n * 90 // transactions)))
            out.write("</FIToFICstmrCdtTrf></Document>\n")
        out.write("</Messages>\n")


def _transaction(rng: random.Random, n: int, pool: list[str], day: date) -> str:
    payer, payee = rng.sample(pool, 2)
    text = rng.choice(_PURPOSES).format(n=n)
    return (
        "<CdtTrfTxInf><PmtId>"
        f"<EndToEndId>E2E-{n}</EndToEndId><TxId>TX-{n}</TxId>"
        f"<UETR>{uuid.UUID(int=rng.getrandbits(128), version=4)}</UETR></PmtId>"
        f'<IntrBkSttlmAmt Ccy="EUR">{rng.randrange(100, 5_000_000) / 100:.2f}</IntrBkSttlmAmt>'
        f"<IntrBkSttlmDt>{day}</IntrBkSttlmDt><ChrgBr>SHAR</ChrgBr>"
        f"<Dbtr><Nm>{escape(rng.choice(_NAMES))}</Nm><PstlAdr><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry></PstlAdr>"
        f"</Dbtr><DbtrAcct><Id><IBAN>{payer}</IBAN></Id></DbtrAcct>"
        f"<DbtrAgt><FinInstnId><BICFI>{rng.choice(_BANKS)}</BICFI></FinInstnId></DbtrAgt>"
        f"<CdtrAgt><FinInstnId><BICFI>{rng.choice(_BANKS)}</BICFI></FinInstnId></CdtrAgt>"
        f"<Cdtr><Nm>{escape(rng.choice(_NAMES))}</Nm></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{payee}</IBAN></Id></CdtrAcct>"
        f"<RmtInf><Ustrd>{escape(text)}</Ustrd></RmtInf></CdtTrfTxInf>\n"
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Generated files keyed by size, written on first use."""
    return {}


@pytest.mark.parametrize("transactions", SIZES)
def test_pacs008_load_speed_and_memory(
    benchmark: BenchmarkFixture, files: dict[int, Path], tmp_path: Path, transactions: int
) -> None:
    if transactions not in files:
        files[transactions] = tmp_path / f"pacs008-{transactions}.xml"
        write_pacs008(files[transactions], transactions)
    source = files[transactions]
    benchmark.group = f"load pacs.008 {transactions:,}"
    raw = in_child(RAW_PARSE.format(path=str(source)))
    assert raw.result["count"] == transactions + -(-transactions // 10_000)  # and a header row per message
    exact = in_child(EXACT_LOADER.format(db=str(tmp_path / "exact.duckdb"), path=str(source)))
    assert exact.result["loaded"] == transactions
    csv = tmp_path / "same.csv"
    runs: list[Measurement] = []

    def load() -> None:
        runs.append(in_child(LOADER.format(db=str(tmp_path / f"store-{len(runs)}.duckdb"), path=str(source))))

    benchmark.pedantic(load, rounds=1, iterations=1)
    measured = runs[0]
    assert measured.result["loaded"] == transactions
    from screening import Store

    with Store.open(tmp_path / "store-0.duckdb") as store:
        store.connection.execute(
            "COPY (SELECT * EXCLUDE (amount_base, source, batch_id, source_file, source_row) FROM payments) "
            "TO $path (HEADER)",
            {"path": str(csv)},
        )
    from_csv = in_child(LOADER.format(db=str(tmp_path / "csv.duckdb"), path=str(csv)))
    rate = transactions / measured.result["seconds"]
    raw_rate = transactions / raw.result["seconds"]
    exact_rate = transactions / exact.result["seconds"]
    csv_rate = transactions / from_csv.result["seconds"]
    benchmark.extra_info.update(
        transactions_per_second=round(rate),
        peak_mb=round(measured.peak_mb),
        raw_parse_per_second=round(raw_rate),
        raw_parse_peak_mb=round(raw.peak_mb),
        exact_reader_per_second=round(exact_rate),
        exact_reader_peak_mb=round(exact.peak_mb),
        csv_load_per_second=round(csv_rate),
        csv_load_peak_mb=round(from_csv.peak_mb),
        file_mb=round(source.stat().st_size / 2**20),
    )
    print(
        f"\npacs.008 {transactions:,}: {rate:,.0f} transactions/s, peak {measured.peak_mb:,.0f} MB "
        f"(raw xml2arrow parse: {raw_rate:,.0f}/s, peak {raw.peak_mb:,.0f} MB; exact lxml reader: "
        f"{exact_rate:,.0f}/s, peak {exact.peak_mb:,.0f} MB; same payments from CSV: "
        f"{csv_rate:,.0f}/s, peak {from_csv.peak_mb:,.0f} MB; file {source.stat().st_size / 2**20:,.0f} MB)"
    )
