import OCPModel
import RunbookLanguage
import RunbookSupport

// MARK: - Fields: what a wait or an assertion reads of OCP's answer and compares

extension Interpreter {
    /// A field that did not match.
    struct Mismatch {
        var expected: String
        var found: String
    }

    /// What a wait or an assertion looks at: a task, one of its subtasks, a cluster or a tenant.
    enum Subject {
        case task(TaskInstance)
        case subtask(SubtaskInstance, of: TaskInstance)
        case cluster(Cluster)
        case tenant(Tenant)

        /// `task 171603`, `subtask "X" of task 171603`, `cluster 6 (ob-sh)`.
        var name: String {
            switch self {
            case .task(let t): "task \(t.id)"
            case .subtask(let s, let t): "subtask \"\(s.name)\" of task \(t.id)"
            case .cluster(let c): "cluster \(c.id) (\(c.name))"
            case .tenant(let t): "tenant \(t.id) (\(t.name))"
            }
        }

        /// The OCP word a field has now (`status`, `type`, `operation`, ...), or nil when absent.
        func word(_ field: String) -> String? {
            switch (self, field) {
            case (.task(let t), "status"): t.status.rawValue
            case (.task(let t), "operation"): t.operation?.rawValue
            case (.subtask(let s, _), "status"): s.status.rawValue
            case (.cluster(let c), "type"): c.type.rawValue
            case (.cluster(let c), "status"): c.status.rawValue
            case (.cluster(let c), "syncStatus"): c.syncStatus?.rawValue
            case (.tenant(let t), "role"): t.currentRole.rawValue
            case (.tenant(let t), "status"): t.status?.rawValue
            case (.tenant(let t), "syncStatus"): t.syncStatus?.rawValue
            default: nil
            }
        }

        /// The OCP id a field has now (a tenant's `cluster` and `primary`), nil when it has none.
        func id(_ field: String) -> Int? {
            switch (self, field) {
            case (.tenant(let t), "cluster"): t.clusterId
            case (.tenant(let t), "primary"): t.basicPrimaryTenant?.tenantId
            default: nil
            }
        }

        /// How many times it ran: a subtask's `runTime`, the most of a task's subtasks.
        var runTime: Int {
            switch self {
            case .task(let t): t.subtasks?.compactMap(\.runTime).max() ?? 0
            case .subtask(let s, _): s.runTime ?? 0
            case .cluster, .tenant: 0
            }
        }

        var times: (start: OCPTimestamp?, finish: OCPTimestamp?, status: String) {
            switch self {
            case .task(let t): (t.startTime, t.finishTime, t.status.rawValue)
            case .subtask(let s, _): (s.startTime, s.finishTime, s.status.rawValue)
            case .cluster(let c): (nil, nil, c.status.rawValue)
            case .tenant(let t): (nil, nil, t.status?.rawValue ?? "UNKNOWN")
            }
        }
    }

