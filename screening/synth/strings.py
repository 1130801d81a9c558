"""Vectorised string building: fixed-width text straight into Arrow buffers.

Formatting ten million ids or timestamps through Python (or even Arrow's
``strftime``, about a second per million) would dominate the generator's run
time. Fixed-width strings are instead written as a byte matrix with numpy and
handed to Arrow as a string array without a copy per value.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

IntArray = npt.NDArray[np.int64]
ByteMatrix = npt.NDArray[np.uint8]

_ZERO = ord("0")


def fixed_width(matrix: ByteMatrix) -> pa.StringArray:
    """One ASCII string per row of an ``(n, width)`` byte matrix."""
    rows, width = matrix.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix)
    return pa.Array.from_buffers(pa.string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def digits(values: IntArray, width: int) -> ByteMatrix:
    """Zero-padded decimal digits of non-negative integers as an ``(n, width)`` byte matrix."""
    out = np.empty((values.shape[0], width), dtype=np.uint8)
    rest = values.astype(np.int64, copy=True)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = _ZERO + rest % 10
        rest //= 10
    return out


def letters(text: str, rows: int) -> ByteMatrix:
    """The same ASCII text repeated as an ``(rows, len(text))`` byte matrix."""
    row = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(row, (rows, row.shape[0]))


def prefixed_numbers(prefix: str, values: IntArray, width: int) -> pa.StringArray:
    """``prefix`` followed by zero-padded numbers, e.g. ``SYN0000000042``."""
    head = letters(prefix, values.shape[0])
    return fixed_width(np.hstack([head, digits(values, width)]))


def civil_dates(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month and day of days since 1970-01-01 (proleptic Gregorian)."""
    z = days + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year.astype(np.int64), month.astype(np.int64), day.astype(np.int64)


def iso_timestamps(seconds: IntArray) -> pa.StringArray:
    """UTC epoch seconds as ISO 8601 text, ``2026-03-01T08:15:30Z``."""
    days = np.floor_divide(seconds, 86400)
    tod = seconds - days * 86400
    year, month, day = civil_dates(days)
    n = seconds.shape[0]
    parts = [
        digits(year, 4), letters("-", n), digits(month, 2), letters("-", n), digits(day, 2),
        letters("T", n), digits(tod // 3600, 2), letters(":", n), digits(tod // 60 % 60, 2),
        letters(":", n), digits(tod % 60, 2), letters("Z", n),
    ]  # fmt: skip
    return fixed_width(np.hstack(parts))


def decimal_text(milli: IntArray, places: IntArray) -> pa.StringArray:
    """Positive amounts in thousandths as plain decimals with ``places`` (0, 2 or 3) digits."""
    whole = pc.cast(pa.array(milli // 1000), pa.string())
    frac3 = milli % 1000
    two = pc.utf8_lpad(pc.cast(pa.array(frac3 // 10), pa.string()), 2, "0")
    three = pc.utf8_lpad(pc.cast(pa.array(frac3), pa.string()), 3, "0")
    frac = pc.if_else(pa.array(places == 3), three, two)
    joined = pc.binary_join_element_wise(whole, frac, ".")
    result: pa.StringArray = pc.if_else(pa.array(places == 0), whole, joined)
    return result
