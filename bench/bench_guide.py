"""The compiled guide check against pyx12's validation of the same interchange, same run (CPU time).

Prints segments per second and microseconds per claim for each, the ratio, and whether both call the
interchange clean. The guide is fed the segments the pipeline gives pyx12 (``text_for_pyx12``), split
with claimedit.x12.tokens; splitting is not counted (the pipeline has the segments already).

The "as the pipeline feeds it" rows time what ``Pipeline._validate`` does for an interchange held whole:
``text_for_pyx12`` handing each kept segment to a ``GuideFeed``, then its ``acks()``; the text alone
(which the pipeline makes in any case, for pyx12 when the check is not clean) is timed beside it, so the
difference is what the guide costs the pipeline.

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
    python bench/bench_guide.py bench/out/claims-10000.x12
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path

from claimedit.validation.guide import CompiledGuide, load_guide
from claimedit.validation.guide_feed import GuideFeed
from claimedit.validation.pyx12 import Pyx12Validator
from claimedit.validation.pyx12_text import text_for_pyx12
from claimedit.x12.reader import InterchangeRead, read_input
from claimedit.x12.tokens import Segment, read_isa, split_segments

SINGLE = Path(__file__).resolve().parent.parent / "x12_fixtures/clean/single_claim_premalignant_medicare.x12"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the guide check (the best is printed)")
    parser.add_argument("--skip-pyx12", action="store_true", help="do not run pyx12 (slow on big files)")
    args = parser.parse_args()
    data = args.file.read_bytes()
    started = time.process_time()
    guide = load_guide()
    print(f"guide loaded in {time.process_time() - started:.3f} s CPU (compiled map from the cache when present)")
    reads = [read for read in read_input(data, str(args.file)) if read.supported_groups]
    texts = [text_for_pyx12(read) for read in reads]
    interchanges: list[tuple[Segment, object, list[Segment]]] = []
    for text in texts:
        header = read_isa(text)
        segments = [segment for segment in split_segments(text, header.delimiters) if segment.elements]
        interchanges.append((segments[0], header.delimiters, segments[1:]))
    count = sum(len(rest) + 1 for _, _, rest in interchanges)
    claims = sum(1 for _, _, rest in interchanges for segment in rest if segment.tag == "CLM")
    print(f"{args.file}: {len(interchanges)} interchange(s), {count} segments, {claims} claims")

    _settle()

    def run_guide() -> bool:
        clean = True
        for isa, delimiters, rest in interchanges:
            check = guide.open(isa, delimiters)  # type: ignore[arg-type]
            check.feed_all(rest)  # as the pipeline feeds an interchange held whole
            clean = clean and check.clean and bool(check.acks())
        return clean

    runs: list[float] = []
    guide_clean = False
    for _ in range(max(args.repeat, 1)):
        started = time.process_time()
        guide_clean = run_guide()
        runs.append(time.process_time() - started)
    best = min(runs)
    _line("compiled guide, first run", runs[0], count, claims, guide_clean)
    _line("compiled guide, best run", best, count, claims, guide_clean)
    fed, alone = _as_fed(guide, reads, max(args.repeat, 1))
    _line("as the pipeline feeds it", fed, count, claims, guide_clean)
    _line("  of which the text alone", alone, count, claims, guide_clean)
    _single(guide, None if args.skip_pyx12 else Pyx12Validator())
    if args.skip_pyx12:
        return
    validator = Pyx12Validator()
    started = time.process_time()
    reports = [validator.validate(text) for text in texts]
    pyx12_seconds = time.process_time() - started
    pyx12_clean = all(
        not report.errors and not report.fatal and all(ack.ack_code == "A" for ack in report.acks) for report in reports
    )
    _line("Pyx12Validator().validate", pyx12_seconds, count, claims, pyx12_clean)
    print(
        f"guide check is {pyx12_seconds / runs[0]:.1f}x (first run), "
        f"{pyx12_seconds / best:.1f}x (best run) pyx12's validation rate"
    )


def _as_fed(guide: CompiledGuide, reads: list[InterchangeRead], rounds: int) -> tuple[float, float]:
    """Best CPU seconds of ``text_for_pyx12`` feeding a ``GuideFeed`` (then its acks), and of the text alone."""

    def fed() -> None:
        for read in reads:
            delimiters = read.chunk.delimiters
            assert delimiters is not None
            feed = GuideFeed(guide, delimiters)
            text_for_pyx12(read, feed.take)
            if not (feed.clean and feed.acks()):
                raise RuntimeError("the interchange is not clean for the guide as the pipeline feeds it")

    def alone() -> None:
        for read in reads:
            text_for_pyx12(read)

    return _best(fed, rounds), _best(alone, rounds)


def _best(run: Callable[[], None], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def _single(guide: CompiledGuide, validator: Pyx12Validator | None, rounds: int = 500) -> None:
    """One single-claim interchange checked again and again (open, feed, acks): the service's usual input."""
    (read,) = list(read_input(SINGLE.read_bytes(), str(SINGLE)))
    text = text_for_pyx12(read)
    header = read_isa(text)
    segments = [segment for segment in split_segments(text, header.delimiters) if segment.elements]
    rest = segments[1:]

    def once() -> None:
        check = guide.open(segments[0], header.delimiters)
        check.feed_all(rest)
        if not (check.clean and check.acks()):
            raise RuntimeError(f"{SINGLE.name} is not clean for the guide")

    def many() -> None:
        for _ in range(rounds):
            once()

    once()
    _settle()
    # best of 5 (the machine is shared: a neighbour's burst inflates one run's CPU time, never lowers it)
    guide_us = _best(many, 5) / rounds * 1e6
    fed_us, alone_us = (seconds / rounds * 1e6 for seconds in _as_fed(guide, [read] * rounds, 5))
    line = (
        f"single-claim interchange ({len(segments)} segments): guide {guide_us:.0f} us; "
        f"as the pipeline feeds it {fed_us:.0f} us (of which the text alone {alone_us:.0f} us)"
    )
    if validator is not None:
        validator.validate(text)
        started = time.process_time()
        for _ in range(rounds // 10):
            validator.validate(text)
        pyx12_us = (time.process_time() - started) / (rounds // 10) * 1e6
        line += f", Pyx12Validator {pyx12_us:.0f} us ({pyx12_us / guide_us:.1f}x)"
    print(line)


def _settle() -> None:
    """Objects made so far (the parsed input: hundreds of thousands) out of the collector's sight, so that a
    full collection during a timed loop does not add their traversal to the figure (it did, at random)."""
    gc.collect()
    gc.freeze()


def _line(label: str, seconds: float, segments: int, claims: int, clean: bool) -> None:
    per_claim = seconds / claims * 1e6 if claims else float("nan")
    print(
        f"{label:<28} {seconds:8.3f} s  {segments / seconds:12.0f} segments/s  {per_claim:8.1f} us/claim  clean={clean}"
    )


if __name__ == "__main__":
    main()
