"""What the engine hands every edit: one claim grouped by date of service, its tables, and the edit's options.

The engine builds one :class:`ClaimScope` per claim (the per-date view is computed once, on first use, and
shared by every edit of that claim) and one :class:`EditContext` per edit, carrying that edit's typed
options. Edits receive nothing else: no thread-local cache, no other family's helpers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from claimedit_edits.engine.history import ClaimHistory
from claimedit_edits.engine.options import EditOptions, NoOptions
from claimedit_edits.model import Claim, ServiceLine

if TYPE_CHECKING:
    from claimedit_edits.codesets import CodeSets
    from claimedit_edits.engine.reference import Icd10Cm, Reference
    from claimedit_edits.tables import TableSet

__all__ = ["ClaimHistory", "ClaimScope", "DateOfService", "EditContext", "line_list", "units"]

_O = TypeVar("_O", bound=EditOptions)
_T = TypeVar("_T")
_set = object.__setattr__
_new = object.__new__


def units(line: ServiceLine) -> int:
    """SV104 as a whole number of units (a fractional count rounds up: 1.5 lesions are 2)."""
    return math.ceil(line.units)


def line_list(lines: Iterable[ServiceLine]) -> str:
    """``line 3`` or ``lines 1, 2 and 4`` for a message."""
    numbers = [str(line.number) for line in lines]
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return "lines " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


@dataclass(frozen=True, slots=True)
class DateOfService:
    """The lines of one date of service and the table editions for that date."""

    day: dt.date | None
    lines: tuple[ServiceLine, ...]
    tables: TableSet
    codes: frozenset[str] = field(default=frozenset())
    """Every procedure code billed on the date (filled by :meth:`of`)."""
    _units: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Units billed per procedure code on the date (filled by :meth:`of`)."""
    _derived: dict[Callable[[DateOfService], Any], Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, day: dt.date | None, lines: tuple[ServiceLine, ...], tables: TableSet) -> DateOfService:
        billed: dict[str, int] = {}
        for line in lines:
            code = line.procedure_code
            billed[code] = billed.get(code, 0) + math.ceil(line.units)  # units(line), inlined
        # what the frozen dataclass's __init__ does, without its checks: built for every date of every claim
        date = object.__new__(cls)
        _set(date, "day", day)
        _set(date, "lines", lines)
        _set(date, "tables", tables)
        _set(date, "codes", frozenset(billed))
        _set(date, "_units", billed)
        _set(date, "_derived", {})
        return date

    @property
    def label(self) -> str:
        return self.day.isoformat() if self.day else "the claim's date of service"

    def with_code(self, *codes: str) -> list[ServiceLine]:
        return [line for line in self.lines if line.procedure_code in codes]

    def units_of(self, *codes: str) -> int:
        if not self._units and self.lines:  # built without :meth:`of`
            return sum(units(line) for line in self.lines if line.procedure_code in codes)
        billed = self._units
        total = 0
        for code in codes:
            total += billed.get(code, 0)
        return total

    def derived(self, function: Callable[[DateOfService], _T]) -> _T:
        """``function(self)``, computed once per date of the claim and shared by every edit (``function`` is pure)."""
        try:
            found: _T = self._derived[function]
        except KeyError:
            found = self._derived[function] = function(self)
        return found


class ClaimScope:
    """One claim as the engine prepares it for all its edits: built once per claim, shared by the edits."""

    __slots__ = ("_dates", "_derived", "_lines_with_tables", "claim", "history", "reference")

    def __init__(self, claim: Claim, reference: Reference, history: ClaimHistory | None = None) -> None:
        self.claim = claim
        self.reference = reference
        self.history = history
        self._dates: tuple[DateOfService, ...] | None = None
        self._lines_with_tables: tuple[tuple[ServiceLine, TableSet], ...] | None = None
        self._derived: dict[Callable[[Claim], Any], Any] = {}

    @property
    def dates(self) -> tuple[DateOfService, ...]:
        """The claim's lines grouped by date of service (claim date for lines without one), in claim order."""
        if self._dates is None:
            grouped: dict[dt.date | None, list[ServiceLine]] = {}
            claim_day = self.claim.date_of_service
            lines = self.claim.service_lines
            for line in lines:
                grouped.setdefault(line.date_of_service or claim_day, []).append(line)  # Claim.line_date, inlined
            tables_at = self.reference.tables_at
            if len(grouped) == 1:  # the usual claim: one date, its lines the claim's own tuple
                (day,) = grouped
                self._dates = (DateOfService.of(day, lines, tables_at(day)),)
            else:
                self._dates = tuple(DateOfService.of(day, tuple(on), tables_at(day)) for day, on in grouped.items())
        return self._dates

    @property
    def lines_with_tables(self) -> tuple[tuple[ServiceLine, TableSet], ...]:
        """Each line with the table editions of its date, in date-group order."""
        if self._lines_with_tables is None:
            self._lines_with_tables = tuple((line, date.tables) for date in self.dates for line in date.lines)
        return self._lines_with_tables

    def derived(self, function: Callable[[Claim], _T]) -> _T:
        """``function(claim)``, computed once per claim and shared by every edit (``function`` must be pure)."""
        try:
            found: _T = self._derived[function]
        except KeyError:
            found = self._derived[function] = function(self.claim)
        return found


