"""Building a ready engine at start-up: registry, reference data and configuration, loaded once."""

from __future__ import annotations

from pathlib import Path

from claimedit_edits.engine import Engine, Reference, SimpleIcd10Cm, load_registry

__all__ = ["build_engine"]


def build_engine(config_path: Path | None = None) -> Engine:
    """The engine every entry point uses (replay, service, benchmarks). Call once per process."""
    del config_path  # the TOML configuration arrives with the code-family edits
    return Engine(load_registry(), Reference(icd10cm=SimpleIcd10Cm()))
