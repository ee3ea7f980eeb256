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

/// Random sequences of operations, faults and time steps never reach an impossible state.
@Suite struct SimulatorRandomizedTests {
    /// Primary 1 with standbys 2 and 3 (so tasks on 2 and 3 compete for 1), primary 4 with standby 5.
    static func topology(_ rng: inout SplitMix64) -> [ClusterSpec] {
        func pick(_ words: [String]) -> String { words[Int(rng.next() % UInt64(words.count))] }
        return [
            ClusterSpec(id: 1, name: "p1", type: "PRIMARY", status: pick(["RUNNING", "STOPPED", "STOPPED"])),
            ClusterSpec(id: 2, name: "s2", type: "STANDBY", primary: 1, syncStatus: pick(["VALID", "VALID", "DISABLED"])),
            ClusterSpec(id: 3, name: "s3", type: "STANDBY", status: pick(["RUNNING", "RUNNING", "STOPPED"]), primary: 1),
            ClusterSpec(id: 4, name: "p4", type: "PRIMARY", status: pick(["RUNNING", "STOPPED"])),
            ClusterSpec(id: 5, name: "s5", type: "STANDBY", primary: 4),
        ]
    }

    static func faults(_ rng: inout SplitMix64) -> [FaultSpec] {
        let names = TaskDefinition.knownSubtaskNames
        var out: [FaultSpec] = []
        for _ in 0..<Int(rng.next() % 4) {
            let name = names[Int(rng.next() % UInt64(names.count))]
            let cluster: Int? = rng.next() % 3 == 0 ? [2, 3, 5][Int(rng.next() % 3)] : nil
            let hang = rng.next() % 5 == 0
            let takes: Duration? = rng.next() % 5 == 0 ? .seconds(Int64(rng.next() % 2400)) : nil
            out.append(
                .subtask(
                    SubtaskFault(subtask: name, cluster: cluster, fail: Int(rng.next() % 3), hang: hang, takes: takes)))
        }
        if rng.next() % 3 == 0 {
            let endpoint = OCPEndpoint.allCases[Int(rng.next() % UInt64(OCPEndpoint.allCases.count))]
            out.append(.api(APIFault(endpoint: endpoint.signature, status: [500, 503, 429][Int(rng.next() % 3)], times: 2)))
        }
        return out
    }

    @Test func randomSequencesKeepTheInvariants() async throws {
        var steps = 0
        var outcomes: [String: Int] = [:]
        for seed in UInt64(1)...300 {
            var rng = SplitMix64(seed: seed)
            let setup = SimulationSetup(clusters: Self.topology(&rng), faults: Self.faults(&rng))
            let h = SimulatorHarness(setup, options: SimulatorOptions(seed: seed))
            for _ in 0..<40 {
                let label = try await Self.randomStep(h, &rng)
                outcomes[label, default: 0] += 1
                _ = await h.simulator.nextEventTime()  // brings the model to the clock's time
                let model = await h.simulator.model
                let problems = Self.invariantViolations(model)
                #expect(problems.isEmpty, "seed \(seed), after \(label): \(problems)")
                if !problems.isEmpty { return }
                steps += 1
            }
        }
        #expect(steps == 300 * 40)
        // The sequences reach the interesting states, not just refusals.
        for label in ["failover ok", "switchover ok", "retry task ok", "rollback ok", "skip ok", "cancel ok", "retry subtask ok"] {
            #expect(outcomes[label, default: 0] > 0, "never: \(label); \(outcomes)")
        }
    }

