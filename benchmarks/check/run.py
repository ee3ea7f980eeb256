#!/usr/bin/env python3
"""Times `runbook check` against the YAML load of the same file alone (a benchmark, not a test).

Builds the release binary, generates a valid runbook of STEPS top-level steps (default 10,000)
with benchmarks/check/generate.py, then runs RUNS times (default 9), alternating:
  (a) `runbook check --stage yaml --timing FILE`: reads the file and loads its YAML only;
  (b) `runbook check --timing FILE`: the whole check (read, YAML, parse and check).
`--timing` reports the CPU time of the working thread for each stage, which other processes on a
shared machine disturb less than wall time; the wall time of each whole process is measured too.
Target: (b) <= 2 x (a).

Writes its figures into docs/benchmarks.md, between the `check` markers (creating the file or the
section when absent), and prints them.

Usage: benchmarks/check/run.py [STEPS]      (RUNS=n to change the number of runs)
"""
import os, platform, re, statistics, subprocess, sys, tempfile, time, datetime

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
env = dict(os.environ, PATH="/opt/swift/usr/bin:" + os.environ.get("PATH", ""))
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
runs = int(os.environ.get("RUNS", "9"))

subprocess.run(["swift", "build", "-c", "release", "--product", "runbook"], cwd=root, env=env, check=True,
               stdout=subprocess.DEVNULL)
bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
runbook = os.path.join(bin_dir, "runbook")
swift_version = subprocess.run(["swift", "--version"], env=env, capture_output=True, text=True).stdout.split("\n")[0]

path = os.path.join(tempfile.mkdtemp(), f"generated-{steps}.yaml")
with open(path, "w") as f:
    subprocess.run([sys.executable, os.path.join(root, "benchmarks/check/generate.py"), str(steps)], stdout=f,
                   check=True)
size = os.path.getsize(path)
with open(path) as f:
    lines = sum(1 for _ in f)


def run(args):
    start = time.perf_counter()
    done = subprocess.run([runbook, "check", "--timing", *args, path], capture_output=True, text=True)
    wall = (time.perf_counter() - start) * 1000
    phases = {k: float(v) for k, v in re.findall(r"(read|yaml|check) ([0-9.]+)ms", done.stderr)}
    if done.returncode != 0:
        sys.exit("the generated runbook does not check clean:\n" + done.stderr)
    return wall, phases


load_wall, load_cpu, check_wall, check_cpu, language_cpu = [], [], [], [], []
run(["--stage", "yaml"])  # warm the file cache
for _ in range(runs):
    wall, p = run(["--stage", "yaml"])
    load_wall.append(wall)
    load_cpu.append(p["read"] + p["yaml"])
    wall, p = run([])
    check_wall.append(wall)
    check_cpu.append(p["read"] + p["yaml"] + p["check"])
    language_cpu.append(p["check"])

load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
med = statistics.median
a, b = med(load_cpu), med(check_cpu)
aw, bw = med(load_wall), med(check_wall)
verdict = "meets the target" if b <= 2 * a else "misses the target"
section = f"""<!-- check:begin (written by benchmarks/check/run.py) -->
## Check

How long `runbook check` takes on a large runbook, against loading the same file's YAML alone.
(a) is `runbook check --stage yaml` (read the file, load its YAML); (b) is the whole
`runbook check` (read, load, then parse the runbook and check it). Times are the CPU time of the
working thread per stage, as `--timing` reports it, and the wall time of the whole process
(start-up included). Target: (b) <= 2 x (a).

| median of {runs} runs | (a) YAML load alone | (b) runbook check | (b) / (a) |
| --- | --- | --- | --- |
| CPU time, read + YAML [+ parse and check] | {a:.1f} ms | {b:.1f} ms | {b / a:.2f} ({verdict}) |
| wall time of the process | {aw:.1f} ms | {bw:.1f} ms | {bw / aw:.2f} |
| parse and check alone | | {med(language_cpu):.1f} ms | {med(language_cpu) / a:.2f} of (a) |

The ratio depends as much on the YAML loader as on the checker: parse and check alone take
{med(language_cpu) / steps * 1000:.1f} ms per 1,000 steps, and the target holds while that stays under the load time.

- input: `benchmarks/check/generate.py {steps}`: {steps} steps, {lines} lines, {size} bytes
- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} (load average {load_average:.1f} at the end); {swift_version}; release build
- date: {datetime.date.today().isoformat()}
- command: `benchmarks/check/run.py` (`RUNS=n`, or a number of steps as argument)
<!-- check:end -->
"""
print(section)

doc = os.path.join(root, "docs", "benchmarks.md")
header = """# Benchmarks

Measured figures for the project's benchmarks, one section per benchmark, each written
by its script under `benchmarks/`.

"""
text = open(doc).read() if os.path.exists(doc) else header
if "<!-- check:begin" in text:
    text = re.sub(r"<!-- check:begin.*?<!-- check:end -->\n", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section
with open(doc, "w") as f:
    f.write(text)
