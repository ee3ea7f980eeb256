#!/usr/bin/env python3
"""Drill benchmark: the interpreter's cost beyond start-up, and a fleet of parallel failovers.

(1) The failover drill (examples/failover-drill.yaml, the language brief's first runbook) at
    `--speed instant`: wall time of
    `runbook run` against `runbook check` of the same file, alternately, ROUNDS times each.
    Target: run <= 3 x check (the interpreter adds little beyond start-up).
(2) `in parallel for each` over N standbys (default 1,000), embedded, instant: wall time and peak
    memory (max RSS) of `runbook run`. Targets: <= 3 s, <= 150 MB.

Builds release first, prints the medians, and rewrites the "Drill" section of docs/benchmarks.md.
Usage: benchmarks/drill/run.py [--rounds N] [--fleet N] [--no-build]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# The language brief's first runbook, as examples/ keeps it; `--speed instant` overrides its pace.
DRILL = os.path.join(ROOT, "examples", "failover-drill.yaml")


def fleet_runbook(n):
    lines = ["runbook: Fleet failover of %d standbys" % n, "simulate:", "  speed: instant", "  clusters:"]
    for i in range(n):
        lines.append("    - {id: %d, name: primary-%d, type: PRIMARY, status: STOPPED}" % (2 * i + 1, i))
        lines.append("    - {id: %d, name: standby-%d, type: STANDBY, primary: %d}" % (2 * i + 2, i, 2 * i + 1))
    lines.append("vars:")
    lines.append("  standbys: [%s]" % ", ".join(str(2 * i + 2) for i in range(n)))
    lines += [
        "steps:",
        "  - in parallel for each standby in ${standbys}:",
        "      - failover cluster: ${standby}",
        "      - await task status: SUCCESS",
        "      - assert cluster ${standby}:",
        "          type: PRIMARY",
        # Every standby at once, as the figures in docs/benchmarks.md measure (the default is 100).
        "    max concurrency: %d" % n,
    ]
    return "\n".join(lines) + "\n"


def measure(argv):
    """Wall seconds, peak RSS (MiB) and CPU seconds of one run; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("%s exited %d: %s" % (" ".join(argv), code, proc.stderr.read().decode()[-2000:]))
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def machine():
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, %s %s" % (cpu, os.cpu_count() or 0, platform.system(), platform.machine())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--fleet", type=int, default=1000)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    if not args.no_build:
        print("== building (release)", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "runbook"], check=True, stdout=sys.stderr)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True,
                            capture_output=True, text=True).stdout.strip() + "/runbook"
    work = tempfile.mkdtemp(prefix="runbook-drill-")
    drill = DRILL
    fleet = os.path.join(work, "fleet.yaml")
    with open(fleet, "w") as f:
        f.write(fleet_runbook(args.fleet))

    check, run = [], []
    for r in range(args.rounds):
        check.append(measure([binary, "check", drill])[0])
        run.append(measure([binary, "run", drill, "--speed", "instant", "--no-log"])[0])
        print("  round %d: check %.1f ms, run %.1f ms" % (r + 1, check[-1] * 1e3, run[-1] * 1e3), file=sys.stderr)
    fleet_wall, fleet_rss, fleet_cpu = [], [], []
    for r in range(max(3, args.rounds // 3)):
        wall, rss, cpu = measure([binary, "run", fleet, "--no-log", "--quiet"])
        fleet_wall.append(wall)
        fleet_rss.append(rss)
        fleet_cpu.append(cpu)
        print("  fleet %d: %.2f s wall, %.2f s CPU, %.1f MiB" % (r + 1, wall, cpu, rss), file=sys.stderr)

    c, rr = statistics.median(check), statistics.median(run)
    ratio = rr / c
    fw, fr, fc = statistics.median(fleet_wall), max(fleet_rss), statistics.median(fleet_cpu)
    load = os.getloadavg()[0]
    rows = [
        "<!-- drill:begin (written by benchmarks/drill/run.py) -->",
        "## Drill",
        "",
        "(1) The failover drill (the language brief's first runbook, 7 steps, about 1 min 44 s of",
        "simulated failover; `examples/failover-drill.yaml`) at `--speed instant`: the wall time of the",
        "whole `runbook run --no-log`",
        "process against `runbook check` of the same file. Target: run <= 3 x check.",
        "",
        "| median of %d alternating runs | wall time |" % args.rounds,
        "| --- | --- |",
        "| `runbook check` | %.1f ms |" % (c * 1e3),
        "| `runbook run` (embedded, instant) | %.1f ms |" % (rr * 1e3),
        "| ratio run / check | %.2f (%s the target) |" % (ratio, "meets" if ratio <= 3 else "misses"),
        "",
        "(2) `in parallel for each` over %d standbys (%d clusters in `simulate:`), each failing over," % (args.fleet, 2 * args.fleet),
        "awaited and asserted, embedded at `speed: instant`: wall time and peak memory (max RSS) of",
        "`runbook run --no-log --quiet`. Targets: <= 3 s, <= 150 MB.",
        "",
        "| %d runs | wall time (median) | CPU time, user + system (median) | peak memory (max) |" % len(fleet_wall),
        "| --- | --- | --- | --- |",
        "| %d standbys | %.2f s (%s) | %.2f s | %.1f MiB (%s) |" % (
            args.fleet, fw, "meets" if fw <= 3 else "misses", fc, fr, "meets" if fr <= 150 else "misses"),
        "",
        "- machine: %s; release build; load average %.1f when it finished (wall times grow with"
        " the load of a shared machine; CPU time much less)" % (machine(), load),
        "- date: %s" % time.strftime("%Y-%m-%d", time.gmtime()),
        "- command: `benchmarks/drill/run.py` (`--rounds N`, `--fleet N`)",
        "<!-- drill:end -->",
    ]
    section = "\n".join(rows) + "\n"
    print(section)
    doc = os.path.join(ROOT, "docs", "benchmarks.md")
    text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n"
    begin, end = "<!-- drill:begin", "<!-- drill:end -->"
    if begin in text:
        head = text[: text.index(begin)]
        tail = text[text.index(end) + len(end):].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(doc, "w") as f:
        f.write(text)
    print("wrote " + doc, file=sys.stderr)


if __name__ == "__main__":
    main()
