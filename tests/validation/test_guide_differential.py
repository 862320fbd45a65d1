"""pyx12 stays the oracle: the compiled guide never calls clean what pyx12 rejects, and writes pyx12's 999s.

Every fixture, every public sample, bench/make_interchange.py output, the regression cases of
``cases/`` and a hypothesis corpus of mutated clean interchanges (``CLAIMEDIT_GUIDE_MUTATIONS``
examples, 150 by default; ``python bench/diff_guide.py`` runs hundreds of thousands) go through the
pipeline's validation and through the guide (see ``differential.py``). The coverage of each corpus
is printed at the end of the run.

The harness itself is pinned with guides written here: pyx12 behind the guide protocol agrees
everywhere and covers everything (so the segments fed and the 999 normalisation are right), and a guide
that lies (always clean, a changed 999, a ``clean`` that comes back) is caught.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from claimedit_test_support import bench_generator
from hypothesis import HealthCheck, given, note, settings

from claimedit.results import GroupAck
from claimedit.validation.gate import Guide, InterchangeCheck, Pyx12Only
from claimedit.validation.pyx12 import Pyx12Validator, ValidationReport
from claimedit.x12.tokens import Delimiters, Segment

from .conftest import CASES, case_files, fixture_files, sample_files
from .differential import REPORTED, Differential, Outcome, Remembered, Tally, pyx12_accepts
from .mutations import ElementSpec, Mutation, RandomChooser, Seed, _Wanted, mutate, mutations, seed_from_text

MUTATIONS = int(os.environ.get("CLAIMEDIT_GUIDE_MUTATIONS", "150"))
CI_SEED_SEGMENTS = 300
"""Seeds longer than this are left to bench/diff_guide.py: a mutation's cost grows with its seed."""


def _generated() -> list[tuple[str, str]]:
    generator = bench_generator()
    return [
        (f"make_interchange --claims {claims} --seed {seed}", generator.build_interchange(claims, seed=seed, **extra))
        for claims, seed, extra in ((1, 1, {}), (12, 7, {}), (40, 837, {"claims_per_transaction": 15}))
    ]


def _files(paths: list[Path]) -> list[tuple[str, bytes]]:
    return [(str(path), path.read_bytes()) for path in paths]


def _tally(differential: Differential, inputs: list[tuple[str, bytes]] | list[tuple[str, str]]) -> Tally:
    tally = Tally()
    for source, data in inputs:
        tally.add(source, differential.check(data, source))
    return tally


def _disagreements(tally: Tally) -> list[str]:
    return [f"{source}: {outcome.disagreement}" for source, outcome in tally.disagreements]


# --- guides written for the harness's own tests ----------------------------------------------------


class _Pyx12Check:
    """pyx12 over the segments fed, joined back as the pipeline writes them, validated at the IEA."""

    def __init__(self, validator: Pyx12Validator, isa: Segment, delimiters: Delimiters) -> None:
        self._validator = validator
        self._separator = delimiters.segment if delimiters.segment == "\n" else f"{delimiters.segment}\n"
        self._lines = [isa.raw]
        self._report: ValidationReport | None = None

    def feed(self, segment: Segment) -> None:
        self._lines.append(segment.raw)
        if segment.tag == "IEA":
            self._report = self._validator.validate("".join(f"{line}{self._separator}" for line in self._lines))

    @property
    def clean(self) -> bool:
        return self._report is None or pyx12_accepts(self._report)

    def acks(self) -> list[GroupAck]:
        return self._report.acks if self._report is not None and self.clean else []


class _Pyx12AsGuide:
    """A perfect guide: pyx12 itself (its 999s carry fresh dates and control numbers: normalised away)."""

    def __init__(self) -> None:
        self.validator = Pyx12Validator()

    def open(self, isa: Segment, delimiters: Delimiters) -> InterchangeCheck:
        return _Pyx12Check(self.validator, isa, delimiters)


class _AlwaysClean:
    clean = True

    def feed(self, segment: Segment) -> None:
        del segment

    def acks(self) -> list[GroupAck]:
        return []


class _LiarGuide:
    """Says clean whatever it is fed."""

    def open(self, isa: Segment, delimiters: Delimiters) -> InterchangeCheck:
        return _AlwaysClean()


