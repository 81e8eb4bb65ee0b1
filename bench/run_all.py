"""Run every benchmark, each in a process of its own, and print one summary table.

Run: ``.venv/bin/python bench/run_all.py [--quick] [NAME ...]`` (or ``make bench``;
``make bench BENCH_ARGS=--quick``). NAME picks benchmarks (engine, documents, store,
catalog, sync, ui, speech); all by default. ``--quick`` runs each on smaller inputs and
fewer repetitions: the ratios stay meaningful, the run takes minutes instead of
half an hour, and the spread is larger.

Every figure is a ratio to a floor measured in the same run (``bench/ratios.py``).
A MISS is reported, not failed on: the exit status is non-zero only when a benchmark
could not run to its end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.ratios import FIGURES_FILE, quantity  # noqa: E402

#: name -> (arguments for a full run, arguments for --quick)
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "engine": ([], ["--runs", "500"]),
    "documents": ([], ["--runs", "7"]),
    "store": ([], ["--visitors", "200", "--saves", "1000"]),
    "catalog": ([], ["--forms", "100", "--runs", "5"]),
    "sync": ([], ["--n", "2000", "--single", "400"]),
    "ui": ([], ["--starts", "5", "--runs", "30"]),
    "speech": ([], ["--runs", "7"]),
}


def run(name: str, args: list[str], figures: Path) -> tuple[bool, float]:
    """Run one benchmark with its output shown as it comes; (it finished, seconds)."""
    print(f"\n=== {name}: bench/{name}.py {' '.join(args)}", flush=True)
    env = {**os.environ, FIGURES_FILE: str(figures), "QT_QPA_PLATFORM": "offscreen"}
    env.setdefault("PYTHONUNBUFFERED", "1")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *args], cwd=ROOT, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"=== {name} did not finish (exit status {done.returncode})", flush=True)
    return done.returncode == 0, seconds


def summary(figures: Path, failed: list[str], seconds: dict[str, float]) -> str:
    rows = [json.loads(line) for line in figures.read_text(encoding="utf-8").splitlines()]
    header = ("benchmark", "figure", "measured", "floor", "ratio", "target", "")
    table = [header] + [
        (
            r["benchmark"],
            r["name"],
            quantity(r["measured"], r["unit"]),
            quantity(r["floor"], r["unit"]),
            f"{r['ratio']:.2f}x",
            r["target"],
            r["verdict"],
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    right = {2, 3, 4}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "-" * len(lines[0]))
    missed = sum(1 for r in rows if r["verdict"] != "PASS")
    lines.append(
        f"{len(rows)} figures: {len(rows) - missed} PASS, {missed} MISS; "
        + ", ".join(f"{name} {s:.0f} s" for name, s in seconds.items())
    )
    if failed:
        lines.append("did not finish: " + ", ".join(failed))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer runs")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; there are {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    failed: list[str] = []
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.jsonl"
        figures.touch()
        for name in names:
            full, quick = BENCHMARKS[name]
            finished, seconds[name] = run(name, quick if args.quick else full, figures)
            if not finished:
                failed.append(name)
        print("\n" + summary(figures, failed, seconds))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