class EditContext:
    """Everything one edit sees of one claim: built by the engine for every edit of every claim (kept light)."""

    __slots__ = ("claim", "dates", "options", "scope")

    claim: Claim
    """The claim (an attribute, not a property: edits read it often; None only in a context built for an options
    check)."""
    dates: tuple[DateOfService, ...]
    """The claim's lines grouped by date of service, with their tables (a slot filled when the context is built: every
    edit reads it; left unset when they cannot be built, and then read through the scope, which raises the reason)."""
    options: EditOptions
    """This edit's options, validated at start-up (the model the edit declared, payer layers applied)."""

    def __init__(self, scope: ClaimScope, options: EditOptions | None = None) -> None:
        self.scope = scope
        self.options = options if options is not None else NoOptions()
        if not isinstance(scope, ClaimScope):  # a context built for an options check (scope None)
            self.claim = cast("Claim", None)  # type: ignore[unreachable]
            return
        self.claim = scope.claim
        try:
            self.dates = scope.dates
        except Exception:  # noqa: BLE001  (raised again, as the edit's own failure, when an edit reads them)
            self.__class__ = _UndatedEditContext

    @classmethod
    def for_claim(cls, scope: ClaimScope, options: EditOptions, dates: tuple[DateOfService, ...] | None) -> EditContext:
        """What :meth:`__init__` builds, without its checks: the engine builds one per claim and distinct options."""
        context = _new(cls if dates is not None else _UndatedEditContext)
        context.scope = scope
        context.claim = scope.claim
        context.options = options
        if dates is not None:
            context.dates = dates
        return context

    @property
    def history(self) -> ClaimHistory | None:
        return self.scope.history

    @property
    def icd10cm(self) -> Icd10Cm:
        return self.scope.reference.icd10cm

    @property
    def codesets(self) -> CodeSets:
        """Dated code sets: ``ctx.codesets.at("icd10cm", day)`` is the ICD-10-CM edition for a date of service."""
        reference = self.scope.reference
        codesets = reference.codesets
        return codesets if codesets is not None else reference.code_sets()

    def tables_at(self, day: dt.date | None) -> TableSet:
        """The table editions for any date (e.g. a post-operative window reaching past the claim's dates)."""
        return self.scope.reference.tables_at(day)

    def lines_with_tables(self) -> tuple[tuple[ServiceLine, TableSet], ...]:
        """Each line with the table editions of its date (built once per claim)."""
        built = self.scope._lines_with_tables  # the scope's own cache, read without a second property call
        return built if built is not None else self.scope.lines_with_tables

    def derived(self, function: Callable[[Claim], _T]) -> _T:
        """``function(claim)`` computed once per claim and shared by the claim's edits: for a helper several edits
        call (the claim's parties, its received date). ``function`` must be a pure function of the claim."""
        found: _T | None = self.scope._derived.get(function)  # the scope's own cache, read without a second call
        return found if found is not None else self.scope.derived(function)

    def options_as(self, kind: type[_O]) -> _O:
        """The options as the model the edit declared (the engine guarantees the type)."""
        if not isinstance(self.options, kind):
            raise TypeError(f"edit options are {type(self.options).__name__}, not {kind.__name__}")
        return self.options


class _UndatedEditContext(EditContext):
    """A context whose claim's dates could not be built (no tables): reading ``dates`` raises the reason again, as
    the reading edit's own failure. A subclass rather than a ``__getattr__`` on :class:`EditContext`: a class with
    ``__getattr__`` loses CPython's specialised attribute reads, paid on every read of every edit of every claim."""

    __slots__ = ()

    if not TYPE_CHECKING:  # the type checker keeps seeing the declared attribute

        @property
        def dates(self) -> tuple[DateOfService, ...]:
            return self.scope.dates
