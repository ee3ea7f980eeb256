#!/usr/bin/env python3
"""Runs runbooks against `runbook serve` and measures them (used by benchmarks/http/run).

Usage: measure.py RUNBOOK_BINARY WORK_DIR DRILL_FILE ROUNDS FLEET_SIZE

For each round: (1) the failover drill against `runbook serve --speed instant` (default topology):
wall time of `runbook run` and the number of HTTP requests the server logged; (2) a fleet runbook,
`in parallel for each` over FLEET_SIZE standbys (failover, then await SUCCESS), against `runbook
serve --speed instant --topology` with FLEET_SIZE pairs: wall time, peak RSS of the `runbook run`
process, and the number of requests. Prints one `key=value` line per figure (medians over rounds).
"""
import os
import re
import statistics
import subprocess
import sys
import threading
import time


class Serve:
    """A `runbook serve --port 0` process whose request log lines are counted."""

    def __init__(self, binary, args):
        self.process = subprocess.Popen(
            [binary, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        banner = self.process.stdout.readline()
        match = re.search(r"127\.0\.0\.1:(\d+)", banner)
        if not match:
            raise SystemExit(f"serve did not start: {banner!r} {self.process.stderr.read()!r}")
        self.url = f"http://127.0.0.1:{match.group(1)}"
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def stop(self):
        """Stops the server (SIGTERM) and returns the number of requests it logged."""
        self.process.terminate()
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        return sum(1 for line in self.lines if not line.startswith("runbook serve:"))


def run(binary, runbook, url):
    """Wall seconds, peak RSS in MiB and exit status of `runbook run`."""
    start = time.monotonic()
    process = subprocess.Popen(
        [binary, "run", runbook, "--target", url, "--no-log", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"runbook run {runbook} exited {process.returncode}: {errors}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    rss = usage.ru_maxrss / 1024 if sys.platform.startswith("linux") else usage.ru_maxrss / (1024 * 1024)
    return wall, rss


def fleet_files(work, size):
    topology = os.path.join(work, f"fleet-{size}.topology.yaml")
    runbook = os.path.join(work, f"fleet-{size}.yaml")
    with open(topology, "w") as f:
        f.write("clusters:\n")
        for i in range(size):
            primary = 2 * i + 1
            f.write(f"  - {{id: {primary}, name: primary-{i}, type: PRIMARY, status: STOPPED}}\n")
            f.write(f"  - {{id: {primary + 1}, name: standby-{i}, type: STANDBY, primary: {primary}}}\n")
    standbys = ", ".join(str(2 * i + 2) for i in range(size))
    with open(runbook, "w") as f:
        f.write(f"runbook: Fail over {size} standbys at once\n")
        f.write(f"vars:\n  standbys: [{standbys}]\n")
        f.write("steps:\n")
        f.write("  - in parallel for each standby in ${standbys}:\n")
        f.write("      - failover cluster: ${standby}\n")
        f.write("      - await task status: SUCCESS\n")
        # Every standby at once (the default is 100).
        f.write(f"    max concurrency: {size}\n")
    return topology, runbook


def main():
    binary, work, drill, rounds, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    os.makedirs(work, exist_ok=True)
    topology, fleet = fleet_files(work, size)
    drill_wall, drill_requests, fleet_wall, fleet_rss, fleet_requests = [], [], [], [], []
    for r in range(1, rounds + 1):
        serve = Serve(binary, ["--speed", "instant"])
        wall, _ = run(binary, drill, serve.url)
        requests = serve.stop()
        drill_wall.append(wall)
        drill_requests.append(requests)

        serve = Serve(binary, ["--speed", "instant", "--topology", topology])
        wall, rss = run(binary, fleet, serve.url)
        requests = serve.stop()
        fleet_wall.append(wall)
        fleet_rss.append(rss)
        fleet_requests.append(requests)
        print(f"  round {r}: drill {drill_wall[-1]:.2f} s, {drill_requests[-1]} requests; "
              f"fleet of {size}: {wall:.2f} s, {rss:.1f} MiB, {requests} requests", file=sys.stderr)
    print(f"drill_wall={statistics.median(drill_wall):.2f}")
    print(f"drill_requests={int(statistics.median(drill_requests))}")
    print(f"fleet_wall={statistics.median(fleet_wall):.2f}")
    print(f"fleet_wall_max={max(fleet_wall):.2f}")
    print(f"fleet_rss={statistics.median(fleet_rss):.1f}")
    print(f"fleet_rss_max={max(fleet_rss):.1f}")
    print(f"fleet_requests={int(statistics.median(fleet_requests))}")


if __name__ == "__main__":
    main()
