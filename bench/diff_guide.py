"""The long differential run of issue 12: N mutated clean interchanges through pyx12 and the compiled guide.

Mutation ``i`` is drawn from ``random.Random(seed + i)`` (tests/validation/mutations.py), so any one can
be made again. The seeds are every pyx12-clean interchange of x12_fixtures/ and of a few
bench/make_interchange.py files. Work is shared across processes in chunks; each disagreement (the
guide called clean what pyx12 rejects, or wrote another 999) is cut down to the fewest segments that
still disagree and saved as ``bench/out/guide-disagreements/mutation-<i>.x12`` (the mutation as drawn
beside it, ``.original.x12``, and what differs, ``.txt``).

    python bench/diff_guide.py                       # 200,000 mutations, one process per core
    python bench/diff_guide.py -n 20000 --seconds 900 --workers 2
    python bench/diff_guide.py --workers 2 --coverage-every 4   # pyx12 left out where it cannot disagree

Prints mutations/s (and the workers' CPU time per mutation, which is what compares on a shared
machine), how many interchanges the guide called clean, how many pyx12 accepted, the disagreements
(there must be none) and the coverage (share of pyx12-clean interchanges the guide called clean), with
the load average and the code validated (git tree of the guide package, blobs of the modules feeding
it). The guide is the compiled one (``CLAIMEDIT_GUIDE=pyx12-only``: Pyx12Only, to time the harness).

Two savings that find every disagreement all the same:

- pyx12's verdict on an interchange the guide calls unclean can never make a disagreement, only count
  towards the coverage: ``--coverage-every K`` asks pyx12 there on every K-th mutation only (the
  coverage sample, whose figures are printed as such), and on every interchange the guide calls clean;
  that leaves out about 40% of pyx12's work at K = 4 (K = 1, the default: pyx12 everywhere);
- about a fifth of the mutations of a long run repeat an earlier one exactly: a worker answers a
  repeated text from its first check (:class:`~tests.validation.differential.Remembered`: counted
  again, not checked again); ``--recheck-repeats`` checks every one.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from tests.validation.conftest import compiled_guide, fixture_files  # noqa: E402
from tests.validation.differential import Differential, Outcome, Remembered  # noqa: E402
from tests.validation.mutations import Mutation, RandomChooser, Seed, mutate, recount, seed_from_text  # noqa: E402

from claimedit.validation.gate import Pyx12Only  # noqa: E402
from make_interchange import build_interchange  # noqa: E402  (bench/ is this script's folder)

OUT = REPO / "bench" / "out" / "guide-disagreements"
SHRINK_TRIES = 400


@dataclass
class Counts:
    mutations: int = 0
    interchanges: int = 0
    guide_clean: int = 0
    rejected_before: int = 0
    disagreements: list[str] = field(default_factory=list)
    pyx12_asked: int = 0
    """Interchanges pyx12 gave its verdict on (all of them with ``--coverage-every 1``)."""
    sample_mutations: int = 0
    """Mutations of the coverage sample: pyx12 asked on every interchange."""
    sample_interchanges: int = 0
    pyx12_clean: int = 0
    """In the coverage sample: interchanges pyx12 accepts."""
    covered: int = 0
    """In the coverage sample: interchanges pyx12 accepts and the guide called clean, agreeing."""
    checked: int = 0
    """Checks made (the other mutations repeat a text the same worker checked before)."""
    cpu_seconds: float = 0.0
    """CPU time of the worker process on these mutations."""
    undrawn: list[str] = field(default_factory=list)
    """Mutations the harness failed to draw (a defect of tests/validation/mutations.py): must stay empty."""

    def merge(self, other: Counts) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)

    def add(self, outcomes: list[Outcome], *, sampled: bool) -> None:
        self.mutations += 1
        self.sample_mutations += sampled
        for outcome in outcomes:
            self.interchanges += 1
            self.guide_clean += outcome.guide_clean
            self.rejected_before += outcome.rejected_before
            self.pyx12_asked += outcome.pyx12_asked
            if sampled:
                self.sample_interchanges += 1
                self.pyx12_clean += outcome.pyx12_clean
                self.covered += outcome.pyx12_clean and outcome.guide_clean and not outcome.disagreement


_STATE: dict[str, object] = {}


def _start_worker(recheck_repeats: bool = False) -> None:
    differential = Differential(Pyx12Only() if os.environ.get("CLAIMEDIT_GUIDE") == "pyx12-only" else compiled_guide())
    seeds: list[Seed] = []
    generated = [build_interchange(claims, seed=seed) for claims, seed in ((1, 1), (5, 3), (12, 7))]
    inputs = [(path.name, path.read_bytes()) for path in fixture_files()]
    inputs += [(f"make_interchange-{n}", text) for n, text in enumerate(generated)]
    for source, data in inputs:
        for number, outcome in enumerate(differential.check(data, source)):
            if outcome.pyx12_clean and (
                seed := seed_from_text(f"{source}#{number}", outcome.text, differential.validator)
            ):
                seeds.append(seed)
    _STATE.update(
        differential=differential, seeds=seeds, remembered=None if recheck_repeats else Remembered(differential)
    )
    # Maps, seeds and the guide live as long as the worker: the collector need not walk them again.
    gc.freeze()


def _chunk(first: int, count: int, base: int, coverage_every: int = 1) -> Counts:
    """Mutations ``first`` .. ``first + count - 1``; those numbered 0 modulo ``coverage_every`` are the coverage
    sample (pyx12 asked on every interchange), the others ask pyx12 only where it can disagree with the guide."""
    differential = _STATE["differential"]
    seeds = _STATE["seeds"]
    remembered = _STATE["remembered"]
    assert isinstance(differential, Differential)
    assert isinstance(seeds, list)
    assert remembered is None or isinstance(remembered, Remembered)
    started = time.process_time()
    counts = Counts()
    for number in range(first, first + count):
        chooser = RandomChooser(random.Random(base + number))
        try:
            mutation = mutate(chooser.choice(seeds), chooser)
        except Exception as exc:  # noqa: BLE001  (a defect of the mutations must not lose the run's counts)
            counts.undrawn.append(f"mutation {number}: {type(exc).__name__}: {exc}")
            continue
        text = mutation.text()
        sampled = number % coverage_every == 0
        if remembered is None:
            outcomes, earlier = differential.check(text, mutation.seed.name, pyx12_when_unclean=sampled), None
        else:
            outcomes, earlier = remembered.check(
                text, mutation.seed.name, f"mutation {number}", pyx12_when_unclean=sampled
            )
        counts.checked += earlier is None
        counts.add(outcomes, sampled=sampled)
        if any(outcome.disagreement for outcome in outcomes):
            why = _save(differential, mutation, number) if earlier is None else f"the same text as {earlier}"
            counts.disagreements.append(why)
    counts.cpu_seconds = time.process_time() - started
    return counts


def _disagrees(differential: Differential, text: str) -> str:
    return next((o.disagreement for o in differential.check(text) if o.disagreement), "")


def _kind(disagreement: str) -> str:
    """What a disagreement is about, positions aside: pyx12's first error (segment, element, code), or the 999."""
    first = disagreement.split(";", 1)[0]
    return re.sub(r"\(segment \d+\)|: [^:]*$", "", first) if "pyx12 does not" in first else first[:30]


