import RunbookTestSupport
import Testing
@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport
@testable import RunbookYAML

/// An invalid runbook and the exact diagnostics `runbook check` renders for it (file `t.yaml`).
struct InvalidRunbook: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var diagnostics: String

    init(_ name: String, yaml: String, diagnostics: String) {
        self.name = name
        self.yaml = yaml + "\n"
        self.diagnostics = diagnostics
    }

    var testDescription: String { name }
}

@Suite struct InvalidRunbookTests {
    @Test(arguments: InvalidRunbookTests.cases)
    func rendersExactDiagnostics(_ invalid: InvalidRunbook) {
        let result = RunbookChecker.check(invalid.yaml, file: "t.yaml")
        let source = SourceText(path: "t.yaml", text: invalid.yaml)
        let rendered = result.diagnostics.map { $0.rendered(source: source) }.joined(separator: "\n")
        #expect(rendered == invalid.diagnostics)
        #expect(result.hasErrors)
        #expect(result.runbook == nil)
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }

    static let cases: [InvalidRunbook] = [
        InvalidRunbook(
            "unknown top-level key with a suggestion",
            yaml: #"""
            runbook: Drill
            stesp:
              - failover cluster: 6
            """#,
            diagnostics: #"""
            t.yaml:2:1: error: unknown top-level key 'stesp'; did you mean 'steps'?
            stesp:
            ^
            """#),
        InvalidRunbook(
            "unknown top-level key without a suggestion",
            yaml: #"""
            runbook: Drill
            owner: dba-team
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:2:1: error: unknown top-level key 'owner'
            owner: dba-team
            ^
            """#),
        InvalidRunbook(
            "missing title",
            yaml: #"""
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:1:1: error: a runbook needs a title: add 'runbook: TITLE'
            steps:
            ^
            """#),
        InvalidRunbook(
            "empty steps",
            yaml: #"""
            runbook: Drill
            steps: []
            """#,
            diagnostics: #"""
            t.yaml:2:8: error: 'steps' is empty: a runbook needs at least one step
            steps: []
                   ^
            """#),
        InvalidRunbook(
            "title of the wrong type",
            yaml: #"""
            runbook: [a, b]
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:1:10: error: 'runbook' must be a string, not a sequence
            runbook: [a, b]
                     ^
            """#),
        InvalidRunbook(
            "file is a sequence",
            yaml: #"""
            - failover cluster: 6
            - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:1:1: error: a runbook is a mapping with 'runbook:' and 'steps:', not a sequence
            - failover cluster: 6
            ^
            """#),
        InvalidRunbook(
            "empty file",
            yaml: #"""
            # nothing here
            """#,
            diagnostics: #"""
            t.yaml:1:1: error: the file is empty: a runbook needs 'runbook:' (a title) and 'steps:'
            # nothing here
            ^
            """#),
        InvalidRunbook(
            "YAML syntax error",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
               - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:4:4: error: did not find expected '-' indicator in the block sequence that starts at line 3, column 3 (check the indentation; a sequence's items all start with '-' in the same column)
               - await task status: SUCCESS
               ^
            """#),
        InvalidRunbook(
            "duplicate key",
            yaml: #"""
            runbook: Drill
            steps:
              - note: a
            runbook: Again
            """#,
            diagnostics: #"""
            t.yaml:4:1: error: duplicate key 'runbook' in this mapping (first at line 1)
            runbook: Again
            ^
            """#),
        InvalidRunbook(
            "misspelt phrase word",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - awiat task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: unknown phrase 'awiat task status'; did you mean 'await task status'?
              - awiat task status: SUCCESS
                ^
            """#),
        InvalidRunbook(
            "unknown phrase",
            yaml: #"""
            runbook: Drill
            steps:
              - frobnicate cluster: 6
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: unknown phrase 'frobnicate cluster'
              - frobnicate cluster: 6
                ^
            """#),
        InvalidRunbook(
            "incomplete phrase",
            yaml: #"""
            runbook: Drill
            steps:
              - await cluster 6: PRIMARY
            """#,
            diagnostics: #"""
            t.yaml:3:20: error: unknown phrase 'await cluster 6'; did you mean 'await cluster 6 type'?
              - await cluster 6: PRIMARY
                               ^
            """#),
        InvalidRunbook(
            "extra word in a phrase",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster 6 now
            """#,
            diagnostics: #"""
            t.yaml:3:24: error: unknown phrase 'failover cluster 6 now'; did you mean 'failover cluster 6'?
              - failover cluster 6 now
                                   ^
            """#),
        InvalidRunbook(
            "unclosed quoted name",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - assert subtask "Failover to Primary
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:4:20: error: in phrase 'assert subtask "Failover to Primary': the quoted name is not closed with '"'
              - assert subtask "Failover to Primary
                               ^
            """#),
        InvalidRunbook(
            "misspelt task status",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCES
            """#,
            diagnostics: #"""
            t.yaml:4:24: error: unknown task status 'SUCCES'; did you mean 'SUCCESS'?
              - await task status: SUCCES
                                   ^
            """#),
        InvalidRunbook(
            "lower-case status",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: success
            """#,
            diagnostics: #"""
            t.yaml:4:24: error: unknown task status 'success'; did you mean 'SUCCESS'?
              - await task status: success
                                   ^
            """#),
        InvalidRunbook(
            "unknown subtask status",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await subtask "Wait node" status: DONE
            """#,
            diagnostics: #"""
            t.yaml:4:39: error: unknown subtask status 'DONE': expected PENDING, READY, RUNNING, CANCELING, SUCCESSFUL (or SUCCESS) or FAILED
              - await subtask "Wait node" status: DONE
                                                  ^
            """#),
        InvalidRunbook(
            "misspelt cluster type",
            yaml: #"""
            runbook: Drill
            steps:
              - await cluster 6 type: PRIMRY
            """#,
            diagnostics: #"""
            t.yaml:3:27: error: unknown cluster type 'PRIMRY'; did you mean 'PRIMARY'?
              - await cluster 6 type: PRIMRY
                                      ^
            """#),
        InvalidRunbook(
            "unknown sync status",
            yaml: #"""
            runbook: Drill
            steps:
              - assert cluster 6:
                  syncStatus: OK
            """#,
            diagnostics: #"""
            t.yaml:4:19: error: unknown sync status 'OK': expected VALID, DISABLED or SYNCHRONIZING
                  syncStatus: OK
                              ^
            """#),
        InvalidRunbook(
            "misspelt option",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timout: 30m
            """#,
            diagnostics: #"""
            t.yaml:5:5: error: unknown option 'timout'; did you mean 'timeout'?
                timout: 30m
                ^
            """#),
        InvalidRunbook(
            "unknown option",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                owner: bob
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: unknown option 'owner': a step's options are 'name', 'timeout', 'every', 'as', 'continue on failure', 'max concurrency' and 'service name'
                owner: bob
                ^
            """#),
        InvalidRunbook(
            "assertion field beside the phrase",
            yaml: #"""
            runbook: Drill
            steps:
              - assert cluster 6:
                type: PRIMARY
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: 'assert cluster 6' needs fields to check, such as 'type: PRIMARY' or 'status: RUNNING'
              - assert cluster 6:
                ^
            t.yaml:4:5: error: unknown option 'type': to assert the cluster's 'type', indent it under 'assert cluster 6:'
                type: PRIMARY
                ^
            """#),
        InvalidRunbook(
            "two phrases in one step",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: a step has one phrase, but this one has 2: 'failover cluster' and 'await task status' (start each on its own '- ')
                await task status: SUCCESS
                ^
            """#),
        InvalidRunbook(
            "a step with only options",
            yaml: #"""
            runbook: Drill
            steps:
              - timeout: 5m
                name: wait
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: this step has no phrase, only options; a step is a phrase such as 'await task status: SUCCESS' with its options
              - timeout: 5m
                ^
            """#),
        InvalidRunbook(
            "a step that is a number",
            yaml: #"""
            runbook: Drill
            steps:
              - 42
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: a step is a phrase such as 'retry task' or a mapping such as 'failover cluster: 6', not a number
              - 42
                ^
            """#),
        InvalidRunbook(
            "a step that is a sequence",
            yaml: #"""
            runbook: Drill
            steps:
              - - note: nested
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: a step is a phrase or a mapping, not a sequence (is a '-' too many?)
              - - note: nested
                ^
            """#),
        InvalidRunbook(
            "a value on a phrase that takes none",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: FAILED
              - retry task: now
            """#,
            diagnostics: #"""
            t.yaml:5:17: error: 'retry task' takes no value; options go on their own lines
              - retry task: now
                            ^
            """#),
        InvalidRunbook(
            "a cluster action without a cluster",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: 'failover cluster' needs a cluster id: 'failover cluster: 6'
              - failover cluster
                ^
            t.yaml:3:5: warning: 'failover cluster' starts a task that no step awaits: add 'await task status: SUCCESS' after it
              - failover cluster
                ^
            """#),
        InvalidRunbook(
            "a cluster id that is not a number",
            yaml: #"""
            runbook: Drill
            steps:
              - switchover cluster: ob-prod-sh
            """#,
            diagnostics: #"""
            t.yaml:3:5: warning: 'switchover cluster' starts a task that no step awaits: add 'await task status: SUCCESS' after it
              - switchover cluster: ob-prod-sh
                ^
            t.yaml:3:25: error: a cluster id is a number or ${...}, not 'ob-prod-sh'
              - switchover cluster: ob-prod-sh
                                    ^
            """#),
        InvalidRunbook(
            "a cluster in the key and the value",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster 6: 6
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:3:25: error: 'failover cluster 6' already names its cluster; it takes no value
              - failover cluster 6: 6
                                    ^
            """#),
        InvalidRunbook(
            "a wait without its word",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status:
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'await task status' needs a task status: RUNNING, SUCCESSFUL (or SUCCESS) or FAILED
              - await task status:
                ^
            """#),
        InvalidRunbook(
            "assert task without fields",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - assert task
            """#,
            diagnostics: #"""
            t.yaml:5:5: error: 'assert task' needs fields to check, such as 'status: SUCCESSFUL' or 'took under: 30m'
              - assert task
                ^
            """#),
        InvalidRunbook(
            "misspelt assertion field",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - assert subtask "Failover to Primary":
                  tookunder: 10m
            """#,
            diagnostics: #"""
            t.yaml:6:7: error: unknown field 'tookunder' in 'assert subtask "Failover to Primary"'; did you mean 'took under'?
                  tookunder: 10m
                  ^
            """#),
        InvalidRunbook(
            "runTime below 1",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - assert subtask "Failover to Primary":
                  runTime: 0
            """#,
            diagnostics: #"""
            t.yaml:6:16: error: 'runTime' must be at least 1, not 0
                  runTime: 0
                           ^
            """#),
        InvalidRunbook(
            "continue on failure that is not a boolean",
            yaml: #"""
            runbook: Drill
            steps:
              - note: hello
                continue on failure: yes
            """#,
            diagnostics: #"""
            t.yaml:4:26: error: 'continue on failure' must be true or false; 'yes' is text in YAML 1.2
                continue on failure: yes
                                     ^
            """#),
        InvalidRunbook(
            "every on a step that does not wait",
            yaml: #"""
            runbook: Drill
            steps:
              - sleep: 10s
                every: 1s
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'every' sets the polling interval of a wait; 'sleep' does not wait
                every: 1s
                ^
            """#),
        InvalidRunbook(
            "as on a step that starts no task",
            yaml: #"""
            runbook: Drill
            steps:
              - precheck failover cluster: 6
                as: check
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'as' names the task a step starts, and 'precheck failover cluster' starts none (only 'failover cluster', 'switchover cluster', 'switchover tenant', 'failover tenant', 'failover tenants of cluster' and 'switchover tenants of cluster' do)
                as: check
                ^
            """#),
        InvalidRunbook(
            "max concurrency below 1",
            yaml: #"""
            runbook: Drill
            vars:
              standbys: [6, 8]
            steps:
              - in parallel for each c in ${standbys}:
                  - note: ${c}
                max concurrency: 0
            """#,
            diagnostics: #"""
            t.yaml:7:22: error: 'max concurrency' must be at least 1, not 0
                max concurrency: 0
                                 ^
            """#),
        InvalidRunbook(
            "probe options and targets",
            yaml: #"""
            runbook: Drill
            steps:
              - probe tcp: obproxy.example.com:2883
                expect status: 200
              - probe http: ftp://example.com/
              - probe tcp: obproxy.example.com
              - probe http: https://example.com/
                expect status: 700
                expect exit: 1
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'expect status' applies to 'probe http' (and its await), not to 'probe tcp'
                expect status: 200
                ^
            t.yaml:5:17: error: 'ftp://example.com/' is not an http:// or https:// URL
              - probe http: ftp://example.com/
                            ^
            t.yaml:6:16: error: 'obproxy.example.com' is not HOST:PORT (a port from 1 to 65535; [::1]:PORT for IPv6)
              - probe tcp: obproxy.example.com
                           ^
            t.yaml:8:20: error: 'expect status' is an HTTP status from 100 to 599, not 700
                expect status: 700
                               ^
            t.yaml:9:5: error: 'expect exit' applies to 'probe command' (and its await), not to 'probe http'
                expect exit: 1
                ^
            """#),
        InvalidRunbook(
            "markers: once each, never in a loop",
            yaml: #"""
            runbook: Drill
            vars:
              items: [1, 2]
            steps:
              - outage: one
              - outage: two
              - for each i in ${items}:
                  - recovered: in a loop
            """#,
            diagnostics: #"""
            t.yaml:6:5: error: a runbook marks its 'outage' once; the first is at line 5: recovery time runs from 'outage' to 'recovered'
              - outage: two
                ^
            t.yaml:8:9: error: 'recovered' marks one moment of the run, so it cannot be inside a loop
                  - recovered: in a loop
                    ^
            """#),
        InvalidRunbook(
            "objectives and watch",
            yaml: #"""
            runbook: Drill
            objectives:
              recovery tme: 10m
            watch:
              - await probe http: https://example.com/
              - note: hello
            steps:
              - note: x
            """#,
            diagnostics: #"""
            t.yaml:3:3: error: unknown objective 'recovery tme'; did you mean 'recovery time'?
              recovery tme: 10m
              ^
            t.yaml:5:5: error: a watch probe runs all through the run: write 'probe http'
              - await probe http: https://example.com/
                ^
            t.yaml:6:5: error: 'watch' lists probes ('probe http', 'probe tcp', 'probe command'), not 'note'
              - note: hello
                ^
            """#),
        InvalidRunbook(
            "simulated services",
            yaml: #"""
            runbook: Drill
            simulate:
              services:
                - {probe: "https://example.com/", tenant: ordes}
                - {probe: "https://example.com/b"}
                - {probe: "db:3306", tenant: orders, cluster: 6}
            steps:
              - note: x
            """#,
            diagnostics: #"""
            t.yaml:4:47: error: no simulated tenant is named 'ordes'; did you mean 'orders'?
                - {probe: "https://example.com/", tenant: ordes}
                                                          ^
            t.yaml:5:7: error: a service is served by a 'tenant' (by name) or a 'cluster' (by id): give one of them
                - {probe: "https://example.com/b"}
                  ^
            t.yaml:6:7: error: a service is served by a 'tenant' (by name) or a 'cluster' (by id): give one of them
                - {probe: "db:3306", tenant: orders, cluster: 6}
                  ^
            """#),
        InvalidRunbook(
            "a timeout on a note, which takes no time",
            yaml: #"""
            runbook: Drill
            steps:
              - note: hello
                timeout: 5m
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'timeout' bounds a step that takes time; a note takes none
                timeout: 5m
                ^
            """#),
        InvalidRunbook(
            "max concurrency outside a parallel loop",
            yaml: #"""
            runbook: Drill
            steps:
              - note: hello
                max concurrency: 2
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'max concurrency' applies only to 'in parallel for each'
                max concurrency: 2
                ^
            """#),
        InvalidRunbook(
            "max concurrency from a variable below 1",
            yaml: #"""
            runbook: Drill
            vars:
              standbys: [6, 8]
              width: 0
            steps:
              - in parallel for each c in ${standbys}:
                  - note: ${c}
                max concurrency: ${width}
            """#,
            diagnostics: #"""
            t.yaml:8:22: error: 'max concurrency' must be at least 1, but '${width}' is 0
                max concurrency: ${width}
                                 ^
            """#),
        InvalidRunbook(
            "a duration in words",
            yaml: #"""
            runbook: Drill
            steps:
              - sleep: 5 minutes
            """#,
            diagnostics: #"""
            t.yaml:3:12: error: '5 minutes' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m; did you mean '5m'?
              - sleep: 5 minutes
                       ^
            """#),
        InvalidRunbook(
            "a zero timeout",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timeout: 0s
            """#,
            diagnostics: #"""
            t.yaml:5:14: error: 'timeout' must be longer than 0s
                timeout: 0s
                         ^
            """#),
        InvalidRunbook(
            "a variable that is not a duration",
            yaml: #"""
            runbook: Drill
            vars:
              rto: soon
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timeout: ${rto}
            """#,
            diagnostics: #"""
            t.yaml:7:14: error: '${rto}' is 'soon', which is not a duration: write 500ms, 30s, 5m, 1h or 1h30m
                timeout: ${rto}
                         ^
            """#),
        InvalidRunbook(
            "a top-level timeout that is not a duration",
            yaml: #"""
            runbook: Drill
            timeout: 1d
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:2:10: error: '1d' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m
            timeout: 1d
                     ^
            """#),
        InvalidRunbook(
            "undefined variable with a suggestion",
            yaml: #"""
            runbook: Drill
            vars:
              standby: 6
            steps:
              - failover cluster: ${stanby}
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:5:23: error: undefined variable 'stanby'; did you mean 'standby'?
              - failover cluster: ${stanby}
                                  ^
            """#),
        InvalidRunbook(
            "undefined variable without a suggestion",
            yaml: #"""
            runbook: Drill
            steps:
              - note: cluster ${cluster}
            """#,
            diagnostics: #"""
            t.yaml:3:19: error: undefined variable 'cluster'
              - note: cluster ${cluster}
                              ^
            """#),
        InvalidRunbook(
            "a field of a number",
            yaml: #"""
            runbook: Drill
            vars:
              standby: 6
            steps:
              - note: ${standby.id}
            """#,
            diagnostics: #"""
            t.yaml:5:11: error: 'standby' is a number ('6'); it has no field 'id'
              - note: ${standby.id}
                      ^
            """#),
        InvalidRunbook(
            "a missing field of a mapping",
            yaml: #"""
            runbook: Drill
            vars:
              standby:
                id: 6
                name: ob-prod-sh
            steps:
              - failover cluster: ${standby.idd}
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:7:23: error: 'standby' has no field 'idd'; did you mean 'id'?
              - failover cluster: ${standby.idd}
                                  ^
            """#),
        InvalidRunbook(
            "env without a name",
            yaml: #"""
            runbook: Drill
            steps:
              - note: home is ${env}
            """#,
            diagnostics: #"""
            t.yaml:3:19: error: '${env}' does not name an environment variable: write ${env.NAME}
              - note: home is ${env}
                              ^
            """#),
        InvalidRunbook(
            "a malformed reference",
            yaml: #"""
            runbook: Drill
            steps:
              - note: "${stand by}"
            """#,
            diagnostics: #"""
            t.yaml:3:12: error: '${stand by}' is not a variable reference: write ${name}, ${name.field} or ${env.NAME}
              - note: "${stand by}"
                       ^
            """#),
        InvalidRunbook(
            "an unterminated reference",
            yaml: #"""
            runbook: Drill
            steps:
              - note: cluster ${standby
            """#,
            diagnostics: #"""
            t.yaml:3:19: error: '${' is not closed: write ${name}, or $${ for a literal '${'
              - note: cluster ${standby
                              ^
            """#),
        InvalidRunbook(
            "a wait before any task",
            yaml: #"""
            runbook: Drill
            steps:
              - await task status: SUCCESS
              - failover cluster: 6
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: 'await task status' acts on the current task, but no step before it starts one: start one with 'failover cluster', 'switchover cluster', 'switchover tenant', 'failover tenant', 'failover tenants of cluster' or 'switchover tenants of cluster', or name one with 'task NAME'
              - await task status: SUCCESS
                ^
            """#),
        InvalidRunbook(
            "a precheck starts no task",
            yaml: #"""
            runbook: Drill
            steps:
              - precheck failover cluster: 6
              - assert task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'assert task status' acts on the current task, but no step before it starts one ('precheck failover cluster' starts none): start one with 'failover cluster', 'switchover cluster', 'switchover tenant', 'failover tenant', 'failover tenants of cluster' or 'switchover tenants of cluster', or name one with 'task NAME'
              - assert task status: SUCCESS
                ^
            """#),
        InvalidRunbook(
            "unknown task name with a suggestion",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                as: drill
              - await task dril status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:3:5: warning: 'failover cluster' starts a task that no step awaits: add 'await task drill status: SUCCESS' after it
              - failover cluster: 6
                ^
            t.yaml:5:16: error: undefined task name 'dril'; did you mean 'drill'?
              - await task dril status: SUCCESS
                           ^
            """#),
        InvalidRunbook(
            "a task name used before its step",
            yaml: #"""
            runbook: Drill
            steps:
              - await task drill status: SUCCESS
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:3:16: error: task 'drill' is used before 'as: drill' names it, at line 5
              - await task drill status: SUCCESS
                           ^
            """#),
        InvalidRunbook(
            "a reused task name",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
              - switchover cluster: 6
                as: drill
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:7:9: error: task name 'drill' is already used at line 4; give each task its own name
                as: drill
                    ^
            """#),
        InvalidRunbook(
            "a task name that is a variable",
            yaml: #"""
            runbook: Drill
            vars:
              standby: 6
            steps:
              - failover cluster: 6
                as: standby
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:6:9: error: task name 'standby' is already a variable (line 3); choose another name
                as: standby
                    ^
            """#),
        InvalidRunbook(
            "a variable used as a task name",
            yaml: #"""
            runbook: Drill
            vars:
              standby: 6
            steps:
              - failover cluster: ${standby}
              - await task standby status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:5:5: warning: 'failover cluster' starts a task that no step awaits: add 'await task status: SUCCESS' after it
              - failover cluster: ${standby}
                ^
            t.yaml:6:16: error: 'standby' is a variable, not a task name; for a task id it holds, write 'task ${standby}'
              - await task standby status: SUCCESS
                           ^
            """#),
        InvalidRunbook(
            "a loop variable that hides a variable",
            yaml: #"""
            runbook: Drill
            vars:
              standby: 6
              standbys: [6, 8]
            steps:
              - for each standby in ${standbys}:
                  - note: ${standby}
            """#,
            diagnostics: #"""
            t.yaml:6:14: error: loop variable 'standby' hides the variable 'standby' (line 3); choose another name
              - for each standby in ${standbys}:
                         ^
            """#),
        InvalidRunbook(
            "a loop over a number",
            yaml: #"""
            runbook: Drill
            vars:
              standby: 6
            steps:
              - for each c in ${standby}:
                  - note: ${c}
            """#,
            diagnostics: #"""
            t.yaml:5:19: error: '${standby}' is a number ('6'), not a list
              - for each c in ${standby}:
                              ^
            """#),
        InvalidRunbook(
            "a task name read without a field",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
              - note: task ${drill}
            """#,
            diagnostics: #"""
            t.yaml:6:16: error: 'drill' names a task; read one of its fields, such as ${drill.id}
              - note: task ${drill}
                           ^
            """#),
        InvalidRunbook(
            "a task field that does not exist",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
              - note: task ${drill.idd}
            """#,
            diagnostics: #"""
            t.yaml:6:16: error: a task has no field 'idd'; did you mean 'id'?
              - note: task ${drill.idd}
                           ^
            """#),
        InvalidRunbook(
            "a loop variable used outside its loop",
            yaml: #"""
            runbook: Drill
            vars:
              standbys: [6, 8]
            steps:
              - for each c in ${standbys}:
                  - note: ${c}
              - note: last was ${c}
            """#,
            diagnostics: #"""
            t.yaml:7:20: error: loop variable 'c' (line 5) is used outside its loop
              - note: last was ${c}
                               ^
            """#),
        InvalidRunbook(
            "a task named in a loop used after it",
            yaml: #"""
            runbook: Drill
            vars:
              standbys: [6, 8]
            steps:
              - for each c in ${standbys}:
                  - failover cluster: ${c}
                    as: drill
                  - await task drill status: SUCCESS
              - assert task drill status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:9:17: error: task 'drill' (named at line 7) is not visible here: a name given inside a loop stays in the loop
              - assert task drill status: SUCCESS
                            ^
            """#),
        InvalidRunbook(
            "a variable that uses a later one",
            yaml: #"""
            runbook: Drill
            vars:
              label: drill of ${standby}
              standby: 6
            steps:
              - note: ${label}
            """#,
            diagnostics: #"""
            t.yaml:3:19: error: variable 'standby' is used before it is defined, at line 4; a variable can use only those before it
              label: drill of ${standby}
                              ^
            """#),
        InvalidRunbook(
            "a variable named env",
            yaml: #"""
            runbook: Drill
            vars:
              env: prod
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:3:3: error: 'env' is reserved for ${env.NAME}, the environment; choose another name
              env: prod
              ^
            """#),
        InvalidRunbook(
            "a target that is not a URL",
            yaml: #"""
            runbook: Drill
            target: ocp.example.com
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:2:9: error: 'ocp.example.com' is not a target: write 'embedded' or an OCP base URL such as https://ocp.example.com:8080
            target: ocp.example.com
                    ^
            """#),
        InvalidRunbook(
            "an empty loop",
            yaml: #"""
            runbook: Drill
            vars:
              standbys: [6, 8]
            steps:
              - for each c in ${standbys}: []
            """#,
            diagnostics: #"""
            t.yaml:5:32: error: 'for each c in ${standbys}' needs at least one step
              - for each c in ${standbys}: []
                                           ^
            """#),
        InvalidRunbook(
            "sleep without a duration",
            yaml: #"""
            runbook: Drill
            steps:
              - sleep
            """#,
            diagnostics: #"""
            t.yaml:3:5: error: 'sleep' needs a duration: 'sleep: 30s'
              - sleep
                ^
            """#),
        InvalidRunbook(
            "a note that is a mapping",
            yaml: #"""
            runbook: Drill
            steps:
              - note:
                  text: hello
            """#,
            diagnostics: #"""
            t.yaml:4:7: error: 'note' must be text, not a mapping
                  text: hello
                  ^
            """#),
        InvalidRunbook(
            "on failure that is not a list",
            yaml: #"""
            runbook: Drill
            steps:
              - note: hello
            on failure: rollback task
            """#,
            diagnostics: #"""
            t.yaml:4:13: error: 'on failure' must be a list of steps, not a string
            on failure: rollback task
                        ^
            """#),
        InvalidRunbook(
            "errors in simulate clusters",
            yaml: #"""
            runbook: Drill
            simulate:
              sped: 60x
              speed: 60
              clusters:
                - id: 5
                  type: PRIMARY
                  status: STOPED
                - id: 6
                  type: STANDBY
                - id: 6
                  type: STANDBY
                  primary: 9
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:3:3: error: unknown key 'sped' in simulate; did you mean 'speed'?
              sped: 60x
              ^
            t.yaml:4:10: error: '60' is not a speed: write instant, realtime or a factor such as 60x (from 0.001x to 1000000x); did you mean '60x'?
              speed: 60
                     ^
            t.yaml:8:15: error: unknown cluster status 'STOPED'; did you mean 'STOPPED'?
                  status: STOPED
                          ^
            t.yaml:9:7: error: a STANDBY cluster needs 'primary': the id of its primary cluster
                - id: 6
                  ^
            t.yaml:11:11: error: cluster id 6 is already used at line 9
                - id: 6
                      ^
            t.yaml:13:16: error: there is no cluster 9 in 'simulate.clusters' (ids: 5, 6)
                  primary: 9
                           ^
            """#),
        InvalidRunbook(
            "errors in simulate faults",
            yaml: #"""
            runbook: Drill
            simulate:
              faults:
                - subtask: Wait node
                - subtask: Failover to Primary
                  hang: true
                  fail: 1
                - endpoint: GET /api/v2/task/instances/{taskId}
                  status: 503
                - endpoint: POST /api/v2/ob/clusters/{id}/failover
                  status: 200
                - cluster: 6
            steps:
              - note: hello
            """#,
            diagnostics: #"""
            t.yaml:4:7: error: this fault does nothing: give 'fail', 'hang' or 'takes'
                - subtask: Wait node
                  ^
            t.yaml:7:13: error: 'hang' and 'fail' cannot be combined: a hung subtask fails when its timeout passes
                  fail: 1
                        ^
            t.yaml:8:17: error: unknown endpoint 'GET /api/v2/task/instances/{taskId}': write METHOD /path as in OCP's API, such as 'GET /api/v2/tasks/instances/{taskId}'; did you mean 'GET /api/v2/tasks/instances/{taskId}'?
                - endpoint: GET /api/v2/task/instances/{taskId}
                            ^
            t.yaml:11:15: error: an API fault answers an HTTP error status (400 to 599), not 200
                  status: 200
                          ^
            t.yaml:12:7: error: a fault needs a 'subtask' (a subtask fault) or an 'endpoint' (an API fault)
                - cluster: 6
                  ^
            """#),
        InvalidRunbook(
            "options under a phrase without a colon",
            yaml: #"""
            runbook: Retry
            steps:
              - failover cluster: 6
              - await task status: FAILED
              - retry task
                timeout: 5m
              - await task status: SUCCESS
            """#,
            diagnostics: #"""
            t.yaml:5:5: error: end 'retry task' with ':' to give it options
              - retry task
                ^
            """#),
        InvalidRunbook(
            "every duplicate key, each where it is written",
            yaml: #"""
            runbook: Drill
            steps:
              - failover cluster: 6
                as: drill
                as: drill
              - await task drill status: SUCCESS
                timeout: 30m
                every: 10s
                timeout: 1h
            """#,
            diagnostics: #"""
            t.yaml:5:5: error: duplicate key 'as' in this mapping (first at line 4)
                as: drill
                ^
            t.yaml:9:5: error: duplicate key 'timeout' in this mapping (first at line 7)
                timeout: 1h
                ^
            """#),
    InvalidRunbook(
            "probe options on steps that are not probes, and an empty service name",
            yaml: #"""
            runbook: Drill
            steps:
              - note: hi
                expect exit: 0
              - sleep: 1s
                expect status: 200
              - failover tenant: 2000025
                service name: " "
              - await tenant 2000025 role: PRIMARY
                expect body: ok
            """#,
            diagnostics: #"""
            t.yaml:4:5: error: 'expect exit' applies to 'probe command' (and its await), not to 'note'
                expect exit: 0
                ^
            t.yaml:6:5: error: 'expect status' applies to 'probe http' (and its await), not to 'sleep'
                expect status: 200
                ^
            t.yaml:7:5: warning: 'failover tenant' starts a task that no step awaits: add 'await task status: SUCCESS' after it
              - failover tenant: 2000025
                ^
            t.yaml:8:19: error: 'service name' is the name of a service to create: it cannot be empty
                service name: " "
                              ^
            t.yaml:10:5: error: 'expect body' applies to 'probe http' (and its await), not to 'await tenant 2000025 role'
                expect body: ok
                ^
            """#),
    InvalidRunbook(
            "recovered before outage",
            yaml: #"""
            runbook: Drill
            steps:
              - recovered: orders answers
              - sleep: 5m
              - outage: region lost
            """#,
            diagnostics: #"""
            t.yaml:5:5: error: 'outage' comes after 'recovered' (line 3), and a run takes its steps in order: recovery time runs from 'outage' to 'recovered', so mark the outage first
              - outage: region lost
                ^
            """#),
    InvalidRunbook(
            "a subtask name in a variable known before the run, wrong in case",
            yaml: #"""
            runbook: Drill
            vars: {n: remove standby cluster}
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - assert subtask ${n}
            """#,
            diagnostics: #"""
            t.yaml:6:20: error: subtask 'remove standby cluster' differs from OCP's 'Remove standby cluster' only in case or spacing, and OCP matches names exactly: did you mean 'Remove standby cluster'?
              - assert subtask ${n}
                               ^
            """#),
    ]
}
