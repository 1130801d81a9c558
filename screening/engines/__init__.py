"""Execution engines besides the embedded DuckDB one.

The rules are written once, in DuckDB's SQL, and read shared views; an engine
turns a rule into result rows, and the runner turns result rows into alerts
the same way for every engine. ``dialect`` translates the SQL (sqlglot), and
``spark`` runs it on Apache Spark. Both need the optional ``spark`` extra and
are imported only when asked for: the core never needs Java.
"""

ENGINES = ("duckdb", "spark")
DEFAULT_SPARK_MASTER = "local[2]"