class _ChangedAckCheck(_Pyx12Check):
    def acks(self) -> list[GroupAck]:
        return [replace(ack, x12=ack.x12.replace("AK1", "AK1 ", 1)) for ack in super().acks()]


class _ChangedAckGuide(_Pyx12AsGuide):
    """pyx12's verdicts, but one byte of each 999 changed outside the elements that are normalised."""

    def open(self, isa: Segment, delimiters: Delimiters) -> InterchangeCheck:
        return _ChangedAckCheck(self.validator, isa, delimiters)


class _Flapping:
    def __init__(self) -> None:
        self.fed = 0

    def feed(self, segment: Segment) -> None:
        del segment
        self.fed += 1

    @property
    def clean(self) -> bool:
        return self.fed != 1

    def acks(self) -> list[GroupAck]:
        return []


class _FlappingGuide:
    """Unclean after the first segment, clean again after the second: ``clean`` must be sticky."""

    def open(self, isa: Segment, delimiters: Delimiters) -> InterchangeCheck:
        return _Flapping()


# --- shared state ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def differential(guide_under_test: Guide) -> Differential:
    return Differential(guide_under_test)


@pytest.fixture(scope="module")
def seeds(differential: Differential) -> list[Seed]:
    """Every pyx12-clean interchange of the fixtures and of a generated file, with the map node of each segment."""
    found: list[Seed] = []
    for source, data in [*_files(fixture_files()), *_generated()]:
        for number, outcome in enumerate(differential.check(data, source)):
            if outcome.pyx12_clean:
                seed = seed_from_text(f"{Path(source).name}#{number}", outcome.text, differential.validator)
                if seed is not None and len(seed.segments) <= CI_SEED_SEGMENTS:
                    found.append(seed)
    return found


def _hypothesis(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=False,
    )


# --- the guide under test ----------------------------------------------------------------------------


def test_the_guide_agrees_with_pyx12_on_every_fixture(differential: Differential) -> None:
    tally = REPORTED["x12_fixtures"] = _tally(differential, _files(fixture_files()))
    assert [] == _disagreements(tally)
    assert tally.pyx12_clean > 0


def test_the_guide_agrees_with_pyx12_on_every_public_sample(differential: Differential) -> None:
    samples = sample_files()
    if not samples:
        pytest.skip("shared/x12-samples is not beside this checkout (a standalone clone)")
    tally = REPORTED["x12-samples"] = _tally(differential, _files(samples))
    assert [] == _disagreements(tally)


def test_the_guide_agrees_with_pyx12_on_generated_interchanges(differential: Differential) -> None:
    tally = REPORTED["make_interchange"] = _tally(differential, _generated())
    assert [] == _disagreements(tally)
    assert tally.interchanges == tally.pyx12_clean


def test_the_guide_agrees_with_pyx12_on_every_regression_case(differential: Differential) -> None:
    cases = case_files()
    tally = REPORTED["cases"] = _tally(differential, _files(cases))
    assert [] == _disagreements(tally)
    assert tally.interchanges == len(cases)


def test_each_case_gets_the_pyx12_verdict_its_readme_row_states(differential: Differential) -> None:
    """The cases stay at the edge they were written for: pyx12 still accepts or rejects each as listed."""
    rows = [line.split("|") for line in (CASES / "README.md").read_text().splitlines() if line.startswith("| ")]
    stated = {row[1].strip(): row[3].strip().startswith("accepts") for row in rows[1:]}
    found = {path.stem: all(o.pyx12_clean for o in differential.check(path.read_bytes())) for path in case_files()}
    assert stated == found


def test_the_guide_agrees_with_pyx12_on_mutated_clean_interchanges(
    differential: Differential, seeds: list[Seed]
) -> None:
    tally = REPORTED["mutations"] = Tally()

    @_hypothesis(MUTATIONS)
    @given(mutation=mutations(seeds))
    def agrees(mutation: Mutation) -> None:
        note(f"seed {mutation.seed.name}: {', '.join(mutation.done)}")
        outcomes = differential.check(mutation.text(), mutation.seed.name)
        tally.add(mutation.seed.name, outcomes)
        assert [] == [outcome.disagreement for outcome in outcomes if outcome.disagreement]

    agrees()
    assert tally.interchanges >= 0.9 * MUTATIONS  # a few mutated ISAs are past reading: nothing to validate


