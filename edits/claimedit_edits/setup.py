"""Building a ready engine at start-up: registry, configuration and reference data, loaded once."""

from __future__ import annotations

from pathlib import Path

from claimedit_edits.codesets import open_codesets
from claimedit_edits.config import load_config
from claimedit_edits.engine import Engine, Reference, load_registry
from claimedit_edits.tables import load_tables

__all__ = ["build_engine"]


def build_engine(config_path: Path | None = None) -> Engine:
    """The engine every entry point uses (replay, service, benchmarks). Call once per process.

    ``config_path`` is the edits TOML (the packaged default when None); its ``tables`` directories add
    table editions to the packaged ones. A bad configuration raises ``ConfigError`` here, at start-up.
    """
    registry = load_registry()
    policy = load_config(config_path, registry)
    tables = load_tables(*policy.table_dirs)
    codesets = open_codesets(*policy.table_dirs)
    reference = Reference(icd10cm=codesets.at("icd10cm", None), tables=tables, codesets=codesets)
    return Engine(registry, reference, policy)
