"""The edit engine: registry, reference data, the per-claim context, selection and the runner."""

from claimedit_edits.engine.context import ClaimScope, DateOfService, EditContext, line_list, units
from claimedit_edits.engine.history import ClaimHistory, PriorClaim, PriorLine
from claimedit_edits.engine.options import EditOptions, NoOptions, option_set
from claimedit_edits.engine.reference import Icd10Cm, Reference, SimpleIcd10Cm
from claimedit_edits.engine.registry import Registry, load_registry
from claimedit_edits.engine.runner import Engine, Selection, SelectionPolicy
from claimedit_edits.engine.spec import (
    CODE_PAIR,
    DOC_SECTIONS,
    EM_VISIT,
    LINE_NOTES,
    MODIFIED,
    EditSpec,
    Hit,
    RegisteredEdit,
    edit,
)

__all__ = [
    "CODE_PAIR",
    "DOC_SECTIONS",
    "EM_VISIT",
    "LINE_NOTES",
    "MODIFIED",
    "ClaimHistory",
    "ClaimScope",
    "DateOfService",
    "EditContext",
    "EditOptions",
    "EditSpec",
    "Engine",
    "Hit",
    "Icd10Cm",
    "NoOptions",
    "PriorClaim",
    "PriorLine",
    "Reference",
    "RegisteredEdit",
    "Registry",
    "Selection",
    "SelectionPolicy",
    "SimpleIcd10Cm",
    "edit",
    "line_list",
    "load_registry",
    "option_set",
    "units",
]