def test_mutations_are_accepted_by_pyx12_about_half_the_time(differential: Differential, seeds: list[Seed]) -> None:
    """Both sides of the guide's rules are exercised: inputs it must call clean, and inputs it must not.

    Measured with the random draws bench/diff_guide.py makes (hypothesis favours the simplest choices).
    """
    tally = Tally()
    for number in range(120):
        chooser = RandomChooser(random.Random(number))
        mutation = mutate(chooser.choice(seeds), chooser)
        tally.add(mutation.seed.name, differential.check(mutation.text(), mutation.seed.name))
    assert 0.35 <= tally.pyx12_clean / tally.interchanges <= 0.65


# --- the harness itself ------------------------------------------------------------------------------


def test_seeds_come_from_every_clean_fixture_folder(seeds: list[Seed]) -> None:
    assert {"clean", "edits"} <= {
        path.parent.name for path in fixture_files() if any(s.name.startswith(f"{path.name}#") for s in seeds)
    }


def test_element_positions_are_remembered_per_predicate_and_per_value_it_closes_over(seeds: list[Seed]) -> None:
    """Mutations pick elements from positions remembered per spec: a lambda closing over another value is another."""

    def wanting(any_element: bool) -> Callable[[ElementSpec], bool]:
        return lambda element: any_element or bool(element.components)

    spec = next(s for seed in seeds for s in seed.specs if s.elements and not any(e.components for e in s.elements))
    every = tuple(range(1, len(spec.elements) + 1))
    assert [(), every, (), every] == [_Wanted(wanting(flag)).of(spec) for flag in (False, True, False, True)]


def test_pyx12_behind_the_guide_protocol_agrees_everywhere_and_covers_everything(seeds: list[Seed]) -> None:
    differential = Differential(_Pyx12AsGuide())
    small_samples = [path for path in sample_files() if path.stat().st_size < 50_000]
    tally = _tally(differential, [*_files(fixture_files()), *_files(small_samples), *_generated()])

    @_hypothesis(25)
    @given(mutation=mutations(seeds))
    def mutated(mutation: Mutation) -> None:
        tally.add(mutation.seed.name, differential.check(mutation.text(), mutation.seed.name))

    mutated()
    assert [] == _disagreements(tally)
    assert 1.0 == tally.coverage
    assert tally.pyx12_clean > 20


def test_a_guide_that_always_says_clean_is_caught_wherever_pyx12_rejects(seeds: list[Seed]) -> None:
    differential = Differential(_LiarGuide())
    outcomes = [outcome for _, data in _files(fixture_files()) for outcome in differential.check(data)]

    @_hypothesis(25)
    @given(mutation=mutations(seeds))
    def mutated(mutation: Mutation) -> None:
        outcomes.extend(differential.check(mutation.text()))

    mutated()
    complete = [o for o in outcomes if not o.rejected_before and o.text.rstrip().rsplit("\n", 1)[-1].startswith("IEA")]
    rejected = [outcome for outcome in complete if not outcome.pyx12_clean]
    assert len(rejected) > 10
    assert all("the guide says clean, pyx12 does not" in outcome.disagreement for outcome in rejected)


def test_a_guide_that_says_clean_without_its_999s_is_caught() -> None:
    tally = _tally(Differential(_LiarGuide()), _generated())
    assert tally.pyx12_clean == len(tally.disagreements) > 0
    assert all("999" in outcome.disagreement for _, outcome in tally.disagreements)


def test_a_999_changed_outside_its_dates_and_control_numbers_is_caught() -> None:
    tally = _tally(Differential(_ChangedAckGuide()), _generated())
    assert tally.pyx12_clean == len(tally.disagreements) > 0
    assert all("the 999s differ" in outcome.disagreement for _, outcome in tally.disagreements)


def test_a_clean_that_comes_back_after_going_false_is_caught() -> None:
    tally = _tally(Differential(_FlappingGuide()), _generated()[:1])
    assert ["clean went False and then True again"] == [outcome.disagreement for _, outcome in tally.disagreements]


