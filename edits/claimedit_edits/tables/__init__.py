"""Reference tables: CMS NCCI/MPFS editions and claimedit's coding-rule tables, as files with a manifest."""

from claimedit_edits.tables._indexes import (
    AddOnPrimary,
    AddOnTable,
    DxSiteTable,
    DxSupportTable,
    FeeIndicators,
    FeeScheduleTable,
    LateralityRule,
    LateralityTable,
    LesionCode,
    LesionCodeTable,
    ModifierTable,
    MueLimit,
    MueTable,
    PtpEdit,
    PtpTable,
)
from claimedit_edits.tables._library import DEFAULT_TABLES_DIR, Tables, TableSet, load_tables
from claimedit_edits.tables._manifest import KINDS, MANIFEST_NAME, Edition, TableError, read_manifest, write_manifest

__all__ = [
    "DEFAULT_TABLES_DIR",
    "KINDS",
    "MANIFEST_NAME",
    "AddOnPrimary",
    "AddOnTable",
    "DxSiteTable",
    "DxSupportTable",
    "Edition",
    "FeeIndicators",
    "FeeScheduleTable",
    "LateralityRule",
    "LateralityTable",
    "LesionCode",
    "LesionCodeTable",
    "ModifierTable",
    "MueLimit",
    "MueTable",
    "PtpEdit",
    "PtpTable",
    "TableError",
    "TableSet",
    "Tables",
    "load_tables",
    "read_manifest",
    "write_manifest",
]