    /// Compares every field with the subject; the mismatches, in the order written.
    func mismatches(_ subject: Subject, _ fields: [FieldCheck], scope: Scope) throws(StepFailure) -> [Mismatch] {
        var out: [Mismatch] = []
        for field in fields {
            switch field.value {
            case .word(let expected):
                let found = subject.word(field.name)
                if found != expected.word {
                    out.append(Mismatch(expected: "\(field.name) \(expected.word)", found: "\(field.name) \(found ?? "none")"))
                }
            case .id(let expected):
                let want = try expected.map { e throws(StepFailure) in try integer(e, in: scope, what: field.name) }
                let found = subject.id(field.name)
                if found != want {
                    out.append(
                        Mismatch(
                            expected: "\(field.name) \(want.map(String.init) ?? "none")",
                            found: "\(field.name) \(found.map(String.init) ?? "none")"))
                }
            case .count(let n):
                let runTime = subject.runTime
                if runTime != n { out.append(Mismatch(expected: "\(field.name) \(n)", found: "\(field.name) \(runTime)")) }
            case .duration(let value):
                let limit = try duration(value, in: scope)
                let (start, finish, status) = subject.times
                out += tookUnder(limit, start: start, finish: finish, status: status)
            case .text(let otherExpr):
                guard case .subtask(let subtask, let task) = subject else { continue }
                let otherName = try text(otherExpr, in: scope)
                let other = try findSubtask(otherName, in: task)
                guard let otherFinish = other.finishTime, let start = subtask.startTime else {
                    out.append(
                        Mismatch(
                            expected: "after \"\(otherName)\"",
                            found: other.finishTime == nil
                                ? "\"\(otherName)\" has not finished (\(other.status))" : "it has not started (\(subtask.status))"))
                    continue
                }
                if start < otherFinish {
                    out.append(
                        Mismatch(
                            expected: "after \"\(otherName)\"",
                            found: "started \(start), before \"\(otherName)\" finished at \(otherFinish)"))
                }
            }
        }
        return out
    }

    func tookUnder(_ limit: Duration, start: OCPTimestamp?, finish: OCPTimestamp?, status: String) -> [Mismatch] {
        let expected = "took under \(DurationText.format(limit))"
        guard let start, let finish else {
            return [Mismatch(expected: expected, found: "not finished (\(status))")]
        }
        let took = start.duration(to: finish)
        return took < limit ? [] : [Mismatch(expected: expected, found: "took \(DurationText.format(took))")]
    }

    func fail(_ subject: String, _ mismatches: [Mismatch]) throws(StepFailure) {
        guard !mismatches.isEmpty else { return }
        throw StepFailure(
            "\(subject) is not as expected", expected: mismatches.map(\.expected).joined(separator: ", "),
            found: mismatches.map(\.found).joined(separator: ", "))
    }

    // MARK: - Reading a subject

    /// Reads the subject of a wait or an assertion (one look), recording what the step saw.
    func read(_ action: ActionStep, _ descriptor: PhraseDescriptor, scope: Scope, trace: StepTrace, context: RunContext)
        async throws(StepFailure) -> Subject
    {
        switch descriptor.fields?.subject {
        case "cluster":
            let id = try subject(action, in: scope)
            let cluster = try await call { () async throws(OCPError) in try await self.client.cluster(id: id) }
            trace.observe(cluster)
            return .cluster(cluster)
        case "tenant":
            let id = try subject(action, in: scope)
            return .tenant(try await readTenant(id, in: try await locate(tenant: id), trace: trace))
        default:
            let task = try await fetchTask(try taskId(action.task, in: scope), trace: trace, context: context)
            guard action.subtask != nil else { return .task(task) }
            return .subtask(try findSubtask(try text(action.subtask, in: scope), in: task), of: task)
        }
    }

    // MARK: - Assertions: read the state once, compare every field, report all that differ

    func check(_ action: ActionStep, _ descriptor: PhraseDescriptor, scope: Scope, trace: StepTrace, context: RunContext)
        async throws(StepFailure)
    {
        if descriptor.takesTask, let group = group(action.task, in: scope) {
            return try await checkGroup(group, action, scope: scope, trace: trace, context: context)
        }
        let subject = try await read(action, descriptor, scope: scope, trace: trace, context: context)
        try fail(subject.name, try mismatches(subject, action.fields, scope: scope))
        switch subject {
        case .task(let t): trace.message = "task \(t.id) is \(t.status)"
        case .subtask(let s, _): trace.message = "subtask \"\(s.name)\" is \(s.status)"
        case .cluster(let c): trace.message = "cluster \(c.id) \(c.name) is \(c.type) \(c.status)"
        case .tenant(let t): trace.message = "tenant \(t.id) \(t.name) is \(t.currentRole) \(t.status?.rawValue ?? "UNKNOWN")"
        }
    }
}
