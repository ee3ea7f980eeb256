#!/usr/bin/env python3
"""Writes yaml-test-suite.json, the cases of the official YAML test suite the conformance test
reads, from a checkout of its data release (yaml/yaml-test-suite, tag data-2022-01-17, MIT):

    python3 Tests/RunbookYAMLTests/Suite/vendor.py ../shared/yaml-test-suite

Each case keeps what the test uses: its id (`2G84/01` for numbered cases), its name (`===`), its
input (`in.yaml`, base64: some inputs are not valid UTF-8), whether it must be rejected
(`error`), and its expected data (`in.json`) when it has one."""
import base64, json, os, sys

root = sys.argv[1]
cases = []

def add(case_id, folder):
    def text(name):
        path = os.path.join(folder, name)
        return open(path, encoding="utf-8").read() if os.path.exists(path) else None
    with open(os.path.join(folder, "in.yaml"), "rb") as f:
        case = {"id": case_id, "name": (text("===") or "").strip(),
                "input": base64.b64encode(f.read()).decode(), "error": os.path.exists(os.path.join(folder, "error"))}
    if (expected := text("in.json")) is not None:
        case["json"] = expected
    cases.append(case)

for name in sorted(os.listdir(root)):
    folder = os.path.join(root, name)
    if not os.path.isdir(folder):
        continue
    if os.path.exists(os.path.join(folder, "in.yaml")):
        add(name, folder)
    else:
        for sub in sorted(os.listdir(folder)):
            if os.path.exists(os.path.join(folder, sub, "in.yaml")):
                add(f"{name}/{sub}", os.path.join(folder, sub))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "yaml-test-suite.json")
with open(out, "w") as f:
    json.dump({"source": "yaml/yaml-test-suite, data release 2022-01-17 (MIT, see LICENSE)", "cases": cases}, f, indent=0)
    f.write("\n")
print(f"{out}: {len(cases)} cases")
