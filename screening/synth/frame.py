"""Payments as parallel numpy columns of small integers, before they become text.

Background and planted payments are both produced in this shape: who pays
whom as account indices, amounts in thousandths of the currency, and codes
into small vocabularies (currencies, channels, MCCs). Only the writer turns a
sorted frame into Arrow strings, with one vectorised ``take`` per column.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from screening.schema import CHANNELS

IntArray = npt.NDArray[np.int64]

CHANNEL = {name: i for i, name in enumerate(CHANNELS)}
NONE = -1
"""Marks an absent account, MCC or cash location."""


@dataclass
class Frame:
    """A batch of payments, one array element per payment.

    ``cash_country`` and ``cash_bank`` describe the side without an account of a
    cash deposit (payer) or withdrawal (payee): where and at which bank branch
    the cash changed hands.
    """

    ts: IntArray
    amount: IntArray
    currency: IntArray
    payer: IntArray
    payee: IntArray
    channel: IntArray
    mcc: IntArray
    cash_country: IntArray
    cash_bank: IntArray
    purpose: pa.Array

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    def take(self, order: IntArray) -> Frame:
        """The payments at ``order``, in that order."""
        arrays = {f.name: getattr(self, f.name)[order] for f in fields(self) if f.name != "purpose"}
        return Frame(**arrays, purpose=self.purpose.take(pa.array(order)))

    @classmethod
    def concat(cls, frames: list[Frame]) -> Frame:
        arrays = {
            f.name: np.concatenate([getattr(fr, f.name) for fr in frames]).astype(np.int64)
            for f in fields(cls)
            if f.name != "purpose"
        }
        purpose = pa.concat_arrays([fr.purpose.cast(pa.string()) for fr in frames])
        return cls(**arrays, purpose=purpose)

    @classmethod
    def empty(cls) -> Frame:
        nothing = np.zeros(0, dtype=np.int64)
        arrays = {f.name: nothing for f in fields(cls) if f.name != "purpose"}
        return cls(**arrays, purpose=pa.array([], pa.string()))
