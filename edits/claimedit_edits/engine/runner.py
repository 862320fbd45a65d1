"""Runs the selected edits over claims. One failing edit is an ``internal`` finding, never a lost claim."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import structlog

from claimedit_edits.engine.context import ClaimHistory, ClaimScope, DateOfService, EditContext
from claimedit_edits.engine.options import EditOptions
from claimedit_edits.engine.reference import Reference
from claimedit_edits.engine.registry import Registry
from claimedit_edits.engine.spec import CODE_PAIR, EM_VISIT, LINE_NOTES, MODIFIED, CheckFunction, Hit, RegisteredEdit
from claimedit_edits.model import Claim, Finding, Severity

__all__ = ["Engine", "Selection", "SelectionPolicy"]

_log = structlog.get_logger("claimedit.engine")
_MAX_PLANS = 256
"""Policies return one Selection object per layer; a policy building one per claim only costs recomputation."""
_MAX_RUNNABLE = 1024
"""Sets of claim features remembered per plan with the edits they run (bounded whatever the claims bill)."""


@dataclass(frozen=True)
class Selection:
    """Which edits run and at which severity (for one claim, after payer layers are applied)."""

    select: frozenset[str] = frozenset()
    """Codes, names, families or categories to run; empty means every edit enabled by default."""
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    extend_select: frozenset[str] = frozenset()
    """Added to the selection (e.g. an opt-in edit by its code) without narrowing it."""
    options: Mapping[str, EditOptions] = field(default_factory=dict)
    """Per-edit options by edit code, validated against each edit's options model (others get its defaults)."""

    def enabled(self, edit: RegisteredEdit) -> bool:
        spec = edit.spec
        keys = {spec.code, spec.name, spec.family, spec.category}
        if keys & self.ignore:
            return False
        named = {spec.code, spec.name}
        if named & self.extend_select or named & self.select:
            return True
        if not spec.default_enabled:
            return False
        if self.select:
            return bool(keys & self.select) or bool(keys & self.extend_select)
        return True

    def severity_of(self, edit: RegisteredEdit) -> Severity:
        return self.severity.get(edit.spec.code, edit.spec.default_severity)

    def options_of(self, edit: RegisteredEdit) -> EditOptions:
        options = self.options.get(edit.spec.code)
        return options if options is not None else edit.spec.options()


class SelectionPolicy:
    """Chooses the selection for a claim. The TOML configuration subclasses this with payer layers."""

    def __init__(self, default: Selection | None = None) -> None:
        self.default = default or Selection()

    def for_claim(self, claim: Claim) -> Selection:  # noqa: ARG002  (subclasses choose by the claim's payer)
        return self.default


_Step = tuple[CheckFunction, int, RegisteredEdit, Severity, frozenset[str] | None]
"""One planned edit as the loop over a claim's edits reads it (a tuple: unpacked faster than attributes): its
check, the index of its context among the plan's distinct options (edits with equal options share one), the
edit, its severity and the claim features it needs one of (``EditSpec.needs_any``)."""


@dataclass(frozen=True, slots=True)
class _Plan:
    edits: list[_Step]
    options: list[EditOptions]
    """The distinct options of the plan: one :class:`EditContext` each per claim, not one per edit."""
    without_history: list[_Step]
    """The edits that can find something in a claim edited without the patient's history."""
    runnable: dict[tuple[bool, frozenset[str]], list[_Step]] = field(default_factory=dict)
    """By (with history, claim features): the edits that can find something in a claim holding those features
    (``EditSpec.needs_any``), in plan order. Most claims hold the same few features: each edit's needs are
    checked once for them, not once per claim."""

    def steps_for(self, with_history: bool, held: frozenset[str]) -> list[_Step]:
        """The edits to run on a claim holding ``held`` (its features, :func:`_features`)."""
        key = (with_history, held)
        found = self.runnable.get(key)
        if found is None:
            steps = self.edits if with_history else self.without_history
            found = [step for step in steps if step[4] is None or not step[4].isdisjoint(held)]
            if len(self.runnable) >= _MAX_RUNNABLE:
                self.runnable.clear()
            self.runnable[key] = found
        return found


