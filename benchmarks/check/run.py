#!/usr/bin/env python3
"""Times `runbook check` against the YAML load alone, on a generated runbook (not a test).

Builds the release binary, generates a runbook of N steps (default 10,000), then runs, RUNS
times each (default 9), alternating:
  - `runbook check --stage yaml --timing FILE`: reads the file and loads its YAML only;
  - `runbook check --timing FILE`: the whole check (read, YAML, parse and check).
It prints the median wall-clock time of each process, the in-process phase times reported by
`--timing`, and the ratio check / load (target: at most 2).

Usage: benchmarks/check/run.py [STEPS]
"""
import os, re, statistics, subprocess, sys, tempfile, time

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
env = dict(os.environ, PATH="/opt/swift/usr/bin:" + os.environ.get("PATH", ""))
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
runs = int(os.environ.get("RUNS", "9"))

subprocess.run(["swift", "build", "-c", "release", "--product", "runbook"], cwd=root, env=env, check=True,
               stdout=subprocess.DEVNULL)
bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
runbook = os.path.join(bin_dir, "runbook")

path = os.path.join(tempfile.mkdtemp(), f"generated-{steps}.yaml")
with open(path, "w") as f:
    subprocess.run([sys.executable, os.path.join(root, "benchmarks/check/generate.py"), str(steps)], stdout=f,
                   check=True)
size = os.path.getsize(path)
lines = sum(1 for _ in open(path))

def run(args):
    start = time.perf_counter()
    done = subprocess.run([runbook, "check", "--timing", *args, path], capture_output=True, text=True)
    wall = (time.perf_counter() - start) * 1000
    phases = {k: float(v) for k, v in re.findall(r"(read|yaml|check) ([0-9.]+)ms", done.stderr)}
    return wall, phases, done.returncode, done.stderr

load_wall, check_wall, load_yaml, check_yaml, check_check = [], [], [], [], []
run(["--stage", "yaml"])  # warm the file cache
for _ in range(runs):
    w, p, rc, _ = run(["--stage", "yaml"])
    load_wall.append(w); load_yaml.append(p["read"] + p["yaml"])
    w, p, rc, err = run([])
    if rc != 0:
        sys.exit("the generated runbook does not check clean:\n" + err)
    check_wall.append(w); check_yaml.append(p["read"] + p["yaml"]); check_check.append(p["check"])

med = statistics.median
print(f"file: {steps} steps, {lines} lines, {size / 1024:.0f} KiB; median of {runs} runs; release build")
print()
print("| measure | YAML load alone | runbook check | ratio |")
print("|---|---|---|---|")
print(f"| process wall time | {med(load_wall):.1f} ms | {med(check_wall):.1f} ms | {med(check_wall) / med(load_wall):.2f} |")
in_load = med(load_yaml)
in_check = med([a + b for a, b in zip(check_yaml, check_check)])
print(f"| in process (read + YAML [+ parse and check]) | {in_load:.1f} ms | {in_check:.1f} ms | {in_check / in_load:.2f} |")
print(f"| parse and check alone | | {med(check_check):.1f} ms | {med(check_check) / in_load:.2f} of the load |")
