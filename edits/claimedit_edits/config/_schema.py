"""The TOML configuration as pydantic models: unknown keys are errors, values are typed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from claimedit_edits.model import Severity

__all__ = ["EditsConfig", "PayerLayer", "SelectionSettings"]

OptionValueIn = Any
"""Any TOML value: each edit's options model checks it (strictly) at start-up."""


class SelectionSettings(BaseModel):
    """What the top level and every payer layer may set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    select: list[str] = Field(default_factory=list)
    """Edit codes, names, families or categories to run; empty = every edit enabled by default."""
    extend_select: list[str] = Field(default_factory=list)
    """Added to the selection without narrowing it (opt-in edits by code)."""
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Severity overrides by edit code or name."""
    options: dict[str, dict[str, OptionValueIn]] = Field(default_factory=dict)
    """Per-edit options: ``[options.MOD008] extra_modifiers = ["GW"]``."""


class PayerLayer(SelectionSettings):
    """Overrides for claims of one payer, matched on the payer id (2010BB NM109) or SBR09."""

    name: str
    payer_ids: list[str] = Field(default_factory=list)
    filing_indicators: list[str] = Field(default_factory=list)
    """SBR09 claim filing indicator codes, e.g. MB (Medicare Part B), MC (Medicaid), CI (commercial)."""


class EditsConfig(SelectionSettings):
    """The whole configuration file."""

    tables: list[str] = Field(default_factory=list)
    """Extra table directories (each with a manifest.toml) written by ``claimedit tables import-ncci``."""
    payer: list[PayerLayer] = Field(default_factory=list)
