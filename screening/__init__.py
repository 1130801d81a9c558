"""Transaction screening for financial intelligence units.

Load payment records into a DuckDB store, validated and with nothing lost::

    from screening import Store

    with Store.open("screening.duckdb") as store:
        result = store.load("payments.csv", mapping="bank-a.toml")
        print(result.loaded, result.quarantined)
        frame = store.payments()          # a polars DataFrame
"""

from screening.errors import InputError, MappingError, ScreeningError, StoreBusyError, StoreError
from screening.mapping import Mapping, read_mapping
from screening.schema import ACCOUNTS, FX_RATES, PAYMENTS, STORED_PAYMENT_SCHEMA
from screening.store import DEFAULT_DB, LoadResult, Store, StoreInfo

__all__ = [
    "ACCOUNTS",
    "DEFAULT_DB",
    "FX_RATES",
    "PAYMENTS",
    "STORED_PAYMENT_SCHEMA",
    "InputError",
    "LoadResult",
    "Mapping",
    "MappingError",
    "ScreeningError",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoreInfo",
    "read_mapping",
]
