"""Reference data injected into every edit: loaded once at start-up, never at import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Icd10Cm", "Reference", "SimpleIcd10Cm"]


class Icd10Cm(Protocol):
    """The ICD-10-CM code set, codes without their decimal point."""

    edition: str

    def is_valid(self, code: str) -> bool:
        """The code exists in the tabular list (as a category, subcategory or code)."""

    def is_billable(self, code: str) -> bool:
        """The code is a leaf: valid on a claim."""


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


@dataclass(frozen=True)
class Reference:
    """Everything an edit may consult besides the claim."""

    icd10cm: Icd10Cm
