"""The DuckDB store: schema, migrations, transactions and queries."""

from screening.store.store import DEFAULT_DB, LoadResult, Store, StoreInfo

__all__ = ["DEFAULT_DB", "LoadResult", "Store", "StoreInfo"]
