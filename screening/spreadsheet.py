"""Cells that spreadsheets would run as formulas, neutralised before any CSV leaves the engine.

Names and purposes in payment data are written by outsiders: a payer called
``=HYPERLINK("http://…")`` must reach Excel, LibreOffice or i2 as text, not as a formula.
"""

from __future__ import annotations

import polars as pl

_FORMULA_START = r"^[=+\-@\t\r]"


def safe_for_spreadsheets(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with a quote.

    >>> safe_for_spreadsheets(pl.DataFrame({"name": ["=1+1", "Ada"]}))["name"].to_list()
    ["'=1+1", 'Ada']
    """
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )
