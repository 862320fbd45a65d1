"""Peak memory of ``claimedit replay`` against file size: each replay in a fresh child process.

Generates (with bench/make_interchange.py, streamed to disk) or takes 837P files of the given claim
counts, replays each with ``claimedit replay FILE --out /dev/null`` (default validation, and
``--no-validate``) in a child of its own, and prints the child's peak RSS (``wait4`` rusage), its
CPU seconds (user + system: what compares on a shared machine) and its claims per second, with the
machine's load beside them.

    python bench/bench_memory.py --claims 100000 1000000
    python bench/bench_memory.py --files bench/out/claims-20000.x12 --modes no-validate
    python bench/bench_memory.py --claims 1000000 --claims-per-transaction 1000000   # one ST/SE
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measured", "main", "measure_replay"]

HERE = Path(__file__).resolve().parent
MODES = {"default": [], "no-validate": ["--no-validate"]}


@dataclass(frozen=True)
class Measured:
    path: Path
    mode: str
    claims: int
    peak_rss_mb: float
    seconds: float
    status: int
    cpu_seconds: float = 0.0

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


def measure_replay(path: Path, mode: str, claims: int) -> Measured:
    """One replay of ``path`` in a child process: its own peak RSS (not the largest of all children)."""
    command = [sys.executable, "-m", "claimedit", "replay", str(path), "--out", os.devnull, *MODES[mode]]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(path, mode, claims, usage.ru_maxrss / 1024, seconds, child.returncode, cpu)


def generated(claims: int, out_dir: Path, claims_per_transaction: int | None) -> Path:
    """bench/out/claims-N.x12 (or -tN for another transaction size), generated once."""
    suffix = f"-t{claims_per_transaction}" if claims_per_transaction else ""
    path = out_dir / f"claims-{claims}{suffix}.x12"
    if not path.exists():
        command = [sys.executable, str(HERE / "make_interchange.py"), "--claims", str(claims), "--out", str(path)]
        if claims_per_transaction:
            command += ["--claims-per-transaction", str(claims_per_transaction)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return path


def count_claims(path: Path) -> int:
    """CLM segments in ``path``, counted a megabyte at a time."""
    pattern = re.compile(rb"(?:^|[~\n])\s*CLM\*")
    count, carry = 0, b""
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            data = carry + block
            cut = max(data.rfind(b"~"), data.rfind(b"\n"))
            head, carry = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
            count += len(pattern.findall(head))
    return count + len(pattern.findall(carry))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--claims", type=int, nargs="*", default=[], help="claim counts to generate and replay")
    parser.add_argument("--files", type=Path, nargs="*", default=[], help="837P files to replay as they are")
    parser.add_argument("--modes", nargs="+", choices=sorted(MODES), default=["default", "no-validate"])
    parser.add_argument("--claims-per-transaction", type=int, default=None, help="for generated files")
    parser.add_argument("--out-dir", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    if not args.claims and not args.files:
        parser.error("give --claims or --files")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    files = [(generated(n, args.out_dir, args.claims_per_transaction), n) for n in args.claims]
    files += [(path, count_claims(path)) for path in args.files]
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    print(f"{'file':<40} {'mode':<12} {'claims':>9} {'peak RSS MB':>12} {'seconds':>9} {'CPU s':>9} {'claims/s':>9}")
    failed = False
    for path, claims in files:
        for mode in args.modes:
            measured = measure_replay(path, mode, claims)
            failed |= measured.status not in (0, 1)
            print(
                f"{path.name:<40} {mode:<12} {claims:>9} {measured.peak_rss_mb:>12.1f} {measured.seconds:>9.1f} "
                f"{measured.cpu_seconds:>9.1f} "
                f"{measured.claims_per_second:>9.0f}" + (f"  (exit {measured.status})" if measured.status else ""),
                flush=True,
            )
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
