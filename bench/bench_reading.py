"""Reading speed on one N-claim interchange: claimedit's reader, with validation, with edits, vs pyx12.

Prints claims per second for each path in the same run (ratios are what matter on a noisy machine)
and the time to read and validate a single-claim interchange.

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
    python bench/bench_reading.py bench/out/claims-10000.x12
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from claimedit.pipeline import Pipeline
from claimedit.validation.pyx12 import Pyx12Validator
from claimedit.x12.reader import read_claims

SINGLE = Path(__file__).resolve().parent.parent / "x12_fixtures/clean/single_claim_premalignant_medicare.x12"


def timed(label: str, claims: int, work: Callable[[], object], repeat: int = 1) -> float:
    seconds = min(_once(work) for _ in range(repeat))
    rate = claims / seconds
    print(f"{label:<48} {seconds:8.3f} s  {rate:10.0f} claims/s")
    return rate


def _once(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def pyx12_document(text: str) -> None:
    import pyx12.params  # noqa: PLC0415
    import pyx12.x12n_document  # noqa: PLC0415

    logging.getLogger("pyx12").setLevel(logging.CRITICAL + 1)
    pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), io.StringIO(), None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--skip-pyx12", action="store_true", help="do not run pyx12's own validation (slow)")
    args = parser.parse_args()
    data = args.file.read_bytes()
    text = data.decode()
    claims = len(read_claims(data))
    print(f"{args.file}: {claims} claims, {len(data) / 1e6:.1f} MB")

    started = time.process_time()
    full = Pipeline.start()
    print(f"Pipeline.start (pyx12 maps, tables, ICD-10-CM, registry): {time.process_time() - started:.2f} s")
    reading_edits = Pipeline(full.engine, None)
    # each validating path gets its own validator: none starts with the walk plans of another
    reading_validation = Pipeline(None, Pyx12Validator())
    reading_plain_validation = Pipeline(None, Pyx12Validator(shortcuts=False))
    reading_guide = Pipeline(None, Pyx12Validator(), guide=full.guide)
    gc.collect()
    gc.freeze()  # as Pipeline.start does: the maps stay out of the collector's way

    rates = {
        "read": timed("claimedit read (fast reader)", claims, lambda: read_claims(data), repeat=3),
        "read+edits": timed("claimedit read + all edits", claims, lambda: reading_edits.process(data), repeat=2),
        "read+validate": timed(
            "claimedit read + pyx12 validation (cached maps)", claims, lambda: reading_validation.process(data)
        ),
        "read+plain": timed(
            "  the same without the validator's shortcuts", claims, lambda: reading_plain_validation.process(data)
        ),
        "read+guide": timed(
            "claimedit read + compiled guide (pyx12 if unclean)", claims, lambda: reading_guide.process(data)
        ),
        "replay": timed("claimedit default replay (read+validate+edits)", claims, lambda: full.process(data)),
    }
    assert full.validator is not None
    print(
        f"  walk runs replayed in the default replay: {full.validator.run_plan_hits}, "
        f"whole interchanges replayed: {full.validator.walk_plan_hits}"
    )
    if not args.skip_pyx12:
        rates["pyx12"] = timed("pyx12 x12n_document (its own validation)", claims, lambda: pyx12_document(text))
        base = rates["pyx12"]
        print(f"fast reader / pyx12 validation:        {rates['read'] / base:6.1f}x  (goal >= 20x)")
        print(f"read+edits / pyx12 validation:         {rates['read+edits'] / base:6.1f}x  (goal >= 20x)")
        print(f"default replay / pyx12 validation:     {rates['replay'] / base:6.2f}x  (goal >= 6x)")
    edits_cost = 1 / rates["read+edits"] - 1 / rates["read"]
    print(
        f"edits cost per claim {edits_cost * 1e6:.0f} us vs reading {1e6 / rates['read']:.0f} us "
        f"(goal: edits < reading): {'met' if edits_cost < 1 / rates['read'] else 'NOT met'}"
    )

    single = SINGLE.read_bytes()
    full.process(single)
    samples = [_once(lambda: full.process(single)) * 1000 for _ in range(50)]
    print(
        f"single-claim read+validate+edits: median {statistics.median(samples):.2f} ms, "
        f"max {max(samples):.2f} ms over 50 (goal < 0.3 ms)"
    )


if __name__ == "__main__":
    main()
