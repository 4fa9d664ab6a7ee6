"""Benchmark: the engine beside DuckDB's bare CSV count, and the whole command, on synthetic histories.

Not a test. Run from the repository root:

    .venv/bin/python bench/bench_indicators.py [--children 100000 --children 1000000] [--runs 5] [--keep DIR]

For each size, a synthetic Annex A history is written (or reused from --keep), read once
to warm the file cache, and then, in one child process that has already started Python
and imported the engine, measured --runs times side by side:

- ``count_star``: ``SELECT count(*) FROM read_csv(f, all_varchar=true)`` for each list file;
- ``engine``: reading and mapping the folder (``read_input``) and computing 2019-20.

The medians and their ratio are reported. Then the whole command, ``assure indicators``
for 2019-20 over the folder, is run --runs times as its own process: wall-clock seconds
(start-up included) and peak resident memory (the child's ru_maxrss, from wait4).
The load average (the machine is shared) is printed beside each measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURE = """
import glob, json, statistics, sys, time
from datetime import date
import duckdb
from assure.performance.engine import compute, read_input

folder, runs = sys.argv[1], int(sys.argv[2])
files = sorted(glob.glob(folder + "/*.csv"))


def count_star():
    con = duckdb.connect()
    rows = sum(con.execute(f"SELECT count(*) FROM read_csv('{file}', all_varchar=true)").fetchone()[0] for file in files)
    con.close()
    return rows


def engine():
    events = read_input(folder)
    document = compute(events, period_from=date(2019, 4, 1), period_to=date(2020, 3, 31), population=1_000_000)
    return document["indicators"]["referrals"]["numerator"]


found = {"count_star": count_star(), "engine": engine()}  # a first pass each, not timed
seconds = {"count_star": [], "engine": []}
for _ in range(runs):
    for name, run in (("count_star", count_star), ("engine", engine)):
        started = time.perf_counter()
        run()
        seconds[name].append(round(time.perf_counter() - started, 3))
print(json.dumps({"rows": found["count_star"], "referrals_2019_20": found["engine"], "seconds": seconds}))
"""


def load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def run_child(arguments: list[str]) -> tuple[str, float, float]:
    """A child process's output, wall-clock seconds and peak resident memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{arguments[0]} failed with status {os.waitstatus_to_exitcode(status)}")
    return output, time.perf_counter() - started, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def history(folder: Path, children: int, seed: int) -> Path:
    if not any(folder.glob("*.csv")):
        run_child(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from assure.performance.engine.synth import write_history; "
                "write_history(Path(sys.argv[1]), children=int(sys.argv[2]), seed=int(sys.argv[3]))",
                str(folder),
                str(children),
                str(seed),
            ]
        )
    for path in folder.glob("*.csv"):  # warm the file cache
        with open(path, "rb") as handle:
            while handle.read(16 * 1024 * 1024):
                pass
    return folder


def measure(folder: Path, runs: int) -> dict:
    load_before = load()
    output, _, _ = run_child([sys.executable, "-c", MEASURE, str(folder), str(runs)])
    result = json.loads(output)
    medians = {name: statistics.median(values) for name, values in result["seconds"].items()}
    command_seconds, command_peaks = [], []
    assure = Path(sys.executable).with_name("assure")
    for _ in range(runs):
        _, seconds, peak = run_child(
            [
                str(assure),
                "indicators",
                f"--input={folder}",
                "--from=2019-04-01",
                "--to=2020-03-31",
                "--population=1000000",
                "--json",
            ]
        )
        command_seconds.append(round(seconds, 2))
        command_peaks.append(round(peak))
    return {
        "csv_megabytes": round(sum(path.stat().st_size for path in folder.glob("*.csv")) / 1e6),
        "rows": result["rows"],
        "referrals_2019_20": result["referrals_2019_20"],
        "count_star_seconds": result["seconds"]["count_star"],
        "engine_seconds": result["seconds"]["engine"],
        "count_star_median": medians["count_star"],
        "engine_median": medians["engine"],
        "engine_over_count_star": round(medians["engine"] / medians["count_star"], 2),
        "command_seconds": command_seconds,
        "command_median": statistics.median(command_seconds),
        "command_peak_megabytes": max(command_peaks),
        "load_average_before": load_before,
        "load_average_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, action="append", help="repeatable; 100000 and 1000000 if not given")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the histories under this folder and keep them")
    arguments = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = arguments.keep or Path(scratch)
        for children in arguments.children or [100_000, 1_000_000]:
            folder = root / f"history-{children}-{arguments.seed}"
            folder.mkdir(parents=True, exist_ok=True)
            results[children] = measure(history(folder, children, arguments.seed), arguments.runs)
            print(json.dumps({children: results[children]}), flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
