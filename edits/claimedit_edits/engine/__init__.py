"""The edit engine: registry, reference data, selection and the runner."""

from claimedit_edits.engine.reference import Icd10Cm, Reference, SimpleIcd10Cm
from claimedit_edits.engine.registry import Registry, load_registry
from claimedit_edits.engine.runner import Engine, Selection, SelectionPolicy
from claimedit_edits.engine.spec import DOC_SECTIONS, EditSpec, Hit, RegisteredEdit, edit

__all__ = [
    "DOC_SECTIONS",
    "EditSpec",
    "Engine",
    "Hit",
    "Icd10Cm",
    "Reference",
    "RegisteredEdit",
    "Registry",
    "Selection",
    "SelectionPolicy",
    "SimpleIcd10Cm",
    "edit",
    "load_registry",
]
