"""What one claim costs: reading, the edits (each family alone and all together) and read + edit, in CPU time.

Two inputs: the single-claim fixture (median of many runs of one interchange, the service's common case)
and an N-claim interchange (per claim, best of a few runs of the whole file). No validation: the
compiled check is measured on its own. ``--profile`` prints the top of a cProfile of read + edit on both.

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
    python bench/bench_claim.py bench/out/claims-10000.x12 [--profile] [--fastest]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from claimedit.pipeline import Pipeline
from claimedit.x12.reader import read_input
from claimedit_edits.engine import Engine
from claimedit_edits.engine.runner import Selection, SelectionPolicy
from claimedit_edits.model import Claim

SINGLE = Path(__file__).resolve().parent.parent / "x12_fixtures/clean/single_claim_premalignant_medicare.x12"
FAMILIES = ("core", "data", "lesion", "fee-schedule", "ncci", "visit", "history")


class _OneFamily(SelectionPolicy):
    """The configured policy, narrowed to one family (a derived selection per configured selection, cached)."""

    def __init__(self, policy: SelectionPolicy, family: str, families: set[str]) -> None:
        super().__init__()
        self._policy = policy
        self._others = frozenset(families - {family})
        self._derived: dict[int, tuple[Selection, Selection]] = {}

    def for_claim(self, claim: Claim) -> Selection:
        base = self._policy.for_claim(claim)
        cached = self._derived.get(id(base))
        if cached is None or cached[0] is not base:
            narrowed = Selection(
                select=base.select,
                ignore=base.ignore | self._others,
                severity=base.severity,
                extend_select=base.extend_select,
                options=base.options,
            )
            cached = self._derived[id(base)] = (base, narrowed)
        return cached[1]


def _cpu(work: Callable[[], object]) -> float:
    """CPU seconds of one run, the cyclic collector paused as the pipeline does."""
    gc.disable()
    try:
        start = time.process_time_ns()
        work()
        return (time.process_time_ns() - start) / 1e9
    finally:
        gc.enable()


def _median_us(work: Callable[[], object], runs: int) -> float:
    work()
    return statistics.median(_cpu(work) for _ in range(runs)) * 1e6


def _min_us(work: Callable[[], object], runs: int) -> float:
    """The fastest run: on a loaded machine (other processes taking the cores' caches), steadier than the median."""
    work()
    return min(_cpu(work) for _ in range(runs)) * 1e6


def _best_us_per_claim(work: Callable[[], object], claims: int, repeat: int) -> float:
    return min(_cpu(work) for _ in range(repeat)) / claims * 1e6


def _claims_of(data: bytes) -> list[Claim]:
    return [claim for read in read_input(data) for tx in read.transactions for claim in tx.claims]


def _edit_all(engine: Engine, claims: list[Claim]) -> Callable[[], object]:
    def work() -> None:
        for claim in claims:
            engine.check(claim)

    return work


def _measure(
    label: str, data: bytes, engines: dict[str, Engine], pipeline: Pipeline, measure: Callable[..., float]
) -> None:
    claims = _claims_of(data)
    count = len(claims)
    rows: list[tuple[str, float]] = [("read (read_input)", measure(lambda: read_input(data), count))]
    for family, engine in engines.items():
        rows.append((f"edits: {family}", measure(_edit_all(engine, claims), count)))
    rows.append(("read + edit (Pipeline without validation)", measure(lambda: pipeline.process(data), count)))
    print(f"\n{label}: {count} claims, {len(data):,} bytes")
    for name, micros in rows:
        print(f"  {name:<44} {micros:9.1f} us/claim")
    reading, edits = rows[0][1], rows[-2][1]
    verdict = "met" if edits < reading else "NOT met"
    print(f"  all edits / reading: {edits / reading:.2f} (goal: edits < reading per claim): {verdict}")


def _profile(data: bytes, pipeline: Pipeline, runs: int, top: int) -> None:
    profiler = cProfile.Profile()
    gc.disable()
    try:
        profiler.enable()
        for _ in range(runs):
            pipeline.process(data)
        profiler.disable()
    finally:
        gc.enable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("file", type=Path, nargs="?", help="an N-claim interchange (bench/make_interchange.py)")
    parser.add_argument("--runs", type=int, default=300, help="runs of the single claim (median)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the N-claim file (best)")
    parser.add_argument(
        "--fastest", action="store_true", help="the single claim's fastest run instead of the median (loaded machine)"
    )
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of read + edit")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile")
    args = parser.parse_args()

    pipeline = Pipeline.start(validate=False)
    engine = pipeline.engine
    assert engine is not None
    families = {registered.spec.family for registered in engine.registry}
    engines = {
        family: Engine(engine.registry, engine.reference, _OneFamily(engine.policy, family, families))
        for family in FAMILIES
        if family in families
    }
    engines["all edits"] = engine

    single = SINGLE.read_bytes()
    statistic = _min_us if args.fastest else _median_us
    _measure(
        f"single claim ({SINGLE.name}), {'fastest' if args.fastest else 'median'} of {args.runs}",
        single,
        engines,
        pipeline,
        lambda work, count: statistic(work, args.runs) / count,
    )
    if args.file is not None:
        data = args.file.read_bytes()
        _measure(
            f"{args.file}, best of {args.repeat}",
            data,
            engines,
            pipeline,
            lambda work, count: _best_us_per_claim(work, count, args.repeat),
        )
    if args.profile:
        print(f"\nprofile: read + edit of the single claim, {args.runs * 10} runs")
        _profile(single, pipeline, args.runs * 10, args.top)
        if args.file is not None:
            print(f"\nprofile: read + edit of {args.file}, once")
            _profile(args.file.read_bytes(), pipeline, 1, args.top)


if __name__ == "__main__":
    main()
