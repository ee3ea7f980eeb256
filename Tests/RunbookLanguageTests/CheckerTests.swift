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

@Suite struct CheckerTests {
    private func check(_ yaml: String, vars: [String: String] = [:]) -> CheckResult {
        RunbookChecker.check(yaml, file: "c.yaml", predefinedVariables: vars)
    }

    private func messages(_ result: CheckResult) -> [String] {
        result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    }

    @Test func validRunbookGivesTheTreeAndNoDiagnostics() throws {
        let result = check(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """)
        #expect(result.diagnostics.isEmpty)
        let runbook = try #require(result.runbook)
        #expect(runbook.title == "Drill")
        #expect(runbook.steps.map(\.action.kind) == [.failoverCluster, .awaitTask])
        guard case .action(let wait) = runbook.steps[1].action, wait.task == .current,
            case .word(let word)? = wait.fields.first?.value
        else {
            Issue.record("not an await")
            return
        }
        #expect(word.word == "SUCCESSFUL")
        #expect(word.written == "SUCCESS")
    }

    @Test func reportsEveryProblemOfAFileInOneRun() {
        let result = check(
            """
            runbook: Drill
            steps:
              - await task status: SUCCES
              - failover cluster: ${standby}
              - sleep: forever
            """)
        #expect(
            messages(result) == [
                "3:5: error: 'await task status' acts on the current task, but no step before it starts one: start one with 'failover cluster', 'switchover cluster', 'switchover tenant', 'failover tenant', 'failover tenants of cluster' or 'switchover tenants of cluster', or name one with 'task NAME'",
                "3:24: error: unknown task status 'SUCCES'; did you mean 'SUCCESS'?",
                "4:5: warning: 'failover cluster' starts a task that no step awaits: add 'await task status: SUCCESS' after it",
                "4:23: error: undefined variable 'standby'",
                "5:12: error: 'forever' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m",
            ])
        #expect(result.errorCount == 4)
        #expect(result.warningCount == 1)
    }

    @Test func checkKnowsTheTenantWordsAndTheTenantChainsSubtaskNames() {
        let result = check(
            """
            runbook: Tenant words
            steps:
              - failover tenants of cluster: 3000010
                as: takeover
                service name: x
              - await task takeover status: SUCCESS
              - assert subtask "Failover to primary tenants" of task takeover
              - switchover tenant: 2000025
              - await subtask "Switchover standby tenant to primary" status: SUCCESS
              - assert subtask "Switch primary tenant to standbys"
              - assert tenant 2000025: {role: primary, primary: nobody, cluster: abc}
              - await tenant 2000025 rol: PRIMARY
              - failover tenant 2000025 now
            """)
        #expect(
            messages(result) == [
                "5:5: error: 'service name' is the service name a tenant failover creates on its new primary; it applies only to 'failover tenant' (each tenant needs a name of its own)",
                "7:20: warning: subtask 'Failover to primary tenants' is not in OCP's tenant failover task; did you mean 'Failover to primary tenant'?",
                "10:20: warning: subtask 'Switch primary tenant to standbys' is not in OCP's tenant switchover task; did you mean 'Switch primary tenant to standby'?",
                "11:35: error: unknown tenant role 'primary'; did you mean 'PRIMARY'?",
                "11:53: error: 'primary' is a tenant id: a number or ${...}, or none, not 'nobody'",
                "11:70: error: 'cluster' is a cluster id: a number or ${...}, not 'abc'",
                "12:26: error: unknown phrase 'await tenant 2000025 rol'; did you mean 'await tenant 2000025 role'?",
                "13:29: error: unknown phrase 'failover tenant 2000025 now'; did you mean 'failover tenant 2000025'?",
            ])
    }

    @Test func aTenantPhrasesIdMayBeAVariable() throws {
        let result = check(
            """
            runbook: Variables
            vars:
              standby: 2000025
              shanghai: 3000010
              who: orders
            steps:
              - failover tenant: ${standby}
                service name: ${who}_sh
              - failover tenants of cluster ${shanghai}
              - assert tenant ${standby}:
                  cluster: ${shanghai}
                  primary: none
              - failover tenant: ${who}
            """)
        #expect(
            messages(result) == [
                "7:5: warning: 'failover tenant' starts a task that no step awaits: add 'await task status: SUCCESS' after it",
                "9:5: warning: 'failover tenants of cluster ${shanghai}' starts a task that no step awaits: add 'await task status: SUCCESS' after it",
                "13:5: warning: 'failover tenant' starts a task that no step awaits: add 'await task status: SUCCESS' after it",
                "13:22: error: '${who}' is 'orders', which is not a tenant id (a number)",
            ])
    }

    @Test func warningsDoNotFailTheCheck() throws {
        let result = check(
            """
            runbook: Drill
            steps:
              - switchover cluster: 6
                continue on failure: true
              - assert subtask "Failover to Primary"
            """)
        #expect(!result.hasErrors)
        #expect(result.runbook != nil)
        #expect(
            messages(result) == [
                "3:5: warning: 'continue on failure' on a cluster action: if 'switchover cluster' fails, the steps after it still run",
                "3:5: warning: 'switchover cluster' starts a task that no step awaits: add 'await task status: SUCCESS' after it",
                "5:20: warning: subtask 'Failover to Primary' is not in OCP's switchover task",
            ])
    }

    @Test func subtaskNamesAreCheckedAgainstTheTaskThatIsCurrent() {
        let failover = check(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - assert subtask "Prepare switchover"
            """)
        #expect(messages(failover) == ["5:20: warning: subtask 'Prepare switchover' is not in OCP's failover task"])
        let byID = check(
            """
            runbook: Drill
            steps:
              - assert subtask "Prepare switchover" of task 171603
              - assert subtask "remove standby cluster" of task 171603
            """)
        #expect(
            messages(byID) == [
                "4:20: error: subtask 'remove standby cluster' differs from OCP's 'Remove standby cluster' only in case or spacing, and OCP matches names exactly: did you mean 'Remove standby cluster'?"
            ])
        let spacing = check(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
              - await subtask "Failover  to Primary" status: SUCCESS
            """)
        #expect(
            messages(spacing) == [
                "4:19: error: subtask 'Failover  to Primary' differs from OCP's 'Failover to Primary' only in case or spacing, and OCP matches names exactly: did you mean 'Failover to Primary'?"
            ])
    }

    @Test func aNameWrittenWithoutItsSpacesIsTheNameMisspelt() {
        let result = check(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
              - await subtask "FailoverToPrimary" status: SUCCESS
            """)
        #expect(messages(result).first?.contains("differs from OCP's 'Failover to Primary' only in case or spacing") == true)
    }

    @Test func commandLineValuesThatStartAsYAMLAndAreNotAreErrors() throws {
        // A value that starts as a list, a mapping or quoted text and is not one is an error, not text.
        for bad in ["[6", "{a: 1", "\"unterminated", "[prod] \"x\""] {
            let refused = check("runbook: Drill\nvars:\n  e: 1\nsteps:\n  - note: ${e}\n", vars: ["e": bad])
            #expect(refused.diagnostics.map(\.id) == ["vars.value"], "\(bad)")
            #expect(refused.diagnostics.first?.message.hasPrefix("'--var e=...': it starts as ") == true)
            #expect(refused.runbook == nil)
        }
        let quoted = check("runbook: Drill\nvars:\n  e: 1\nsteps:\n  - note: ${e}\n", vars: ["e": "\"[prod] x\""])
        #expect(quoted.diagnostics.isEmpty)
        let text = try #require(quoted.runbook?.vars.first?.value.evaluate { _ in nil })
        #expect(text == .scalar(.string("[prod] x")))
    }

    @Test func commandLineValuesThatReadAreTheirYAML() throws {
        let result = check(
            """
            runbook: Drill
            vars:
              a: 1
              b: 1
              c: 1
              d: 1
            steps:
              - note: ${a} ${b} ${c} ${d}
            """,
            vars: ["a": "6", "b": "\"6\"", "c": "[6, \"x\"]", "d": "30m"])
        #expect(result.diagnostics.isEmpty)
        let runbook = try #require(result.runbook)
        var values: [String: ExprValue] = [:]
        for decl in runbook.vars { values[decl.name] = decl.value.evaluate { _ in nil } }
        #expect(values["a"] == .scalar(.int(6)))
        #expect(values["b"] == .scalar(.string("6")))
        #expect(values["c"] == .list([.scalar(.int(6)), .scalar(.string("x"))]))
        #expect(values["d"] == .scalar(.string("30m")))
    }

    @Test func faultsThatCanNeverFireAreReported() {
        let result = check(
            """
            runbook: Drill
            vars:
              standbys: [6]
            simulate:
              clusters:
                - {id: 5, type: PRIMARY, status: STOPPED}
                - {id: 6, type: STANDBY, primary: 5}
                - {id: 7, type: PRIMARY}
              faults:
                - subtask: Failover to Primary
                  cluster: 9
                  fail: 1
                - subtask: Failover to Primary
                  cluster: 7
                  fail: 1
                - subtask: Prepare switchover
                  fail: 1
                - subtask: Failover to Primary
                  cluster: 6
                  fail: 1
            steps:
              - for each standby in ${standbys}:
                  - failover cluster: ${standby}
                  - await task status: SUCCESS
            """)
        #expect(
            messages(result) == [
                "10:7: warning: the fault on 'Failover to Primary' can never fire: cluster 9 is not in the simulated topology (clusters 5, 6, 7)",
                "13:7: warning: the fault on 'Failover to Primary' can never fire: no step starts a task on cluster 7 (tasks start only on clusters 6)",
                "16:7: warning: the fault on 'Prepare switchover' can never fire: the steps start only failover tasks, which have no such subtask",
            ])
    }

    @Test func awaitingByNameOrIdCountsAsAwaited() {
        let result = check(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
                as: first
              - switchover cluster: 8
                as: second
              - await task second status: SUCCESS
              - await task ${first.id} status: SUCCESS
            """)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func loopBodiesKeepTheirTasksAndNames() {
        let result = check(
            """
            runbook: Drill
            vars:
              standbys: [6, 8]
            steps:
              - failover cluster: 5
              - in parallel for each c in ${standbys}:
                  - switchover cluster: ${c}
                    as: swap
                  - await task swap status: SUCCESS
              - await task status: SUCCESS
              - assert subtask "Wait node"
            """)
        // After the loop the current task is the failover again: "Wait node" is one of its subtasks.
        #expect(result.diagnostics.isEmpty)
    }

    @Test func onFailureAndFinallySeeTheTasksOfSteps() {
        let result = check(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
                as: drill
              - await task status: SUCCESS
            on failure:
              - rollback task
              - await task drill status: SUCCESS
            finally:
              - assert task drill status: SUCCESS
            """)
        #expect(result.diagnostics.isEmpty)
        let noTask = check(
            """
            runbook: Drill
            steps:
              - note: nothing started
            on failure:
              - rollback task
            """)
        #expect(noTask.diagnostics.map(\.id) == ["task.no-current"])
    }

    @Test func commandLineVariablesReplaceAndDefine() throws {
        let yaml = """
            runbook: Drill
            vars:
              standby: 6
              rto: 30m
            steps:
              - failover cluster: ${standby}
              - await task status: SUCCESS
                timeout: ${rto}
                name: drill of ${region}
            """
        #expect(check(yaml).diagnostics.map(\.message) == ["undefined variable 'region'"])
        let result = check(yaml, vars: ["standby": "8", "region": "sh"])
        #expect(result.diagnostics.isEmpty)
        let runbook = try #require(result.runbook)
        #expect(runbook.vars.map(\.name) == ["region", "standby", "rto"])
        #expect(runbook.vars.map(\.origin) == [.commandLine, .commandLine, .file])
        #expect(runbook.vars[1].value.kind == .literal(.int(8)))
        #expect(runbook.vars[1].location == SourceLocation(file: "c.yaml", line: 3, column: 3))
        #expect(runbook.vars[0].location == VarDecl.commandLineLocation)

        let bad = check(yaml, vars: ["region": "sh", "rto": "soon", "9x": "1"])
        #expect(
            messages(bad) == [
                "1:1: error: '--var 9x=...': '9x' is not a variable name",
                "8:14: error: '${rto}' is 'soon', which is not a duration: write 500ms, 30s, 5m, 1h or 1h30m",
            ])
        #expect(bad.diagnostics.first?.location.file == "<command line>")
    }

    @Test func commandLineValuesAreReadAsYAML() throws {
        let yaml = """
            runbook: Drill
            steps:
              - for each c in ${clusters}:
                  - note: ${c} ${label}
            """
        let result = check(yaml, vars: ["clusters": "[6, 8]", "label": "a ${b}: c"])
        // A flow list is a list; other text is a plain scalar, never a reference.
        #expect(result.diagnostics.isEmpty)
        let vars = try #require(result.runbook).vars
        #expect(vars[0].value.evaluate { _ in nil } == .list([.scalar(.int(6)), .scalar(.int(8))]))
        #expect(vars[1].value.kind == .literal(.string("a ${b}: c")))
        #expect(check(yaml, vars: ["clusters": "6", "label": "x"]).diagnostics.map(\.message) == ["'${clusters}' is a number ('6'), not a list"])
    }

    @Test func durationsAndCountsFromVariablesAreCheckedAtCheckTime() {
        let result = check(
            """
            runbook: Drill
            vars:
              seconds: 90
              text: 1h30m
              zero: 0
              width: two
              clusters: [6, 8]
            steps:
              - sleep: ${seconds}
              - sleep: ${text}
              - in parallel for each c in ${clusters}:
                  - note: ${c}
                timeout: ${zero}
                max concurrency: ${width}
              - failover cluster: ${text}
              - await task status: SUCCESS
                every: ${env.POLL}
            """)
        #expect(
            messages(result) == [
                "13:14: error: '${zero}' is 0, but it must be longer than 0s",
                "14:22: error: 'max concurrency' must be a whole number, but '${width}' is 'two'",
                "15:23: error: '${text}' is '1h30m', which is not a cluster id (a number)",
            ])
    }

    @Test func interpolationOfKnownVariablesIsEvaluated() throws {
        let result = check(
            """
            runbook: Drill
            vars:
              n: 5
              rto: ${n}m
            steps:
              - sleep: ${rto}
            """)
        #expect(result.diagnostics.isEmpty)
        let runbook = try #require(result.runbook)
        let rto = runbook.vars[1].value
        let value = rto.evaluate { $0.root == "n" ? .scalar(.int(5)) : nil }
        #expect(value == .scalar(.string("5m")))
    }

    @Test func aStepThatDoesNotParseDoesNotCascade() {
        // The unknown phrase might have started a task: no "no current task" error follows it.
        let result = check(
            """
            runbook: Drill
            steps:
              - failovr cluster: 6
                as: drill
              - await task status: SUCCESS
              - await task drill status: SUCCESS
            """)
        #expect(messages(result) == ["3:5: error: unknown phrase 'failovr cluster'; did you mean 'failover cluster'?"])
    }

    @Test func aProbeInALoopOverAKnownListIsCheckedForEachItem() throws {
        let result = check(
            """
            runbook: Loop probes
            vars:
              endpoints: ["https://orders.example.com/h", "https://pay.example.com/h"]
              hosts: [{name: a, addr: "db1:2881"}, {name: b, addr: "db2:2881"}]
            simulate:
              services:
                - {probe: "https://orders.example.com/h", tenant: orders}
                - {probe: "db1:2881", tenant: orders}
            steps:
              - for each u in ${endpoints}:
                  - await probe http: ${u}
              - in parallel for each h in ${hosts}:
                  - for each u in ${endpoints}:
                      - probe tcp: ${h.addr}
            """)
        let runbook = try #require(result.runbook)
        let problems = ProbeCoverage.problems(in: runbook, environment: [:])
        #expect(problems.map(\.id) == ["probe.not-simulated", "probe.not-simulated"])
        #expect(problems.map(\.location.line) == [11, 14])
        #expect(problems[0].message.contains("https://pay.example.com/h"))
        #expect(problems[1].message.contains("db2:2881"))
    }

    @Test func aProbeInALoopOverAListKnownOnlyAtRunTimeIsLeftToTheRun() throws {
        let result = check(
            """
            runbook: Loop probes
            simulate:
              services:
                - {probe: "https://orders.example.com/h", tenant: orders}
            steps:
              - for each u in ${env.ENDPOINTS}:
                  - await probe http: ${u}
            """)
        let runbook = try #require(result.runbook)
        #expect(ProbeCoverage.problems(in: runbook, environment: [:]).isEmpty)
    }

    @Test func namesTheRunbookBindsItselfAreNotOfferedAsVariables() {
        let text = """
            runbook: Drill
            vars:
              standbys: [6]
            objectives:
              recovery time: 10m
            steps:
              - for each s in ${standbys}:
                  - failover cluster: ${s}
                    as: drill
                  - await task drill status: SUCCESS
              - recovered: back
            """
        let unused = check(text, vars: ["nosuch": "1"])
        #expect(messages(unused).contains { $0.contains("its variables are 'standbys'") && !$0.contains("'s'") }, "\(messages(unused))")
        let hidden = check(text, vars: ["s": "7"])
        #expect(messages(hidden).contains { $0.contains("loop variable 's' hides the variable 's' (given with --var)") }, "\(messages(hidden))")
        let fine = check(text)
        #expect(fine.diagnostics.map(\.id) == ["objectives.no-outage"], "\(messages(fine))")
    }
}
