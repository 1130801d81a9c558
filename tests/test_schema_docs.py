"""docs/schema.md stays in step with the schema declared in code."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.schema import DATASETS, Dataset

DOC = (Path(__file__).parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("dataset", DATASETS.values(), ids=list(DATASETS))
def test_every_field_is_documented(dataset: Dataset) -> None:
    missing = [name for name in dataset.field_names if f"`{name}`" not in DOC]
    assert missing == []


def test_arrow_schema_marks_required_fields_not_nullable() -> None:
    schema = DATASETS["payments"].arrow_schema
    assert [f.name for f in schema if not f.nullable] == ["txn_id", "ts", "amount", "currency"]
    assert str(schema.field("amount").type) == "decimal128(18, 3)"
    assert str(schema.field("ts").type) == "timestamp[us, tz=UTC]"
