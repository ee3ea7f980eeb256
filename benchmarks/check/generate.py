#!/usr/bin/env python3
"""Writes a valid runbook of N top-level steps (default 10,000) to standard output.

The steps cycle through a realistic mix: cluster actions named with `as`, waits with
`${...}` durations, assertions with fields, notes with interpolation, sleeps, prechecks,
cluster waits and a `for each` loop, so the checker exercises phrases, options, expressions,
names and the current-task rules on every step.
"""
import sys

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
out = sys.stdout
out.write("# yaml-language-server: $schema=../../docs/runbook.schema.json\n")
out.write(f"runbook: Generated drill of {steps} steps\n")
out.write("vars:\n  standby: 6\n  standbys: [6, 8]\n  rto: 30m\n")
out.write("steps:\n")
block = [
    "  - failover cluster: ${{standby}}\n    as: t{i}\n",
    "  - await task t{i} status: SUCCESS\n    timeout: ${{rto}}\n    every: 10s\n",
    '  - assert subtask "Failover to Primary" of task t{i}:\n      status: SUCCESSFUL\n      took under: 10m\n',
    "  - assert cluster ${{standby}}:\n      type: PRIMARY\n      status: RUNNING\n",
    "  - note: step {i} on cluster ${{standby}} by ${{env.USER}}\n",
    "  - sleep: 1s\n",
    "  - precheck switchover cluster: 5\n",
    "  - await cluster 5 status: RUNNING\n",
    "  - for each c in ${{standbys}}:\n      - note: cluster ${{c}}\n",
    "  - assert task t{i}:\n      status: SUCCESSFUL\n",
]
for n in range(steps):
    out.write(block[n % len(block)].format(i=n // len(block)))
