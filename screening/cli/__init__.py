"""The ``screening`` command: a thin shell over the Python API."""

from screening.cli import graph, load, network, report, sanctions, screen  # noqa: F401  (registers the commands)
from screening.cli.common import app, main

__all__ = ["app", "main"]
