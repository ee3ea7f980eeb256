#!/usr/bin/env python3
"""Tenant region loss benchmark (not a test): N standby tenants failed over at once.

A region loss of OceanBase 4.x tenants: CLUSTERS standby clusters of 50 standby tenants each
(10,000 tenants for 200 clusters), whose primaries are lost. Two runbooks fail them all over:

  (a) batch:   `in parallel for each` cluster: `failover tenants of cluster` (one batch call per
               cluster, one task per tenant), then `await task status: SUCCESS` on the group;
  (b) singles: `in parallel for each` tenant: `failover tenant`, then `await task status: SUCCESS`.

Each runs embedded (`runbook run`, the simulator in process, `speed: instant`) and over HTTP
(`runbook run --target` against `runbook serve --speed instant --topology`), at 1,000 and
10,000 tenants, to show the cost grows linearly. Figures: wall time, CPU time and peak memory
(max RSS) of the `runbook run` process, and the requests `serve` logged. Targets for 10,000:
embedded <= 10 s and <= 1 GB; over HTTP <= 30 s.

Builds release first and rewrites the "Tenant region loss" section of docs/benchmarks.md.
Usage: benchmarks/tenants/run.py [--rounds N] [--sizes 1000,10000] [--no-build] [--no-write]
"""
import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PER_CLUSTER = 50
FIRST_CLUSTER = 3_100_000
FIRST_TENANT = 2_100_000


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


served = load("http_measure", os.path.join(ROOT, "benchmarks", "http", "measure.py"))


def topology(clusters):
    """The simulate keys: per pair of clusters, 50 unreachable primaries and their standbys."""
    lines = ["clusters:"]
    for i in range(clusters):
        hz = FIRST_CLUSTER + 2 * i
        lines.append("  - {id: %d, name: hz-%d}" % (hz, i))
        lines.append("  - {id: %d, name: sh-%d}" % (hz + 1, i))
    lines.append("tenants:")
    standbys = []
    for i in range(clusters):
        hz = FIRST_CLUSTER + 2 * i
        for j in range(PER_CLUSTER):
            primary = FIRST_TENANT + 2 * (i * PER_CLUSTER + j)
            lines.append("  - {id: %d, name: t%d-%d, cluster: %d, role: PRIMARY, reachable: false}" % (primary, i, j, hz))
            lines.append(
                "  - {id: %d, name: t%d-%d, cluster: %d, role: STANDBY, primary: %d, lag: 800ms}"
                % (primary + 1, i, j, hz + 1, primary))
            standbys.append(primary + 1)
    return lines, [FIRST_CLUSTER + 2 * i + 1 for i in range(clusters)], standbys


def files(work, tenants):
    clusters = tenants // PER_CLUSTER
    topo, standby_clusters, standbys = topology(clusters)
    paths = {}
    with open(os.path.join(work, "topology-%d.yaml" % tenants), "w") as f:
        f.write("\n".join(topo) + "\n")
    paths["topology"] = f.name
    simulate = ["simulate:", "  speed: instant"] + ["  " + line for line in topo]
    batch = [
        "runbook: Region loss of %d tenants, a batch per cluster" % tenants,
        "vars:", "  clusters: [%s]" % ", ".join(map(str, standby_clusters)),
        "steps:",
        "  - in parallel for each cluster in ${clusters}:",
        "      - failover tenants of cluster: ${cluster}",
        "      - await task status: SUCCESS",
    ]
    singles = [
        "runbook: Region loss of %d tenants, one failover each" % tenants,
        "vars:", "  standbys: [%s]" % ", ".join(map(str, standbys)),
        "steps:",
        "  - in parallel for each standby in ${standbys}:",
        "      - failover tenant: ${standby}",
        "      - await task status: SUCCESS",
    ]
    for name, body in (("batch", batch), ("singles", singles)):
        for target in ("embedded", "http"):
            path = os.path.join(work, "%s-%d-%s.yaml" % (name, tenants, target))
            with open(path, "w") as f:
                lines = body[:1] + (simulate if target == "embedded" else []) + body[1:]
                f.write("\n".join(lines) + "\n")
            paths[(name, target)] = path
    return paths


