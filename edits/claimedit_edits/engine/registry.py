"""Finds every edit under ``claimedit_edits.rules``: a new family is a new subpackage there plus data."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from claimedit_edits.engine.spec import RegisteredEdit, registered_in_module

__all__ = ["DuplicateEditError", "Registry", "load_registry"]

RULES_PACKAGE = "claimedit_edits.rules"


class DuplicateEditError(RuntimeError):
    """Two edits claim the same code or name."""


@dataclass(frozen=True)
class Registry:
    """All known edits, by code, in code order."""

    by_code: Mapping[str, RegisteredEdit]

    def __iter__(self) -> Iterator[RegisteredEdit]:
        return iter(self.by_code[code] for code in sorted(self.by_code))

    def __len__(self) -> int:
        return len(self.by_code)

    def resolve(self, code_or_name: str) -> RegisteredEdit | None:
        """An edit by its code (LES001) or its name (premalignant-first-lesion-units)."""
        if code_or_name in self.by_code:
            return self.by_code[code_or_name]
        for registered in self.by_code.values():
            if registered.spec.name == code_or_name:
                return registered
        return None

    def families(self) -> list[str]:
        return sorted({registered.spec.family for registered in self.by_code.values()})


def load_registry(package: str = RULES_PACKAGE) -> Registry:
    """Import every module below ``package`` and collect the edits they declare."""
    root = importlib.import_module(package)
    found: dict[str, RegisteredEdit] = {}
    names: dict[str, str] = {}
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        module = importlib.import_module(info.name)
        for registered in registered_in_module(module):
            code, name = registered.spec.code, registered.spec.name
            if code in found:
                first = found[code].module
                raise DuplicateEditError(f"edit code {code} is declared in {first} and {registered.module}")
            if name in names:
                raise DuplicateEditError(f"edit name {name} is declared by {names[name]} and {code}")
            found[code] = registered
            names[name] = code
    return Registry(found)
