"""Findings: what an edit says about a claim, in words a coder reads and a structure a program applies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

from claimedit_edits.catalogue import category_catalogue

__all__ = [
    "CATEGORIES",
    "Category",
    "Finding",
    "Fix",
    "FixAction",
    "Severity",
    "Verdict",
    "verdict_for",
]

Severity = Literal["error", "warning", "info"]


def _known_category(name: str) -> str:
    return category_catalogue().check(name)


def _category_enum(schema: dict[str, JsonValue]) -> None:
    schema["enum"] = list(category_catalogue().names)


Category = Annotated[str, AfterValidator(_known_category), Field(json_schema_extra=_category_enum)]
"""A finding category: a name ``categories.toml`` lists (checked on validation; the JSON Schema enum is the file's)."""
CATEGORIES: tuple[str, ...] = category_catalogue().names
"""The replay contract's category vocabulary, in documentation (file) order."""
Verdict = Literal["accepted", "accepted_with_warnings", "rejected", "unreadable"]
FixAction = Literal[
    "replace_code",
    "change_units",
    "add_modifier",
    "remove_modifier",
    "replace_modifier",
    "repoint_diagnosis",
    "replace_diagnosis",
    "add_line",
    "remove_line",
    "merge_lines",
    "correct_amount",
    "correct_segment",
]


class Fix(BaseModel):
    """A structured suggestion a PM system can apply or show: what to change, on which line, to what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: FixAction
    line: int | None = None
    """LX number the fix applies to, or None for the claim."""
    current: str | None = None
    """The value on the claim now (code, units, modifier, pointer ...)."""
    suggested: str | None = None
    """The value to put in its place."""
    detail: str = ""
    """The fix in one plain sentence."""


class Finding(BaseModel):
    """One result of one edit on one claim (or on an envelope, for syntax findings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    """Stable edit code, e.g. LES003. Never reused for another meaning."""
    edit: str = ""
    """The edit's kebab-case name."""
    category: Category
    severity: Severity
    line: int | None = None
    """LX number of the service line concerned, or None for the claim as a whole."""
    message: str
    """The rule in plain words, naming the line and what was found."""
    source: str = ""
    """Where the rule comes from: table and edition, CPT or ICD-10-CM rule, implementation guide."""
    fix: Fix | None = None
    location: str | None = Field(default=None)
    """For syntax findings: interchange / group / transaction / segment / element."""


def verdict_for(findings: list[Finding] | tuple[Finding, ...]) -> Verdict:
    """rejected on any error, accepted_with_warnings on warnings only, else accepted."""
    severities = {finding.severity for finding in findings}
    if "error" in severities:
        return "rejected"
    if "warning" in severities:
        return "accepted_with_warnings"
    return "accepted"