def measure(argv):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if code != 0:
        sys.exit("%s exited %d: %s" % (" ".join(argv), code, err[-2000:]))
    rss = usage.ru_maxrss / 1024.0 if sys.platform.startswith("linux") else usage.ru_maxrss / (1024.0 * 1024.0)
    return wall, usage.ru_utime + usage.ru_stime, rss


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
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--debug", action="store_true", help="use the debug build (a smoke test, not figures)")
    args = parser.parse_args()
    os.chdir(ROOT)
    config = "debug" if args.debug else "release"
    if not args.no_build:
        print("== building (%s)" % config, file=sys.stderr)
        subprocess.run(["swift", "build", "-c", config, "--product", "runbook"], check=True, stdout=sys.stderr)
    binary = subprocess.run(["swift", "build", "-c", config, "--show-bin-path"], check=True,
                            capture_output=True, text=True).stdout.strip() + "/runbook"
    work = os.path.join(ROOT, ".build", "tenant-bench")
    os.makedirs(work, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for size in sizes:
        paths = files(work, size)
        for name in ("batch", "singles"):
            for target in ("embedded", "http"):
                runs = []
                for r in range(args.rounds):
                    if target == "embedded":
                        wall, cpu, rss = measure([binary, "run", paths[(name, target)], "--no-log", "--quiet"])
                        requests = None
                    else:
                        serve = served.Serve(binary, ["--speed", "instant", "--topology", paths["topology"]])
                        try:
                            wall, cpu, rss = measure(
                                [binary, "run", paths[(name, target)], "--target", serve.url, "--no-log", "--quiet"])
                        finally:
                            requests = serve.stop()
                    runs.append((wall, cpu, rss, requests))
                    print("  %5d %-7s %-8s round %d: %.2f s wall, %.2f s CPU, %.1f MiB%s" % (
                        size, name, target, r + 1, wall, cpu, rss,
                        "" if requests is None else ", %d requests" % requests), file=sys.stderr)
                results[(size, name, target)] = runs
    rows = section(results, sizes, args.rounds)
    print("\n".join(rows))
    if not args.no_write and not args.debug:
        write(rows)


def section(results, sizes, rounds):
    def med(runs, i):
        return statistics.median(r[i] for r in runs)

    rows = [
        "<!-- tenants:begin (written by benchmarks/tenants/run.py) -->",
        "## Tenant region loss",
        "",
        "A region loss of OceanBase 4.x tenants: standby clusters of %d standby tenants each whose" % PER_CLUSTER,
        "primaries cannot be connected, failed over at once, (a) as `failover tenants of cluster` in an",
        "`in parallel for each` over the clusters (one batch call per cluster, one task per tenant, the",
        "group awaited), and (b) as `in parallel for each` over single `failover tenant` steps, each",
        "awaited. Every tenant action runs its pre-check right before its call and reads the tenants",
        "after it. Embedded: `runbook run --no-log --quiet` with the topology in `simulate:` at",
        "`speed: instant`. Over HTTP: `runbook run --target` against `runbook serve --speed instant",
        "--topology` on loopback (every GET moves the server's time at least 30 s, so tasks end within",
        "a poll or two). Figures of the `runbook run` process, medians of %d runs (peak memory: the" % rounds,
        "largest). Targets for 10,000 tenants: embedded <= 10 s and <= 1 GB; over HTTP <= 30 s.",
        "",
        "| tenants | runbook | target | wall time | CPU time | peak memory | HTTP requests |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size in sizes:
        for name in ("batch", "singles"):
            for target in ("embedded", "http"):
                runs = results[(size, name, target)]
                wall = med(runs, 0)
                verdict = ""
                if size >= 10000:
                    limit = 10 if target == "embedded" else 30
                    verdict = " (%s)" % ("meets" if wall <= limit else "misses")
                rss = max(r[2] for r in runs)
                mem = "%.0f MiB" % rss + (" (%s)" % ("meets" if rss * 1.048576 <= 1000 else "misses")
                                         if size >= 10000 and target == "embedded" else "")
                req = "" if target == "embedded" else "%d" % int(statistics.median(r[3] for r in runs))
                label = "(a) batch per cluster" if name == "batch" else "(b) single failovers"
                rows.append("| %s | %s | %s | %.2f s%s | %.2f s | %s | %s |" % (
                    format(size, ","), label, "embedded" if target == "embedded" else "HTTP", wall, verdict,
                    med(runs, 1), mem, req))
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        rows.append("")
        parts = []
        for name in ("batch", "singles"):
            for target in ("embedded", "http"):
                a = med(results[(small, name, target)], 1)
                b = med(results[(large, name, target)], 1)
                parts.append("%s %s %.1f x" % ("(a)" if name == "batch" else "(b)",
                                                "embedded" if target == "embedded" else "HTTP", b / a if a else 0))
        rows.append("CPU time at %s tenants over %s tenants (%.0f x the tenants): %s." % (
            format(large, ","), format(small, ","), large / small, "; ".join(parts)))
    rows += [
        "",
        "- machine: %s; release build; load average %.1f at the end" % (machine(), os.getloadavg()[0]),
        "- date: %s" % time.strftime("%Y-%m-%d"),
        "- command: `benchmarks/tenants/run.py` (`--rounds N`, `--sizes 1000,10000`)",
        "<!-- tenants:end -->",
    ]
    return rows


def write(rows):
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    with open(path) as f:
        text = f.read()
    begin, end = "<!-- tenants:begin", "<!-- tenants:end -->"
    block = "\n".join(rows)
    if begin in text and end in text:
        start = text.index(begin)
        stop = text.index(end) + len(end)
        text = text[:start] + block + text[stop:]
    else:
        marker = "## What the figures say"
        text = text.replace(marker, block + "\n\n" + marker) if marker in text else text + "\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
