"""Per-edit options: each edit declares a pydantic model; the configuration is validated against it at start-up."""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict

__all__ = ["EditOptions", "NoOptions", "option_set"]


class EditOptions(BaseModel):
    """Base of every edit's options model: unknown keys and wrong types (a number for a string) are errors.

    Strict: TOML values are taken as written, never coerced (``suggested_modifier = 59`` is refused).
    Arrays arrive as tuples (the configuration loader freezes them).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class NoOptions(EditOptions):
    """The options of an edit that declares none."""


@functools.lru_cache(maxsize=256)
def option_set(values: tuple[str, ...]) -> frozenset[str]:
    """An option's list (codes, modifiers, pairs) as a set, built once per distinct list: edits read it per claim."""
    return frozenset(values)
