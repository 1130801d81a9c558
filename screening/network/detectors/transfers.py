"""What the laundering-structure detectors share: the transfer edges and scratch tables.

Layering moves money from account to account. Purchases (a payment carrying a
merchant category code), card and cash payments are left out: a refund from a
shop or an ATM withdrawal is not a hop in a laundering structure, and leaving
them out keeps merchant hubs from swelling the joins.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from screening.network.context import Context

TRANSFERS = """
SELECT txn_id, payer_account AS src, payee_account AS dst, ts, amt
FROM sp
WHERE payer_account IS NOT NULL AND payee_account IS NOT NULL AND payer_account <> payee_account
  AND coalesce(mcc, '') = '' AND coalesce(channel, '') NOT IN ('card', 'cash')
  AND amt >= $min_amount
"""
"""Account-to-account transfers of at least ``$min_amount`` in the screened period: one row a payment."""

_serial = itertools.count(1)


@contextmanager
def scratch(ctx: Context, *stems: str) -> Iterator[list[str]]:
    """Names for temporary tables private to one detector call, dropped however the call ends."""
    n = next(_serial)
    names = [f"__nw_{stem}_{n}" for stem in stems]
    try:
        yield names
    finally:
        for name in names:
            ctx.drop(name)


def as_datetime(value: Any) -> datetime:
    """A timestamp from a Polars row (already a datetime); refuses anything else loudly."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a timestamp, got {value!r}")
    return value
