"""Reference data injected into every edit: loaded once at start-up, never at import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from claimedit_edits.codesets import CodeSets
    from claimedit_edits.tables import Tables, TableSet

__all__ = ["Icd10Cm", "Reference", "ReferenceTablesMissingError", "SimpleIcd10Cm"]


class ReferenceTablesMissingError(RuntimeError):
    """An edit needs the reference tables but the engine was built without them."""


class Icd10Cm(Protocol):
    """The ICD-10-CM code set, codes without their decimal point."""

    edition: str

    def is_valid(self, code: str) -> bool:
        """The code exists in the tabular list (as a category, subcategory or code)."""

    def is_billable(self, code: str) -> bool:
        """The code is a leaf: valid on a claim."""

    def children(self, code: str) -> list[str]:
        """The billable codes below a header, dotted (C44.31 -> C44.310, C44.311, C44.319)."""


class SimpleIcd10Cm:
    """ICD-10-CM from the ``simple-icd-10-cm`` package (its shipped April 2026 tabular)."""

    edition = "ICD-10-CM tabular 2026 (simple-icd-10-cm 1.5)"

    def __init__(self) -> None:
        import simple_icd_10_cm as icd  # noqa: PLC0415  (heavy: loaded at start-up, not at import)

        self._icd = icd

    def is_valid(self, code: str) -> bool:
        return bool(self._icd.is_valid_item(code))

    def is_billable(self, code: str) -> bool:
        return bool(self._icd.is_valid_item(code) and self._icd.is_leaf(code))

    def children(self, code: str) -> list[str]:
        if not self._icd.is_valid_item(code):
            return []
        # simple_icd_10_cm.add_dot scans the whole code list per call: insert the dot here instead.
        leaves = [item.replace(".", "") for item in self._icd.get_descendants(code) if self._icd.is_leaf(item)]
        return [f"{item[:3]}.{item[3:]}" if len(item) > 3 else item for item in leaves]


@dataclass(frozen=True)
class Reference:
    """Everything an edit may consult besides the claim.

    ``tables`` comes from :func:`claimedit_edits.tables.load_tables` at start-up. Edits reach it through
    their :class:`~claimedit_edits.engine.context.EditContext`.
    """

    icd10cm: Icd10Cm
    tables: Tables | None = None
    codesets: CodeSets | None = None
    """Dated code sets (ICD-10-CM, ICD-9-CM, modifiers, taxonomy, POS): ``claimedit_edits.codesets.open_codesets()``.
    When None, the packaged store is opened on first use (an SQLite open: milliseconds, nothing parsed)."""

    def tables_at(self, day: dt.date | None) -> TableSet:
        """The table editions for a date of service."""
        if self.tables is None:
            raise ReferenceTablesMissingError(
                "this edit needs the reference tables: build the engine with "
                "Reference(icd10cm=..., tables=claimedit_edits.tables.load_tables())"
            )
        return self.tables.at(day)

    def code_sets(self) -> CodeSets:
        """The dated code sets: the injected ones, or the packaged store opened once."""
        if self.codesets is None:
            from claimedit_edits.codesets import open_codesets  # noqa: PLC0415  (opened on first use, not at import)

            object.__setattr__(self, "codesets", open_codesets())
        assert self.codesets is not None
        return self.codesets
