"""How long a student waits for a verdict: the on-submit grading service under fixed arrival rates.

    .venv/bin/python benchmarks/submit_latency.py [--rates 0.2 0.5 1] [--count 120] [--workers N]

In a copy of the course (assignments 1 and 3 released, keys built), ``python -m grader serve`` runs as the
classroom runs it (no rate limit, so that the grader's own speed is measured). Submissions are written into the
exchange the way nbgrader's submit writes them (one student each, assignments 1 and 3 taking turns, the example
class's correct and buggy answers), at a fixed rate; a submission's latency runs from the moment its folder
is complete to the moment its verdict is where the student's Fetch Feedback finds it. Printed:

1. one submission at a time on an idle service, against the sandboxed run of its instructor notebook (from
   its answer key): the target is the run + 1 s;
2. the capacity: submissions per second when a burst of them waits;
3. per arrival rate: p50 / p95 / max latency, the throughput, whether every student was told where their
   submission stood before the verdict, and whether every submission was graded exactly once (the ledger).

Also ``--half-and-overload``: the same at half the measured capacity (target p95 <= 15 s) and at 1.5 times it
for 3 minutes (target: every submission graded exactly once, the queue drains at full throughput). The machine
and its load are printed first and last: compare runs made under similar load.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.authoring.release import build_keys, generate_release  # noqa: E402
from grader.course import Course  # noqa: E402
from grader.example_class.exchange import feedback_page, hand_in  # noqa: E402
from grader.grading.keys import load_key  # noqa: E402
from grader.onsubmit.ledger import Ledger
from grader.outputs.pages import PROVISIONAL  # noqa: E402
from grader.onsubmit.service import STATE_FOLDER  # noqa: E402

ASSIGNMENTS = {"a1_numpy_basics": "numpy_basics", "a3_planar_data": "planar_data"}


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    return "%s, %d cores, %s, Python %s; load average %s" % (
        model, os.cpu_count(), platform.platform(terse=True), platform.python_version(),
        " ".join("%.2f" % x for x in os.getloadavg()))


class Bench:
    def __init__(self, base: Path, workers: int):
        self.base = base
        self.course = Course(REPO).copy_to(base / "course")
        with open(self.course.root / "nbgrader_config.py", "a") as config:
            config.write("\nc.SubmitPolicy.graded_per_period = 0\nc.GradingService.poll_seconds = 0.1\n"
                         "c.GradingService.workers = %d\n" % workers)
        self.exchange = base / "exchange"
        os.environ["NNCOURSE_EXCHANGE"] = str(self.exchange)
        quiet = lambda *_: None  # noqa: E731
        generate_release(self.course, list(ASSIGNMENTS), log=quiet)
        build_keys(self.course, list(ASSIGNMENTS), log=quiet)
        self.course_id = self.course.config.CourseDirectory.course_id
        self.run_seconds = {a: load_key(self.course.key_directory, a, nb)["seconds"] for a, nb in ASSIGNMENTS.items()}
        self.serial = 0
        self.process = subprocess.Popen([sys.executable, "-m", "grader", "serve", "--no-web"], cwd=self.course.root,
                                        stdout=open(base / "service.log", "w"), stderr=subprocess.STDOUT)
        time.sleep(3)   # the service's workers import what grading needs

    def submit(self, assignment: str):
        self.serial += 1
        profile = "correct" if self.serial % 2 else "buggy"
        return hand_in(self.course, self.exchange, "s%04d" % self.serial, assignment, profile)

    def poll(self, handed: list, out: dict, told: dict) -> None:
        """One look at every submission of ``handed`` still without its verdict: ``out`` gains the verdicts
        found (latency, and whether the student was told where it stood first), ``told`` the time a page that
        stands in for the verdict was first seen."""
        for h in handed:
            if h.folder.name in out:
                continue
            page = feedback_page(self.exchange, self.course_id, h, ASSIGNMENTS[h.assignment])
            if page is None:
                continue
            now = time.time()
            if PROVISIONAL in page:
                told.setdefault(h.folder.name, now)
                continue
            out[h.folder.name] = {"latency": now - h.written, "assignment": h.assignment,
                                  "told": now - h.written < 1.0 or told.get(h.folder.name, now) - h.written < 1.0}

    def watch(self, handed: list, timeout: float = 1800, out: dict | None = None, told: dict | None = None) -> dict:
        """Wait for every verdict of ``handed``; per submission: latency, and whether it was told within 1 s."""
        out = {} if out is None else out
        told = {} if told is None else told
        deadline = time.time() + timeout
        while len(out) < len(handed) and time.time() < deadline:
            self.poll(handed, out, told)
            time.sleep(0.05)
        return out

    def graded_once(self, handed: list) -> bool:
        ledger = Ledger(self.course.root / STATE_FOLDER / "ledger.sqlite")
        try:
            names = {e.id: e.inbound for e in ledger.all()}
            counts = {}
            for entry, _, kind, _ in ledger.events():
                if kind == "graded":
                    counts[names[entry]] = counts.get(names[entry], 0) + 1
        finally:
            ledger.close()
        return all(counts.get(h.folder.name) == 1 for h in handed)

    def close(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def idle(bench: Bench, count: int) -> None:
    print("\n1. One submission at a time on an idle service (latency against the sandboxed run of its notebook)")
    print("%-18s %8s %8s %8s %10s" % ("assignment", "run s", "p50 s", "max s", "p50 - run"))
    for assignment in ASSIGNMENTS:
        latencies = []
        for _ in range(count):
            handed = bench.submit(assignment)
            latencies.append(bench.watch([handed])[handed.folder.name]["latency"])
            time.sleep(1)
        run = bench.run_seconds[assignment]
        print("%-18s %8.2f %8.2f %8.2f %10.2f" % (assignment, run, statistics.median(latencies), max(latencies),
                                                statistics.median(latencies) - run))


def capacity(bench: Bench, count: int) -> float:
    names = list(ASSIGNMENTS)
    handed = [bench.submit(names[i % 2]) for i in range(count)]
    start = min(h.written for h in handed)
    results = bench.watch(handed)
    seconds = max(h.written + results[h.folder.name]["latency"] for h in handed) - start
    rate = count / seconds
    print("\n2. Capacity: a burst of %d submissions graded in %.1f s: %.2f submissions per second" % (count, seconds, rate))
    return rate


def at_rate(bench: Bench, rate: float, count: int, label: str = "") -> None:
    names = list(ASSIGNMENTS)
    handed, results, seen = [], {}, {}
    start = time.time()
    for i in range(count):
        while time.time() < start + i / rate:   # verdicts are looked for while the others arrive
            bench.poll(handed, results, seen)
            time.sleep(0.05)
        handed.append(bench.submit(names[i % 2]))
    bench.watch(handed, out=results, told=seen)
    latencies = [r["latency"] for r in results.values()]
    end = max(h.written + results[h.folder.name]["latency"] for h in handed if h.folder.name in results)
    told = sum(1 for r in results.values() if r["told"])
    print("%-26s %6.2f/s %5d %7.1f %7.1f %7.1f %9.2f/s %7s %9s" % (
        label or "rate", rate, len(results), percentile(latencies, 0.5), percentile(latencies, 0.95),
        max(latencies), len(results) / (end - start), "%d/%d" % (told, len(handed)),
        "yes" if bench.graded_once(handed) and len(results) == count else "NO"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=float, nargs="*", default=[0.2, 0.5, 1.0])
    parser.add_argument("--count", type=int, default=120, help="submissions per rate (default 120)")
    parser.add_argument("--idle", type=int, default=5, help="single submissions per assignment (default 5)")
    parser.add_argument("--burst", type=int, default=30, help="submissions in the capacity burst (default 30)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--half-and-overload", action="store_true",
                        help="also run at half the measured capacity, and at 1.5 x it for 3 minutes")
    args = parser.parse_args(argv)
    print("machine: %s" % machine())
    base = Path(tempfile.mkdtemp(prefix="submit-latency-", dir="/var/tmp"))
    bench = Bench(base, args.workers)
    try:
        idle(bench, args.idle)
        rate = capacity(bench, args.burst)
        print("\n3. Fixed arrival rates (a1 and a3 in turn); told = a status page or the verdict within 1 s")
        print("%-26s %8s %5s %7s %7s %7s %11s %7s %9s" % ("", "arrivals", "n", "p50 s", "p95 s", "max s",
                                                        "throughput", "told", "once"))
        for each in args.rates:
            at_rate(bench, each, args.count)
        if args.half_and_overload:
            at_rate(bench, rate / 2, args.count, "half the capacity")
            at_rate(bench, rate * 1.5, max(1, int(rate * 1.5 * 180)), "1.5 x capacity, 3 minutes")
    finally:
        bench.close()
        print("\nmachine: %s" % machine())
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