    /// Performs one random operation or time step; returns a label such as `rollback ok` or `skip TSK10010`.
    static func randomStep(_ h: SimulatorHarness, _ rng: inout SplitMix64) async throws -> String {
        let model = await h.simulator.model
        let taskIds = model.taskIds
        func anyTask(_ rng: inout SplitMix64) -> Int {
            taskIds.isEmpty || rng.next() % 10 == 0 ? 999 : taskIds[Int(rng.next() % UInt64(taskIds.count))]
        }
        func anySubtask(_ taskId: Int, _ rng: inout SplitMix64) -> Int {
            guard let t = model.tasks[taskId], rng.next() % 10 != 0 else { return 1 }
            return t.subtasks[Int(rng.next() % UInt64(t.subtasks.count))].id
        }
        /// Mostly a subtask in `status` (so the operation is often allowed), else any.
        func subtask(_ taskId: Int, _ status: SubtaskStatus, _ rng: inout SplitMix64) -> Int {
            let preferred = model.tasks[taskId]?.subtasks.first { $0.status == status }?.id
            return rng.next() % 4 == 0 ? anySubtask(taskId, &rng) : (preferred ?? anySubtask(taskId, &rng))
        }
        let cluster = Int(rng.next() % 6) + 1
        let roll = rng.next() % 100
        var name: String
        var error: OCPError?
        switch roll {
        case 0..<10:
            name = "failover"
            error = await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: cluster) }
        case 10..<18:
            name = "switchover"
            error = await h.error { () async throws(OCPError) in try await h.simulator.switchover(clusterId: cluster) }
        case 18..<21:
            name = "precheck"
            error = await h.error { () async throws(OCPError) in try await h.simulator.failoverPreCheck(clusterId: cluster) }
        case 21..<30:
            name = "retry task"
            let id = anyTask(&rng)
            error = await h.error { () async throws(OCPError) in try await h.simulator.retryTask(id: id) }
        case 30..<38:
            name = "rollback"
            let id = anyTask(&rng)
            error = await h.error { () async throws(OCPError) in try await h.simulator.rollbackTask(id: id) }
        case 38..<46:
            name = "retry subtask"
            let id = anyTask(&rng)
            let sub = subtask(id, .failed, &rng)
            error = await h.error { () async throws(OCPError) in try await h.simulator.retrySubtask(taskId: id, subtaskId: sub) }
        case 46..<54:
            name = "skip"
            let id = anyTask(&rng)
            let sub = subtask(id, .failed, &rng)
            error = await h.error { () async throws(OCPError) in try await h.simulator.skipSubtask(taskId: id, subtaskId: sub) }
        case 54..<64:
            name = "cancel"
            let id = anyTask(&rng)
            let sub = subtask(id, .running, &rng)
            error = await h.error { () async throws(OCPError) in try await h.simulator.cancelSubtask(taskId: id, subtaskId: sub) }
        case 64..<82:
            await h.step()
            return "step"
        default:
            let choices: [Duration] = [.milliseconds(500), .seconds(3), .seconds(20), .seconds(90), .seconds(1900)]
            h.advance(choices[Int(rng.next() % UInt64(choices.count))])
            return "advance"
        }
        guard let error else { return name + " ok" }
        #expect(error.kind == .api || error.kind == .unauthorized)
        #expect((400...599).contains(error.httpStatus ?? 0))
        #expect(error.code != nil && !error.message.isEmpty)
        return name + " " + (error.code ?? "?")
    }

    /// Every impossible state found in the model.
    static func invariantViolations(_ m: SimulatorModel) -> [String] {
        var out: [String] = []
        var holder: [Int: Int] = [:]
        for id in m.taskIds {
            guard let state = m.tasks[id] else {
                out.append("task \(id) listed but missing")
                continue
            }
            let t = m.instance(state, form: .detail)
            let subs = t.subtasksInExecutionOrder
            let byId = Dictionary(uniqueKeysWithValues: subs.map { ($0.id, $0) })
            for s in subs {
                if s.status == .successful, (s.upstreams ?? []).contains(where: { byId[$0]?.status != .successful }) {
                    out.append("task \(id): \(s.name) SUCCESSFUL with an upstream that is not")
                }
                if (s.runTime ?? 0) < 1 { out.append("task \(id): \(s.name) runTime \(s.runTime ?? 0)") }
                if let a = s.startTime, let b = s.finishTime, b < a, s.status != .ready {
                    out.append("task \(id): \(s.name) finished before it started")
                }
                if s.status == .running || s.status == .canceling, s.startTime == nil {
                    out.append("task \(id): \(s.name) \(s.status) without startTime")
                }
            }
            let live = subs.contains { [.running, .ready, .canceling].contains($0.status) }
            switch t.status {
            case .successful:
                let expected: SubtaskStatus = t.operation == .rollback ? .pending : .successful
                if let bad = subs.first(where: { $0.status != expected }) {
                    out.append("task \(id) SUCCESSFUL (\(t.operation?.rawValue ?? "")) with \(bad.name) \(bad.status)")
                }
            case .failed:
                if live { out.append("task \(id) FAILED while a subtask can still run: \(t.statusLine)") }
                if !subs.contains(where: { $0.status == .failed }) { out.append("task \(id) FAILED without a FAILED subtask") }
            case .running:
                if !live { out.append("task \(id) RUNNING with nothing that can run: \(t.statusLine)") }
                for c in state.involved {
                    if let other = holder[c] { out.append("tasks \(other) and \(id) both run on cluster \(c)") }
                    holder[c] = id
                }
            default:
                out.append("task \(id) has status \(t.status)")
            }
            if (t.finishTime != nil) != t.status.isTerminal { out.append("task \(id) \(t.status) finishTime \(String(describing: t.finishTime))") }
            let left = subs.contains { $0.prohibitRollback == true && $0.status != .pending && $0.status != .ready }
            if t.prohibitRollback != left { out.append("task \(id) prohibitRollback \(String(describing: t.prohibitRollback))") }
        }
        for (c, taskId) in m.locks {
            guard let t = m.tasks[taskId], t.status == .running, t.involved.contains(c) else {
                out.append("cluster \(c) locked by task \(taskId), which does not run on it")
                continue
            }
        }
        for (c, taskId) in m.activeTasks where holder[c] != taskId {
            out.append("cluster \(c) marked busy by task \(taskId), which does not run on it")
        }
        for id in m.clusterIds {
            guard let c = m.clusters[id] else { continue }
            let shown = m.cluster(c)
            if shown.status == .failover || shown.status == .switchover {
                let t = holder[id].flatMap { m.tasks[$0] }
                if t == nil || t?.kind.clusterMark != shown.status {
                    out.append("cluster \(id) shows \(shown.status) with no such task running")
                }
            }
            if let p = c.roles.primaryId, m.clusters[p]?.roles.standbyIds.contains(id) != true {
                out.append("cluster \(id) names primary \(p), which does not list it")
            }
            for s in c.roles.standbyIds where m.clusters[s]?.roles.primaryId != id {
                out.append("cluster \(id) lists standby \(s), which names another primary")
            }
        }
        return out
    }
}
