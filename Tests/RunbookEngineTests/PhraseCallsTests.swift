import Foundation
import OCPModel
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookTestSupport
import Testing

/// Every phrase that talks to OCP makes the calls its descriptor lists, and `plan` prints those
/// calls: a phrase's calls are described in one place, and the interpreter and the planner agree.
@Suite struct PhraseCallsTests {
    /// One runbook per phrase: its steps before the one under test (to have a task to act on),
    /// and the step under test, last.
    static let cases: [(PhraseKind, String)] = [
        (.failoverCluster, "- failover cluster: 6"),
        (.switchoverCluster, "- switchover cluster: 6"),
        (.precheckFailoverCluster, "- precheck failover cluster: 6"),
        (.precheckSwitchoverCluster, "- precheck switchover cluster: 6"),
        (.retryTask, Self.failedTask + "\n- retry task"),
        (.rollbackTask, Self.failedLock + "\n- rollback task"),
        (.retrySubtask, Self.failedTask + "\n- retry subtask \"Failover to Primary Check\""),
        (.skipSubtask, Self.failedTask + "\n- skip subtask \"Failover to Primary Check\""),
        (
            .cancelSubtask,
            "- failover cluster: 6\n- await subtask \"Failover to Primary\" status: RUNNING\n- cancel subtask \"Failover to Primary\""
        ),
        (.awaitTask, "- failover cluster: 6\n- await task status: SUCCESS"),
        (.awaitSubtask, "- failover cluster: 6\n- await subtask \"Remove standby cluster\" status: SUCCESSFUL"),
        (.awaitCluster, "- failover cluster: 6\n- await cluster 6 type: PRIMARY"),
        (.assertTask, "- failover cluster: 6\n- assert task: {status: RUNNING}"),
        (.assertSubtask, "- failover cluster: 6\n- assert subtask \"Mc lock ob clusters\": {runTime: 1}"),
        (.assertCluster, "- assert cluster 6: {type: STANDBY}"),
        (.precheckSwitchoverTenant, "- precheck switchover tenant: 2000025"),
        (.switchoverTenant, "- switchover tenant: 2000025"),
        (.precheckFailoverTenant, "- precheck failover tenant: 2000025"),
        (.failoverTenant, "- failover tenant: 2000025\n  service name: orders_sh"),
        (.failoverTenantsOfCluster, "- failover tenants of cluster: 3000010"),
        (.switchoverTenantsOfCluster, "- switchover tenants of cluster: 3000010"),
        (.awaitTenant, "- await tenant 2000025 role: STANDBY"),
        (.assertTenant, "- assert tenant 2000025: {role: STANDBY, primary: 2000022, cluster: 3000010}"),
    ]

    /// A failover whose check subtask fails once, awaited until it FAILED.
    static let failedTask = """
        - failover cluster: 6
        - await task status: FAILED
        """
    /// A failover whose lock subtask fails (nothing prohibits its rollback), awaited until it FAILED.
    static let failedLock = """
        - failover cluster: 6
        - await task status: FAILED
        """

    /// The subtask that fails once in a case's simulator: the check for the phrases that need a
    /// FAILED task (and for an await that fails, quoting the failed subtask's log), the lock (which
    /// does not prohibit a rollback) for `rollback task`; none for the others.
    static func fault(_ kind: PhraseKind) -> String? {
        switch kind {
        case .retryTask, .retrySubtask, .skipSubtask, .awaitTask: "Failover to Primary Check"
        case .rollbackTask: "Mc lock ob clusters"
        default: nil
        }
    }

    static func runbook(_ kind: PhraseKind, _ steps: String) -> String {
        let indented = steps.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        var simulate = fault(kind).map { "simulate:\n  faults:\n    - {subtask: \($0), fail: 1}\n" } ?? ""
        if [.precheckFailoverTenant, .failoverTenant, .failoverTenantsOfCluster].contains(kind) {
            // The default pair with its primary lost: a tenant failover is allowed.
            simulate = """
                simulate:
                  tenants:
                    - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY, reachable: false}
                    - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022, lag: 1s}

                """
        }
        return "runbook: \(kind.rawValue)\n\(simulate)steps:\n\(indented)\n"
    }

    @Test func everyPhraseThatCallsOCPHasACase() {
        let withCalls = Set(PhraseDescriptor.all.filter { !$0.calls.isEmpty }.map(\.kind))
        #expect(Set(Self.cases.map(\.0)) == withCalls)
    }

    @Test(arguments: cases)
    func theInterpreterMakesThePlannedCalls(_ kind: PhraseKind, _ steps: String) async throws {
        let runbook = try Engine.check(Self.runbook(kind, steps))
        let run = await Engine.run(runbook)
        let last = try #require(run.steps.last)
        #expect(last.phrase.hasPrefix(kind.descriptor.words), "\(last.phrase)")
        // Every tenant phrase's case passes: the calls compared are the whole of what it makes.
        if kind.descriptor.isTenantPhrase { #expect(last.outcome == .passed, "\(last.message ?? "")") }

        // The calls made, as endpoints, a polled call's repeats counted once.
        var made: [OCPEndpoint] = []
        for call in last.calls {
            let endpoint = try #require(OCPEndpoint.match(method: call.method, path: call.path)?.endpoint, "\(call.path)")
            if made.last == endpoint, kind.descriptor.calls.contains(where: { $0.endpoint == endpoint && $0.repetition == .polled }) {
                continue
            }
            made.append(endpoint)
        }
        let failed = last.outcome == .failed
        // These runbooks have no `data loss` objective.
        let planned = kind.descriptor.calls.filter {
            ($0.repetition != .onFailure || failed) && $0.repetition != .forDataLoss
        }.map(\.endpoint)
        #expect(made == planned, "\(last.calls.map(\.path))")

        // The plan prints the same calls for that step, ids known at run time as placeholders.
        let plan = Planner().plan(runbook)
        let planStep = try #require(plan.last)
        #expect(planStep.changesSystem == kind.descriptor.changesSystem)
        let printed = planStep.calls.map { $0.components(separatedBy: "  ").first ?? $0 }
        let plannable = kind.descriptor.calls.filter { $0.repetition != .forDataLoss }
        #expect(printed.count == plannable.count)
        var unmatched = last.calls.map { "\($0.method) \($0.path)" }
        for (text, call) in zip(printed, plannable) where call.repetition != .onFailure || failed {
            let index = unmatched.firstIndex { Self.matches(planned: text, actual: $0) }
            #expect(index != nil, "plan '\(text)' among \(unmatched)")
            if let index { unmatched.removeSubrange(...index) }
        }
    }

    /// Whether an actual call is the planned one: the same method and path, each `{...}` of the
    /// plan standing for any one segment.
    static func matches(planned: String, actual: String) -> Bool {
        let p = planned.split(separator: " ", maxSplits: 1)
        let a = actual.split(separator: " ", maxSplits: 1)
        guard p.count == 2, a.count == 2, p[0] == a[0] else { return false }
        // A placeholder may hold a slash (`{task of steps[0]/s=6[0]}`): compare segment by segment,
        // letting a placeholder take every segment up to its closing brace.
        var planSegments = p[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var merged: [String] = []
        while !planSegments.isEmpty {
            var segment = planSegments.removeFirst()
            while segment.hasPrefix("{") && !segment.hasSuffix("}") && !planSegments.isEmpty {
                segment += "/" + planSegments.removeFirst()
            }
            merged.append(segment)
        }
        let actualSegments = a[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard merged.count == actualSegments.count else { return false }
        return zip(merged, actualSegments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
