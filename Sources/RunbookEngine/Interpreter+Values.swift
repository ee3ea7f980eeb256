import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - Values: variables, task fields, the environment

extension Interpreter {
    /// What references read in a scope: its variables, the run's environment, and the latest
    /// state seen of the tasks its names stand for.
    func bindings(_ scope: Scope) -> Bindings {
        let names = scope.taskNames
        let state = self.state
        return Bindings(values: scope.values, environment: configuration.environment) { name in
            names[name].map { id in Self.taskRecord(id: id, task: state.task(id)) }
        }
    }

    /// The bindings of what the step log shows: as ``bindings(_:)``, with every environment
    /// variable whose name says it holds a secret read as `***`, however short its value.
    func shownBindings(_ scope: Scope) -> Bindings {
        let names = scope.taskNames
        let state = self.state
        return Bindings(values: scope.values, environment: shownEnvironment) { name in
            names[name].map { id in Self.taskRecord(id: id, task: state.task(id)) }
        }
    }

    /// Text the step log shows (a note, a question): evaluated with ``shownBindings(_:)`` and
    /// every secret replaced, before anything shortens it.
    func shownText(_ expr: Expr, in scope: Scope) throws(StepFailure) -> String {
        switch shownBindings(scope).evaluate(expr) {
        case .success(let value): return log.redaction.apply(value.text)
        case .failure(let why): throw StepFailure("cannot evaluate '\(expr.sourceText)' (\(expr.location)): \(why)")
        }
    }

    /// `value` with every secret in its texts replaced (before a label shortens it).
    func redacted(_ value: ExprValue) -> ExprValue {
        guard !log.redaction.isEmpty else { return value }
        switch value {
        case .scalar(.string(let s)): return .scalar(.string(log.redaction.apply(s)))
        case .scalar: return value
        case .list(let items): return .list(items.map(redacted))
        case .record(let fields): return .record(fields.map { ($0.name, redacted($0.value)) })
        }
    }

    /// Evaluates an expression in a scope.
    func evaluate(_ expr: Expr, in scope: Scope) throws(StepFailure) -> ExprValue {
        switch bindings(scope).evaluate(expr) {
        case .success(let value): return value
        case .failure(let why): throw StepFailure("cannot evaluate '\(expr.sourceText)' (\(expr.location)): \(why)")
        }
    }

    /// The fields of a task that `${NAME.field}` reads, from the latest state seen.
    static func taskRecord(id: Int, task: TaskInstance?) -> ExprValue {
        var fields: [(name: String, value: ExprValue)] = [("id", .scalar(.int(id)))]
        guard let task else { return .record(fields) }
        func add(_ name: String, _ value: ScalarValue?) {
            if let value { fields.append((name, .scalar(value))) }
        }
        add("name", .string(task.name))
        add("clusterId", task.clusterId.map { .int($0) })
        add("tenantId", task.tenantId.map { .int($0) })
        add("hostId", task.hostId.map { .int($0) })
        add("type", task.type.map { .string($0.rawValue) })
        add("status", .string(task.status.rawValue))
        add("operation", task.operation.map { .string($0.rawValue) })
        add("creator", task.creator?.userName.map { .string($0) })
        add("executor", task.executor.map { .string($0) })
        add("createTime", task.createTime.map { .string($0.description) })
        add("startTime", task.startTime.map { .string($0.description) })
        add("finishTime", task.finishTime.map { .string($0.description) })
        add("prohibitRollback", task.prohibitRollback.map { .bool($0) })
        add("taskDefinitionId", task.taskDefinitionId.map { .int($0) })
        return .record(fields)
    }

    func duration(_ value: DurationValue, in scope: Scope) throws(StepFailure) -> Duration {
        switch value.kind {
        case .fixed(let d):
            return d
        case .expression(let expr):
            let v = try evaluate(expr, in: scope)
            guard let d = DurationValue.duration(from: v) else {
                throw StepFailure(
                    "'\(expr.sourceText)' is '\(v.text)', which is not a duration such as 30s, 5m or 1h30m (\(value.location))")
            }
            return d
        }
    }

    func integer(_ expr: Expr, in scope: Scope, what: String) throws(StepFailure) -> Int {
        let v = try evaluate(expr, in: scope)
        guard let n = CountValue.integer(from: v) else {
            throw StepFailure("\(what) '\(expr.sourceText)' is '\(v.text)', not a whole number (\(expr.location))")
        }
        return n
    }

    func text(_ expr: Expr, in scope: Scope) throws(StepFailure) -> String {
        try evaluate(expr, in: scope).text
    }

    /// The whole number of a part the checker made sure a step has.
    func integer(_ expr: Expr?, in scope: Scope, what: String) throws(StepFailure) -> Int {
        guard let expr else { throw StepFailure("the step has no \(what)") }
        return try integer(expr, in: scope, what: what)
    }

    /// The text of a part the checker made sure a step has.
    func text(_ expr: Expr?, in scope: Scope) throws(StepFailure) -> String {
        guard let expr else { throw StepFailure("the step has no subtask name") }
        return try text(expr, in: scope)
    }

    /// The id of the task a step acts on.
    func taskId(_ ref: TaskRef, in scope: Scope) throws(StepFailure) -> Int {
        switch ref {
        case .current:
            guard let id = scope.current else { throw StepFailure("no task has been started before this step") }
            return id
        case .named(let name):
            guard let id = scope.taskNames[name.text] else {
                throw StepFailure("the task '\(name.text)' has not been started (\(name.location))")
            }
            return id
        case .id(let expr):
            return try integer(expr, in: scope, what: "task id")
        }
    }
}

extension ExprValue {
    /// The value as JSON, for the log.
    var json: JSONValue {
        switch self {
        case .scalar(let s):
            switch s {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let n): return .number(Double(n))
            case .bigInt(let digits): return .string(digits)
            case .double(let d): return d.isFinite ? .number(d) : .string(s.text)
            case .string(let text): return .string(text)
            }
        case .list(let items): return .array(items.map(\.json))
        case .record(let fields):
            var object: [String: JSONValue] = [:]
            for field in fields { object[field.name] = field.value.json }
            return .object(object)
        }
    }
}
