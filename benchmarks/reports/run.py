#!/usr/bin/env python3
"""Reports benchmark: the report of the 1,000-standby fleet journal.

Runs the fleet runbook of benchmarks/drill/run.py (N standbys failed over in parallel, embedded,
instant) once with a journal, then renders that journal ROUNDS times each as HTML and as JUnit with
`runbook report JOURNAL -o FILE`: the wall time of the whole process (reading the journal, building
the report, rendering, writing), its CPU time and the file's size.
Targets: HTML <= 1 s and <= 5 MB; JUnit <= 0.3 s.

Builds release first, prints the medians, and rewrites the "Reports" section of docs/benchmarks.md.
Usage: benchmarks/reports/run.py [--rounds N] [--fleet N] [--no-build]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "drill"))
import run as drill  # noqa: E402  (the fleet runbook and the measuring helpers)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--fleet", type=int, default=1000)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    if not args.no_build:
        print("== building (release)", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "runbook"], check=True, stdout=sys.stderr)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True,
                            capture_output=True, text=True).stdout.strip() + "/runbook"
    work = tempfile.mkdtemp(prefix="runbook-reports-")
    fleet = os.path.join(work, "fleet.yaml")
    with open(fleet, "w") as f:
        f.write(drill.fleet_runbook(args.fleet))
    journal = os.path.join(work, "fleet.jsonl")
    drill.measure([binary, "run", fleet, "--log", journal, "--quiet"])
    lines = sum(1 for _ in open(journal, "rb"))
    journal_mb = os.path.getsize(journal) / 1e6

    figures = {}
    for ext in ("html", "xml"):
        out = os.path.join(work, "fleet." + ext)
        walls, cpus, reads, renders = [], [], [], []
        for r in range(args.rounds):
            wall, _, cpu = drill.measure([binary, "report", journal, "-o", out])
            walls.append(wall)
            cpus.append(cpu)
            # The stages, as the process itself times them (`--timing`, on standard error).
            timing = subprocess.run([binary, "report", journal, "-o", out, "--timing"], capture_output=True, text=True).stderr
            m = re.search(r"read and build ([0-9.]+) ms, render ([0-9.]+) ms", timing)
            if m:
                reads.append(float(m.group(1)) / 1e3)
                renders.append(float(m.group(2)) / 1e3)
            print("  %s round %d: %.3f s wall, %.3f s CPU; %s" % (ext, r + 1, wall, cpu, timing.strip()), file=sys.stderr)
        figures[ext] = (statistics.median(walls), statistics.median(cpus), os.path.getsize(out) / 1e6,
                        statistics.median(reads) if reads else float("nan"), statistics.median(renders) if renders else float("nan"))

    html_wall, html_cpu, html_mb, html_read, html_render = figures["html"]
    xml_wall, xml_cpu, xml_mb, xml_read, xml_render = figures["xml"]
    load = os.getloadavg()[0]
    rows = [
        "<!-- reports:begin (written by benchmarks/reports/run.py) -->",
        "## Reports",
        "",
        "The report of the %d-standby fleet journal (the fleet runbook of `benchmarks/drill/run.py`," % args.fleet,
        "run once embedded at `instant` with `--log`: %d lines, %.1f MB): the wall time of the whole" % (lines, journal_mb),
        "`runbook report JOURNAL -o FILE` process (reading and checking every line, building the report,",
        "rendering, writing the file). Targets: HTML <= 1 s and <= 5 MB; JUnit <= 0.3 s.",
        "",
        "| median of %d runs | whole process, wall | CPU, user + system | reading the journal | rendering | size |" % args.rounds,
        "| --- | --- | --- | --- | --- | --- |",
        "| HTML (`-o fleet.html`) | %.2f s (%s) | %.2f s | %.2f s | %.2f s (%s) | %.2f MB (%s) |" % (
            html_wall, "meets" if html_wall <= 1 else "misses", html_cpu, html_read, html_render,
            "meets" if html_render <= 1 else "misses", html_mb, "meets" if html_mb <= 5 else "misses"),
        "| JUnit (`-o fleet.xml`) | %.2f s (%s) | %.2f s | %.2f s | %.2f s (%s) | %.2f MB |" % (
            xml_wall, "meets" if xml_wall <= 0.3 else "misses", xml_cpu, xml_read, xml_render,
            "meets" if xml_render <= 0.3 else "misses", xml_mb),
        "",
        "Reading the journal (every line decoded and checked, on both cores) is most of the time:",
        "JSON decoding of %.1f MB, most of it the task snapshots of 3,000 step records. JUnit and" % journal_mb,
        "Markdown show no subtasks and read the journal without them (a third less to decode);",
        "what remains is Foundation's `JSONDecoder` building each record (about a fifth of the CPU",
        "time goes to its generic metadata lookups and a fifth to reference counting, by `perf`).",
        "Rendering is the report's own cost.",
        "",
        "- machine: %s; release build; load average %.1f when it finished" % (drill.machine(), load),
        "- date: %s" % time.strftime("%Y-%m-%d", time.gmtime()),
        "- command: `benchmarks/reports/run.py` (`--rounds N`, `--fleet N`)",
        "<!-- reports:end -->",
    ]
    section = "\n".join(rows) + "\n"
    print(section)
    doc = os.path.join(ROOT, "docs", "benchmarks.md")
    text = open(doc).read()
    begin, end = "<!-- reports:begin", "<!-- reports:end -->"
    if begin in text:
        head = text[: text.index(begin)]
        tail = text[text.index(end) + len(end):].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        marker = "## What the figures say"
        if marker in text:
            i = text.index(marker)
            text = text[:i] + section + "\n" + text[i:]
        else:
            text = text.rstrip("\n") + "\n\n" + section
    with open(doc, "w") as f:
        f.write(text)
    print("wrote " + doc, file=sys.stderr)


if __name__ == "__main__":
    main()
