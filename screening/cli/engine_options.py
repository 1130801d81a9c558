"""The ``--engine``, ``--spark-master`` and ``--payments`` options, shared by `run` and `lists screen`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from screening.errors import InputError


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        envvar="SCREENING_ENGINE",
        help="Where the screening runs: the embedded DuckDB, or Apache Spark.",
    ),
]
"""The nightly job's engine: a deployment on Spark sets ``SCREENING_ENGINE=spark`` once."""
GraphEngineOption = Annotated[
    Engine, typer.Option("--engine", help="Where the graph is reduced: the embedded DuckDB, or Apache Spark.")
]
"""An analyst's graph names its engine each time: a deployment's screening engine does not choose it."""
SparkMasterOption = Annotated[
    str,
    typer.Option(
        "--spark-master",
        envvar="SCREENING_SPARK_MASTER",
        help="Spark master URL (--engine spark), e.g. spark://host:7077.",
    ),
]
SparkPaymentsOption = Annotated[
    str | None,
    typer.Option(
        "--payments",
        envvar="SCREENING_SPARK_PAYMENTS",
        help="With --engine spark: payments as Parquet (path or URL) or a Spark table; default the store's.",
    ),
]


def check_payments(engine: Engine, payments: str | None) -> None:
    """Refuse --payments without --engine spark: the DuckDB engine screens the store's own payments."""
    if payments is not None and engine is not Engine.spark:
        raise InputError("--payments is read by --engine spark only; the DuckDB engine screens the store")