def _shrunk(differential: Differential, mutation: Mutation) -> Mutation:
    """The mutation with every segment left out whose absence keeps the same disagreement (counts set right, or not)."""
    kind = _kind(_disagrees(differential, mutation.text()))
    tries = 0
    index = len(mutation.segments) - 2
    while index > 0 and tries < SHRINK_TRIES:
        for with_counts in (True, False):
            smaller = replace(mutation, segments=[list(s) for s in mutation.segments], specs=list(mutation.specs))
            del smaller.segments[index], smaller.specs[index]
            if with_counts:
                recount(smaller)
            tries += 1
            if _kind(_disagrees(differential, smaller.text())) == kind:
                mutation = smaller
                break
        index = min(index - 1, len(mutation.segments) - 2)
    return mutation


def _save(differential: Differential, mutation: Mutation, number: int) -> str:
    first = _disagrees(differential, mutation.text())
    smallest = _shrunk(differential, mutation)
    why = _disagrees(differential, smallest.text()) or first
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"mutation-{number}.x12"
    path.write_text(smallest.text())
    path.with_suffix(".original.x12").write_text(mutation.text())
    path.with_suffix(".txt").write_text(
        f"seed {mutation.seed.name}; operations: {', '.join(mutation.done)}\n"
        f"{len(mutation.segments)} segments cut to {len(smallest.segments)}\n{why}\n"
    )
    return f"{path.relative_to(REPO)}: {why}"


