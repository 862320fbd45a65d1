"""Writes x12_fixtures/edits/<category>.x12 from the per-edit YAML cases (run: python tests/edits/write_fixtures.py).

One interchange per replay category, holding every case of the edits of that category that runs under the
default configuration (cases with their own ``config`` stay in the unit tests). test_edit_fixtures.py
fails when the files drift from the cases.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "x12_fixtures" / "edits"
_CATEGORY_OF_PREFIX = {
    "LES": "lesion-units",
    "AON": "add-on",
    "SIZ": "size-tier",
    "DXS": "diagnosis",
    "MOD": "modifier",
    "REP": "modifier",
    "EMV": "modifier",
    "GLB": "modifier",
    "DAT": "claim-data",
}


def _cases_module() -> object:
    name = "claimedit_tests_edits_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("_cases.py"))
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def render_fixtures() -> dict[str, str]:
    """File name -> interchange text."""
    cases = _cases_module()
    by_category: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for case in cases.load_case_files():  # type: ignore[attr-defined]
        if case.config is None and case.tables is None and case.edit[:3] in _CATEGORY_OF_PREFIX:
            by_category[_CATEGORY_OF_PREFIX[case.edit[:3]]].append((case.claim, case.payer))
    controls = {category: index for index, category in enumerate(sorted(set(by_category) - {"claim-data"}), start=301)}
    controls["claim-data"] = 401  # added after the others: their control numbers (and goldens) stay as they were
    return {
        f"{category}.x12": cases.interchange(claims, control=controls[category])  # type: ignore[attr-defined]
        for category, claims in sorted(by_category.items())
    }


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, text in render_fixtures().items():
        (FIXTURES / name).write_text(text, encoding="utf-8")
        print(FIXTURES / name)


if __name__ == "__main__":
    main()
