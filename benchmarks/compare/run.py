#!/usr/bin/env python3
"""Two versions of runbook side by side: the same measures, alternated in one run.

Builds each revision in release in its own worktree under .build-bench/compare/, then, round by
round, runs each measure with one binary and then the other, so that a busy machine slows both
alike. Each figure is the median over the rounds, with its min-max range; the ratio is after over
before, and a figure more than 10 % worse is flagged. Writes the "Before and after" section of
docs/benchmarks.md.

Measures (the inputs every version since the first understands):
  check 10k     `runbook check` of the 10,000-step runbook (benchmarks/check/generate.py)
  check 3       `runbook check` of the three-step runbook (cold start)
  drill         the failover drill, embedded, at instant speed (`run --no-log --quiet`)
  fleet 1000    `in parallel for each` over 1,000 standbys, embedded, instant: wall and peak RSS
  drill HTTP    the drill against a fresh `runbook serve --speed instant` of the same version:
                wall and the number of requests the server logged
  fleet 100 HTTP  the same over HTTP with 100 standbys

Usage: benchmarks/compare/run.py [--before REV] [--after REV] [--rounds N] [--no-build] [--no-write]
"""
import argparse
import importlib.machinery
import importlib.util
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
WORK = os.path.join(ROOT, ".build-bench", "compare")


def load(name, path):
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


common = load("benchmarks_run", os.path.join(BENCH, "run"))
drill = load("drill_run", os.path.join(BENCH, "drill", "run.py"))
served = load("http_measure", os.path.join(BENCH, "http", "measure.py"))
log, sh, timed, stats = common.log, common.sh, common.timed, common.stats


def revision(rev):
    out = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("not a revision: %s" % rev)
    return out.stdout.strip()