def _code() -> str:
    """The commit and the git objects of the code validated (the guide package, the modules around it)."""
    names = [
        "HEAD",
        "HEAD:plugin/claimedit/validation/guide",
        "HEAD:plugin/claimedit/validation/guide_feed.py",
        "HEAD:plugin/claimedit/validation/gate.py",
        "HEAD:plugin/claimedit/validation/pyx12_text.py",
    ]
    try:
        hashes = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", *names], capture_output=True, text=True, check=True
        ).stdout.split()
        status = ["git", "-C", str(REPO), "status", "--porcelain", "--", "plugin"]
        dirty = subprocess.run(status, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "code: (not a git checkout)"
    lines = [f"code: {name.removeprefix('HEAD:')} {value}" for name, value in zip(names, hashes, strict=True)]
    return "\n".join(lines + ([f"code: plugin/ has uncommitted changes:\n{dirty}"] if dirty else []))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--mutations", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=12, help="mutation i is drawn from random.Random(seed + i)")
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=0.0, help="stop submitting work after this long (0: never)")
    parser.add_argument("--recheck-repeats", action="store_true", help="check a repeated text again")
    parser.add_argument(
        "--coverage-every",
        type=int,
        default=1,
        metavar="K",
        help="pyx12 on every interchange of each K-th mutation only (the coverage sample); on the others only "
        "where the guide says clean, the only place it can disagree (1: everywhere)",
    )
    args = parser.parse_args(argv)

    print(_code())
    print(f"start: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {_load()}", flush=True)
    started = time.perf_counter()
    total = Counts()
    with ProcessPoolExecutor(args.workers, initializer=_start_worker, initargs=(args.recheck_repeats,)) as pool:
        pending: set[Future[Counts]] = set()
        next_first = 0
        while next_first < args.mutations or pending:
            out_of_time = args.seconds and time.perf_counter() - started > args.seconds
            while next_first < args.mutations and len(pending) < 2 * args.workers and not out_of_time:
                count = min(args.chunk, args.mutations - next_first)
                pending.add(pool.submit(_chunk, next_first, count, args.seed, args.coverage_every))
                next_first += count
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                total.merge(future.result())
            elapsed = time.perf_counter() - started
            print(
                f"  {total.mutations} mutations, {elapsed:.0f} s, {total.mutations / elapsed:.1f}/s, "
                f"{len(total.disagreements)} disagreements, {_load()}",
                file=sys.stderr,
                flush=True,
            )
            if out_of_time and next_first < args.mutations:
                next_first = args.mutations  # let the chunks in flight finish, submit no more
    elapsed = time.perf_counter() - started
    coverage = total.covered / total.pyx12_clean if total.pyx12_clean else 1.0
    print(f"end: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {_load()}")
    print(f"guide: {'Pyx12Only' if os.environ.get('CLAIMEDIT_GUIDE') == 'pyx12-only' else 'compiled (load_guide)'}")
    rate = total.mutations / elapsed
    print(
        f"mutations: {total.mutations} (seeds {args.seed}..{args.seed + total.mutations - 1}) in {elapsed:.0f} s "
        f"with {args.workers} process(es): {rate:.1f}/s"
    )
    cpu = 1000 * total.cpu_seconds / total.mutations if total.mutations else 0.0
    print(f"worker CPU: {total.cpu_seconds:.0f} s, {cpu:.2f} ms per mutation")
    print(f"checks made: {total.checked} (the other {total.mutations - total.checked} mutations repeat a text)")
    print(f"interchanges: {total.interchanges}, guide clean {total.guide_clean}, pyx12 asked on {total.pyx12_asked}")
    print(
        f"coverage sample (every {args.coverage_every}. mutation, pyx12 asked on every interchange): "
        f"{total.sample_mutations} mutations, {total.sample_interchanges} interchanges, pyx12 clean {total.pyx12_clean}"
    )
    print(f"disagreements: {len(total.disagreements)} (must be 0)")
    if total.undrawn:
        print(f"mutations the harness failed to draw (not counted): {len(total.undrawn)}")
        for line in total.undrawn[:20]:
            print(f"  {line}")
    print(f"coverage: {coverage:.1%} of the pyx12-clean interchanges of the sample called clean by the guide")
    if total.rejected_before:
        print(f"rejected by claimedit before validation (guide not asked): {total.rejected_before}")
    for line in total.disagreements[:50]:
        print(f"  {line}")
    return 1 if total.disagreements or total.undrawn else 0


if __name__ == "__main__":
    raise SystemExit(main())
