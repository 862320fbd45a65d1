"""Meta-tests: edit codes are unique and stable in form, every edit is documented in every section, every
edit (core and code families) has failing and passing cases, and docs/edits.md is what the registry renders."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import claimedit_edits.rules
from claimedit_edits.docs import docs_are_current, render_edits_markdown
from claimedit_edits.engine import DOC_SECTIONS, load_registry
from claimedit_edits.model import CATEGORIES

cases = sys.modules["claimedit_tests_edits_cases"]
REGISTRY = load_registry()
FAMILY_EDITS = [edit for edit in REGISTRY if not edit.module.startswith("claimedit_edits.rules.core.")]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "edits.md"
CASE_COUNTS = Counter((case.edit, case.failing) for case in cases.load_case_files())


def test_codes_and_names_are_unique() -> None:
    codes = [edit.spec.code for edit in REGISTRY]
    names = [edit.spec.name for edit in REGISTRY]
    expected = (len(codes), len(names))
    assert expected == (len(set(codes)), len(set(names)))


def test_every_edit_uses_a_contract_category() -> None:
    expected_value: list[str] = []
    assert expected_value == [edit.spec.code for edit in REGISTRY if edit.spec.category not in CATEGORIES]


def test_every_contract_category_of_the_code_families_has_an_edit() -> None:
    expected = {"lesion-units", "add-on", "size-tier", "modifier", "diagnosis"}
    assert expected == {edit.spec.category for edit in FAMILY_EDITS} & expected


def test_the_ncci_edits_are_their_own_family_not_lesion() -> None:
    expected = {"AON001": "ncci", "LES007": "ncci", "MOD001": "ncci", "MOD002": "ncci", "MOD003": "ncci"}
    assert expected == {code: REGISTRY.by_code[code].spec.family for code in expected}


@pytest.mark.parametrize("edit", list(REGISTRY), ids=[edit.spec.code for edit in REGISTRY])
def test_edit_is_documented_in_every_section(edit: Any) -> None:
    sections = edit.doc_sections()
    expected_value = []
    assert expected_value == [heading for heading in DOC_SECTIONS if not sections.get(heading, "").strip()]


@pytest.mark.parametrize("edit", list(REGISTRY), ids=[edit.spec.code for edit in REGISTRY])
def test_edit_has_failing_and_passing_cases(edit: Any) -> None:
    counts = (CASE_COUNTS[(edit.spec.code, True)] >= 1, CASE_COUNTS[(edit.spec.code, False)] >= 1)
    expected = (True, True)
    assert expected == counts


def test_case_files_name_only_registered_edits() -> None:
    expected_value = []
    assert expected_value == sorted({code for code, _ in CASE_COUNTS} - set(REGISTRY.by_code))


def test_docs_edits_md_is_not_stale() -> None:
    assert docs_are_current(REGISTRY, DOCS), "docs/edits.md is stale: run `claimedit docs edits`"


def test_docs_name_every_edit_once_as_a_section() -> None:
    text = render_edits_markdown(REGISTRY)
    counts = [text.count(f"\n### {edit.spec.code} ") for edit in REGISTRY]
    assert [1] * len(counts) == counts


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_family_imports_another_familys_modules() -> None:
    rules = Path(claimedit_edits.rules.__file__).parent
    crossing = [
        (path.relative_to(rules).as_posix(), module)
        for path in sorted(rules.glob("*/*.py"))
        for module in _imported_modules(path)
        if module.startswith("claimedit_edits.rules.")
        and module.split(".")[2] not in (path.parent.name, "common")  # rules/common: public helpers, no edits
    ]
    expected: list[tuple[str, str]] = []
    assert expected == crossing