def build(rev, no_build):
    """The release `runbook` binary of rev, built in a worktree of its own (so that this checkout
    can change while it builds and runs)."""
    tree = os.path.join(WORK, rev)
    if not os.path.isdir(tree):
        sh(["git", "worktree", "add", "--detach", tree, rev], cwd=ROOT, stdout=sys.stderr)
    if not no_build:
        log("== building %s (release)" % rev)
        sh(["swift", "build", "-c", "release", "--product", "runbook"], cwd=tree, stdout=sys.stderr)
    bin_dir = sh(["swift", "build", "-c", "release", "--show-bin-path"], cwd=tree, capture_output=True,
                 text=True).stdout.strip()
    return os.path.join(bin_dir, "runbook")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="8091b45", help="the earlier revision (default: the last before the module split)")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing docs/benchmarks.md")
    args = parser.parse_args()
    before, after = revision(args.before), revision(args.after)
    os.makedirs(WORK, exist_ok=True)
    binaries = {"before": build(before, args.no_build), "after": build(after, args.no_build)}

    inputs = os.path.join(WORK, "inputs")
    os.makedirs(inputs, exist_ok=True)
    big = os.path.join(inputs, "check-10000.yaml")
    with open(big, "w") as f:
        sh([sys.executable, os.path.join(BENCH, "check", "generate.py"), "10000"], stdout=f)
    three = os.path.join(inputs, "three-steps.yaml")
    with open(three, "w") as f:
        f.write("runbook: Fail over cluster 6\nsteps:\n  - failover cluster: 6\n"
                "  - await task status: SUCCESS\n  - assert subtask \"Remove standby cluster\"\n")
    drill_file = os.path.join(inputs, "drill.yaml")
    with open(drill_file, "w") as f:
        f.write(common.DRILL_HTTP)
    drill_embedded = os.path.join(inputs, "drill-embedded.yaml")
    with open(drill_embedded, "w") as f:
        f.write(common.DRILL_HTTP.replace("steps:\n", "simulate:\n  speed: instant\nsteps:\n", 1))
    fleet = os.path.join(inputs, "fleet-1000.yaml")
    with open(fleet, "w") as f:
        f.write(drill.fleet_runbook(1000))
    topology, fleet_http = served.fleet_files(inputs, 100)

    measures = [
        ("check 10k", lambda b: timed([b, "check", big])),
        ("check 3", lambda b: timed([b, "check", three])),
        ("drill", lambda b: timed([b, "run", drill_embedded, "--no-log", "--quiet"])),
        ("fleet 1000", lambda b: timed([b, "run", fleet, "--no-log", "--quiet"])),
        ("drill HTTP", lambda b: common.against_serve(
            b, [b, "run", drill_file, "--target", "{url}", "--no-log", "--quiet"], ["--speed", "instant"])),
        ("fleet 100 HTTP", lambda b: common.against_serve(
            b, [b, "run", fleet_http, "--target", "{url}", "--no-log", "--quiet"],
            ["--speed", "instant", "--topology", topology])),
    ]
    results = {(m, v): [] for m, _ in measures for v in binaries}
    for r in range(args.rounds):
        for name, measure in measures:
            # Alternate which goes first, so neither always runs on a warmer machine.
            order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
            for version in order:
                results[(name, version)].append(measure(binaries[version]))
        log("  round %d: " % (r + 1) + ", ".join(
            "%s %.0f/%.0f ms" % (name, results[(name, "before")][-1][0] * 1e3, results[(name, "after")][-1][0] * 1e3)
            for name, _ in measures))

    def cell(values, unit):
        m, lo, hi = stats(values)
        if unit == "ms":
            return "%.1f ms (%.1f-%.1f)" % (m * 1e3, lo * 1e3, hi * 1e3), m
        return "%.0f MiB (%.0f-%.0f)" % (m, lo, hi), m

    rows, worse = [], []
    for name, _ in measures:
        for figure, index, unit in [("wall", 0, "ms"), ("CPU", 1, "ms"), ("peak RSS", 2, "MiB")]:
            if figure == "peak RSS" and not name.startswith("fleet"):
                continue
            b_text, b = cell([x[index] for x in results[(name, "before")]], unit)
            a_text, a = cell([x[index] for x in results[(name, "after")]], unit)
            ratio = a / b if b > 0 else float("nan")
            flag = "more than 10 % worse" if ratio > 1.10 else ("better" if ratio < 0.95 else "same")
            if ratio > 1.10:
                worse.append("%s %s" % (name, figure))
            rows.append("| %s | %s | %s | %s | %.2f | %s |" % (name, figure, b_text, a_text, ratio, flag))
        if name.endswith("HTTP"):
            b_req = stats([x[3] for x in results[(name, "before")]])[0]
            a_req = stats([x[3] for x in results[(name, "after")]])[0]
            rows.append("| %s | requests | %d | %d | %.2f | %s |" % (
                name, b_req, a_req, a_req / b_req if b_req else float("nan"),
                "same" if a_req == b_req else ("fewer" if a_req < b_req else "more")))

    machine = "%s, %d cores, %s" % (platform.machine(), os.cpu_count() or 0, platform.platform())
    lines = [
        "<!-- compare:begin (written by benchmarks/compare/run.py) -->",
        "## Before and after",
        "",
        "`benchmarks/compare/run.py --before %s --after %s --rounds %d`: both revisions built in" % (
            before, after, args.rounds),
        "release, every measure run with one binary then the other, alternating which goes first,",
        "%d rounds; medians with the min-max range; ratio is after / before (below 1 is faster)." % args.rounds,
        "%s is the last revision before the module split; %s is this one. Machine: %s." % (before, after, machine),
        "",
        "| measure | figure | before (%s) | after (%s) | ratio | |" % (before, after),
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        ("No figure is more than 10 % worse." if not worse
         else "More than 10 %% worse: %s." % ", ".join(worse)),
        "<!-- compare:end -->",
    ]
    section = "\n".join(lines) + "\n"
    if args.no_write:
        print(section)
        return
    doc = os.path.join(ROOT, "docs", "benchmarks.md")
    with open(doc) as f:
        text = f.read()
    begin, end = text.find("<!-- compare:begin"), text.find("<!-- compare:end -->")
    if begin >= 0 and end > begin:
        text = text[:begin] + section + text[end + len("<!-- compare:end -->\n"):]
    else:
        marker = "## What the figures say"
        at = text.find(marker)
        text = (text[:at] + section + "\n" + text[at:]) if at >= 0 else (text + "\n" + section)
    with open(doc, "w") as f:
        f.write(text)
    log("wrote the comparison to docs/benchmarks.md")


if __name__ == "__main__":
    main()
