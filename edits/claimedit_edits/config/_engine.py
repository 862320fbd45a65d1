"""One call that builds the configured engine at start-up: registry, configuration, tables."""

from __future__ import annotations

from pathlib import Path

from claimedit_edits.codesets import open_codesets
from claimedit_edits.config._policy import load_config
from claimedit_edits.engine import Engine, Icd10Cm, Reference, load_registry
from claimedit_edits.tables import load_tables

__all__ = ["build_configured_engine"]


def build_configured_engine(config_path: Path | None, icd10cm: Icd10Cm) -> Engine:
    """The engine for ``config_path`` (the packaged default when None): validated configuration, the packaged
    table editions plus the configuration's ``tables`` directories. Raises ConfigError or TableError with a
    clear message; call once per process."""
    registry = load_registry()
    policy = load_config(config_path, registry)
    tables = load_tables(*policy.table_dirs)
    return Engine(
        registry, Reference(icd10cm=icd10cm, tables=tables, codesets=open_codesets(*policy.table_dirs)), policy
    )