class Engine:
    """The edit engine: pure functions of a claim plus injected reference data."""

    def __init__(self, registry: Registry, reference: Reference, policy: SelectionPolicy | None = None) -> None:
        self.registry = registry
        self.reference = reference
        self.policy = policy or SelectionPolicy()
        self._edits: Sequence[RegisteredEdit] = list(registry)
        self._plans: dict[int, tuple[Selection, _Plan]] = {}

    def _plan(self, selection: Selection) -> _Plan:
        """Enabled edits with their severity and options: computed once per selection."""
        plan = self._plans.get(id(selection))
        if plan is None or plan[0] is not selection:
            distinct: dict[tuple[type[EditOptions], object], tuple[int, EditOptions]] = {}
            edits: list[_Step] = []
            for edit in self._edits:
                if selection.enabled(edit):
                    options = selection.options_of(edit)
                    context, _ = distinct.setdefault(_options_key(options), (len(distinct), options))
                    edits.append((edit.check, context, edit, selection.severity_of(edit), edit.spec.needs_any))
            if len(self._plans) >= _MAX_PLANS:
                self._plans.clear()
            options_list = [options for _, options in distinct.values()]
            alone = [step for step in edits if not step[2].spec.needs_history]
            plan = self._plans[id(selection)] = (selection, _Plan(edits, options_list, alone))
        return plan[1]

    def check(self, claim: Claim, history: ClaimHistory | None = None) -> list[Finding]:
        """All findings of the enabled edits on one claim, in edit-code order."""
        plan = self._plan(self.policy.for_claim(claim))
        steps = plan.edits if history is not None else plan.without_history
        if not steps:  # nothing to run (e.g. only history edits enabled, no history): no claim to prepare
            return []
        scope = ClaimScope(claim, self.reference, history)
        dates = _dates_of(scope)
        build = EditContext.for_claim
        contexts = [build(scope, options, dates) for options in plan.options]
        if dates is not None:  # the edits looking for nothing the claim holds are left out: they would find nothing
            steps = plan.steps_for(history is not None, frozenset(_features(dates)))
        findings: list[Finding] = []
        for check, context, registered, severity, _ in steps:
            found = 0  # this edit's findings so far (a count, not a len() per edit: most edits find nothing)
            try:
                for hit in check(contexts[context]):
                    findings.append(_finding(registered, hit, severity))
                    found += 1
            except Exception as exc:  # noqa: BLE001  (an edit's bug must not lose the claim)
                if found:
                    del findings[-found:]  # what the edit found before failing is not reported: it did not finish
                _log.error(
                    "edit_failed",
                    edit=registered.spec.code,
                    claim_id=claim.claim_id,
                    error=type(exc).__name__,
                )
                findings.append(_internal_finding(registered, exc))
        return findings

    def check_all(self, claims: Iterable[Claim]) -> list[list[Finding]]:
        return [self.check(claim) for claim in claims]


def _features(dates: tuple[DateOfService, ...]) -> set[str]:
    """What the claim holds that edits declare they need (``EditSpec.needs_any``): its procedure codes, its lines'
    modifiers, and whether a date bills two codes or an E/M code, a line carries a modifier, a line has notes."""
    held: set[str] = set()
    for date in dates:
        codes = date.codes
        held |= codes
        if len(codes) > 1:
            held.add(CODE_PAIR)
        em_codes = date.tables.em_codes
        for code in codes:
            if code in em_codes:
                held.add(EM_VISIT)
                break
        for line in date.lines:
            if line.modifiers:
                held.update(line.modifiers)
                held.add(MODIFIED)
            if line.notes:
                held.add(LINE_NOTES)
    return held


def _dates_of(scope: ClaimScope) -> tuple[DateOfService, ...] | None:
    """The claim's dates, built once for every context; None when they cannot be built (no tables): the edits that
    read them then fail one by one, each with its own internal finding, as they would reading them lazily."""
    try:
        return scope.dates
    except Exception:  # noqa: BLE001  (reported by each edit that reads the dates)
        return None


def _options_key(options: EditOptions) -> tuple[type[EditOptions], object]:
    """Equal options of one model share a context; options that cannot be hashed get one of their own."""
    try:
        hash(options)
    except TypeError:
        return type(options), id(options)
    return type(options), options


def _finding(registered: RegisteredEdit, hit: Hit, severity: Severity) -> Finding:
    spec = registered.spec
    return Finding(
        code=spec.code,
        edit=spec.name,
        category=spec.category,
        severity=hit.severity if hit.severity is not None and hit.severity != spec.default_severity else severity,
        line=hit.line,
        message=hit.message,
        source=hit.source,
        fix=hit.fix,
    )


def _internal_finding(registered: RegisteredEdit, exc: Exception) -> Finding:
    return Finding(
        code="INT001",
        edit="edit-raised-an-exception",
        category="internal",
        severity="error",
        message=(
            f"Edit {registered.spec.code} ({registered.spec.name}) failed on this claim with "
            f"{type(exc).__name__}; the claim was not fully checked. This is a claimedit defect, not a "
            "coding problem: report it with the claim id."
        ),
        source="claimedit engine",
    )
