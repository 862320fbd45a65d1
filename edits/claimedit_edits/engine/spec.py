"""How an edit declares itself: the ``@edit`` decorator and what it records."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimedit_edits.engine.options import EditOptions, NoOptions
from claimedit_edits.model import Category, Fix, Severity

if TYPE_CHECKING:
    from claimedit_edits.engine.context import EditContext

__all__ = [
    "CODE_PAIR",
    "DOC_SECTIONS",
    "EM_VISIT",
    "LINE_NOTES",
    "MODIFIED",
    "EditSpec",
    "Hit",
    "RegisteredEdit",
    "edit",
    "registered_in_module",
]

CODE_PAIR = "+code-pair"
"""A claim feature (see ``EditSpec.needs_any``): some date of service bills two or more distinct procedure codes."""
MODIFIED = "+modifier"
"""A claim feature: some line carries a modifier."""
EM_VISIT = "+em-visit"
"""A claim feature: some line bills an E/M code (in the E/M code table of its date)."""
LINE_NOTES = "+line-notes"
"""A claim feature: some line has an NTE note."""
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DOC_SECTIONS = ("What", "Why", "Failing example", "Passing example", "Fix", "Options", "References")


@dataclass(frozen=True)
class Hit:
    """What a check function yields: the engine turns it into a Finding with the edit's identity."""

    message: str
    line: int | None = None
    source: str = ""
    fix: Fix | None = None
    severity: Severity | None = None
    """Only for edits whose severity depends on the case (e.g. info when a size is missing)."""


CheckFunction = Callable[["EditContext"], Iterable[Hit]]


@dataclass(frozen=True)
class EditSpec:
    """The identity of an edit. ``code`` never changes meaning; ``name`` is its kebab-case alias."""

    code: str
    name: str
    family: str
    category: Category
    default_severity: Severity
    since: str
    options: type[EditOptions] = NoOptions
    """The pydantic model of the options the configuration may set for this edit (``[options.CODE]``)."""
    default_enabled: bool = True
    """False for opt-in edits: they run only when the configuration selects them by code or name."""
    needs_history: bool = False
    """True for edits that compare the claim with the patient's earlier claims and find nothing without them:
    the engine does not run them on a claim edited without a history."""
    needs_any: frozenset[str] | None = None
    """Claim features of which the claim must hold one for the edit to find anything: a procedure code billed on one
    of its lines, a modifier one of its lines carries, or :data:`CODE_PAIR`, :data:`MODIFIED`, :data:`LINE_NOTES`,
    :data:`EM_VISIT`.
    The engine does not call the edit on a claim holding none (most claims: most edits look for what is rare). None:
    always called. A test checks on every case file that an edit finding something holds what it declares."""

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(self.options.model_fields)


@dataclass(frozen=True)
class RegisteredEdit:
    spec: EditSpec
    check: CheckFunction
    doc: str = field(default="", repr=False)
    module: str = ""

    def doc_sections(self) -> dict[str, str]:
        """The docstring split at its section headings (``What:``, ``Why:`` ...)."""
        return split_doc_sections(self.doc)


def split_doc_sections(doc: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    for raw in inspect.cleandoc(doc).splitlines():
        heading = raw.rstrip(":").strip()
        if raw.strip().endswith(":") and heading in DOC_SECTIONS:
            if current is not None:
                sections[current] = "\n".join(buffer).strip()
            current, buffer = heading, []
        elif current is not None:
            buffer.append(raw)
    if current is not None:
        sections[current] = "\n".join(buffer).strip()
    return sections


_MODULE_EDITS_ATTR = "__claimedit_edits__"


def edit(
    *,
    code: str,
    name: str,
    family: str,
    category: Category,
    severity: Severity,
    since: str,
    options: type[EditOptions] = NoOptions,
    default_enabled: bool = True,
    needs_history: bool = False,
    needs_any: Iterable[str] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``check`` as an edit of its module. The docstring is the edit's documentation."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"edit code {code!r} must look like ABC123")
    if not NAME_PATTERN.match(name):
        raise ValueError(f"edit name {name!r} must be kebab-case")
    needs = frozenset(needs_any) if needs_any is not None else None
    spec = EditSpec(code, name, family, category, severity, since, options, default_enabled, needs_history, needs)

    def register(check: CheckFunction) -> CheckFunction:
        module = inspect.getmodule(check)
        if module is None:
            raise RuntimeError(f"edit {code} is not defined in a module")
        entries: list[RegisteredEdit] = module.__dict__.setdefault(_MODULE_EDITS_ATTR, [])
        entries.append(RegisteredEdit(spec, check, inspect.getdoc(check) or "", module.__name__))
        return check

    return register


def registered_in_module(module: object) -> list[RegisteredEdit]:
    entries: list[RegisteredEdit] = getattr(module, _MODULE_EDITS_ATTR, [])
    return list(entries)
