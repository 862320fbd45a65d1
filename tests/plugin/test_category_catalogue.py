"""categories.toml is the single source of the finding categories: a new category is a table in the file.

Findings are validated against the catalogue in force, the JSON Schemas' category enum is generated from
it and the 277CA status comes from it. A temporary catalogue with one more category shows that nothing
else (no Literal, no shared code) has to change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from claimedit.replay_output import render_row_schemas
from claimedit.x12.ack277 import StatusCode, status_code_for
from claimedit_edits import catalogue
from claimedit_edits.model import CATEGORIES, Finding

WOUND_CARE = """
[categories.wound-care]
description = "Wound care units against the wound's documented area."
category = "A8"
claim_status = "454"
line_status = "453"
"""


def _finding(category: str, line: int | None = None) -> Finding:
    return Finding(code="WND001", category=category, severity="error", line=line, message="12 units for 10 sq cm")


@pytest.fixture
def with_wound_care(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "categories.toml"
    path.write_text(catalogue.CATEGORY_CATALOGUE.read_text(encoding="utf-8") + WOUND_CARE, encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATEGORY_CATALOGUE", path)
    return path


def test_a_category_the_catalogue_does_not_list_is_a_validation_error() -> None:
    with pytest.raises(
        ValidationError, match=r"unknown finding category 'wound-care': categories\.toml lists x12-syntax"
    ):
        _finding("wound-care")


@pytest.mark.usefixtures("with_wound_care")
def test_a_category_added_to_the_catalogue_file_is_accepted_mapped_and_in_the_schemas() -> None:
    finding = _finding("wound-care", line=2)
    claim_row = json.loads(render_row_schemas()["claim-row.schema.json"])

    assert "wound-care" == finding.category
    assert StatusCode("A8", "453") == status_code_for(finding)
    assert StatusCode("A8", "454") == status_code_for(_finding("wound-care"))
    assert [*CATEGORIES, "wound-care"] == Finding.model_json_schema()["properties"]["category"]["enum"]
    assert [*CATEGORIES, "wound-care"] == claim_row["$defs"]["Finding"]["properties"]["category"]["enum"]


def test_the_shipped_catalogue_gives_the_schema_enum_in_file_order() -> None:
    names = list(catalogue.load_category_catalogue().categories)

    assert names == Finding.model_json_schema()["properties"]["category"]["enum"]
    assert names == list(CATEGORIES)
    assert ["x12-syntax", "balancing", "code-set"] == names[:3]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[categories.wound-care]\ndescription = "x"\ncategory = "A8"\nclaim_status = "454"\n',
            "wound-care lacks line_status",
        ),
        (
            '[categories.Wound_Care]\ndescription = "x"\ncategory = "A8"\nclaim_status = "4"\nline_status = "4"\n',
            "kebab-case",
        ),
    ],
)
def test_a_catalogue_with_a_malformed_category_fails_to_load_naming_it(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "categories.toml"
    path.write_text(catalogue.CATEGORY_CATALOGUE.read_text(encoding="utf-8") + table, encoding="utf-8")

    with pytest.raises(ValueError, match=message):
        catalogue.load_category_catalogue(path)