@pytest.mark.parametrize(
    "guide", [_LiarGuide(), _ChangedAckGuide(), _FlappingGuide(), Pyx12Only()], ids=["liar", "999", "flap", "none"]
)
def test_pyx12_left_out_where_the_guide_says_unclean_loses_no_disagreement(guide: Guide, seeds: list[Seed]) -> None:
    """bench/diff_guide.py asks pyx12 only where its verdict can disagree: every disagreement is still found,
    and where pyx12 is asked its verdict is the one it gives when asked everywhere."""
    inputs: list[bytes | str] = [data for _, data in _files(fixture_files())] + [text for _, text in _generated()]
    for number in range(20):
        chooser = RandomChooser(random.Random(number))
        inputs.append(mutate(chooser.choice(seeds), chooser).text())

    everywhere, where_needed = Differential(guide), Differential(guide)
    pairs = [
        pair
        for data in inputs
        for pair in zip(everywhere.check(data), where_needed.check(data, pyx12_when_unclean=False), strict=True)
    ]

    assert [(a.disagreement, a.guide_clean, a.rejected_before) for a, _ in pairs] == [
        (b.disagreement, b.guide_clean, b.rejected_before) for _, b in pairs
    ]
    assert [a.guide_clean or bool(a.disagreement) for a, _ in pairs] == [b.pyx12_asked for _, b in pairs]
    assert [(a.pyx12_clean, a.pyx12_says) for a, b in pairs if b.pyx12_asked] == [
        (b.pyx12_clean, b.pyx12_says) for _, b in pairs if b.pyx12_asked
    ]
    assert all(a.pyx12_asked for a, _ in pairs)
    asked = sum(b.pyx12_asked for _, b in pairs)
    assert asked == 0 if isinstance(guide, Pyx12Only) else 0 < asked < len(pairs)


def test_a_repeated_text_is_answered_from_its_first_check_with_its_verdicts_and_disagreements() -> None:
    """bench/diff_guide.py counts a mutation drawn again from its first check: nothing may be lost there."""

    def verdicts(outcomes: list[Outcome]) -> list[tuple[bool, bool, str, str, bool]]:
        return [(o.pyx12_clean, o.guide_clean, o.disagreement, o.pyx12_says, o.rejected_before) for o in outcomes]

    texts: list[bytes | str] = [data for _, data in _files(fixture_files())] + [text for _, text in _generated()]
    remembered = Remembered(Differential(_LiarGuide()))
    first = [remembered.check(text, label=f"input {number}") for number, text in enumerate(texts)]
    again = [remembered.check(text, label="again") for text in texts]

    fresh = Differential(_LiarGuide())
    assert [verdicts(fresh.check(text)) for text in texts] == [verdicts(outcomes) for outcomes, _ in again]
    assert [None] * len(texts) == [earlier for _, earlier in first]
    labels = {text: f"input {number}" for number, text in reversed(list(enumerate(texts)))}  # a text's first label
    assert [labels[text] for text in texts] == [earlier for _, earlier in again]
    assert len(set(texts)) == remembered.checked
    caught = [o.disagreement for outcomes, _ in again for o in outcomes if o.disagreement]
    assert any("pyx12 does not" in why for why in caught)
    assert any("999" in why for why in caught)


def test_a_repeat_that_wants_pyx12_everywhere_is_checked_again_when_its_first_check_left_pyx12_out() -> None:
    text = _generated()[0][1]
    remembered = Remembered(Differential(Pyx12Only()))
    (first, _), (repeat, _) = (remembered.check(text, label="1", pyx12_when_unclean=False) for _ in range(2))
    (full, earlier), (full_again, earlier_again) = (remembered.check(text, label="2") for _ in range(2))
    assert ([False], [False]) == ([o.pyx12_asked for o in first], [o.pyx12_asked for o in repeat])
    assert (None, [True], "2") == (earlier, [o.pyx12_clean for o in full], earlier_again)
    assert [o.pyx12_clean for o in full] == [o.pyx12_clean for o in full_again]
    assert 2 == remembered.checked


def test_the_guide_that_knows_nothing_covers_nothing_and_never_disagrees() -> None:
    tally = _tally(Differential(Pyx12Only()), _files(fixture_files()))
    assert (0, [], 0.0) == (tally.guide_clean, tally.disagreements, tally.coverage)
