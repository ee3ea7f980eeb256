import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

/// One step of a plan: what it would do and which OCP calls it would make.
public struct PlannedStep: Sendable, Hashable {
    public var position: StepPosition
    public var location: SourceLocation
    /// The phrase with its values resolved as far as they are known before the run.
    public var phrase: String
    /// `METHOD /path` of each call; ids known only at run time appear as `{task of steps[2]}`.
    public var calls: [String]
    /// True for steps that change the system (a failover, a retry, a rollback, ...).
    public var changesSystem: Bool
    /// How it behaves: `polled every ≤ 30s, timeout 1h`, `asks for confirmation`, ...
    public var detail: String?

    public init(
        position: StepPosition, location: SourceLocation, phrase: String, calls: [String], changesSystem: Bool,
        detail: String? = nil
    ) {
        self.position = position
        self.location = location
        self.phrase = phrase
        self.calls = calls
        self.changesSystem = changesSystem
        self.detail = detail
    }
}

/// Resolves a checked runbook into the steps it would run and the OCP calls each would make,
/// without calling anything. Loops are expanded item by item.
public struct Planner: Sendable {
    public var environment: [String: String]
    public var polling: PollSchedule

    public init(environment: [String: String] = [:], polling: PollSchedule = PollSchedule()) {
        self.environment = environment
        self.polling = polling
    }

    /// The plan of `runbook`: `steps`, then `on failure` (which runs only if a step fails), then `finally`.
    public func plan(_ runbook: RunbookDocument) -> [PlannedStep] {
        var scope = PlanScope()
        for decl in runbook.vars {
            if let value = evaluate(decl.value, scope) { scope.values[decl.name] = value }
        }
        var out: [PlannedStep] = []
        for (block, steps) in [("steps", runbook.steps), ("on failure", runbook.onFailure), ("finally", runbook.finally)] {
            var blockScope = scope
            plan(steps, block: block, prefix: [], label: block, scope: &blockScope, into: &out)
            if block == "steps" { scope = blockScope }
        }
        return out
    }

    private struct PlanScope {
        var values: [String: ExprValue] = [:]
        /// The current task, as a placeholder naming the step that starts it.
        var current: String?
        var taskNames: [String: String] = [:]
    }

    private func plan(
        _ steps: [Step], block: String, prefix: [Int], label: String, scope: inout PlanScope, into out: inout [PlannedStep]
    ) {
        for (index, step) in steps.enumerated() {
            let position = StepPosition(block: block, path: prefix + [index], label: "\(label)[\(index)]")
            let snapshot = scope
            let description = StepDescription(resolve: { evaluate($0, snapshot) })
            var phrase = description.describe(step.action)
            if let name = step.options.name, let text = evaluate(name, scope)?.text { phrase = "\(text) (\(phrase))" }
            var calls: [String] = []
            var changes = false
            var detail: String?
            func task(_ ref: TaskRef) -> String {
                switch ref {
                case .current: scope.current ?? "{task}"
                case .named(let name): scope.taskNames[name.text] ?? "{task \(name.text)}"
                case .id(let expr): description.value(expr)
                }
            }
            func cluster(_ expr: Expr) -> String { description.value(expr) }
            let listClusters = "GET " + OCPRequest(.listClusters, query: ClusterQuery(page: 1, size: 2000).items).call.path
            switch step.action {
            case .failover(let c):
                calls = ["POST " + OCPEndpoint.failover.template.replacingFirst("{id}", with: cluster(c))]
                changes = true
                scope.current = "{task of \(position.label)}"
                if let name = step.options.taskName { scope.taskNames[name.text] = scope.current }
            case .switchover(let c):
                calls = ["POST " + OCPEndpoint.switchover.template.replacingFirst("{id}", with: cluster(c))]
                changes = true
                scope.current = "{task of \(position.label)}"
                if let name = step.options.taskName { scope.taskNames[name.text] = scope.current }
            case .precheckFailover(let c):
                calls = ["POST " + OCPEndpoint.failoverPreCheck.template.replacingFirst("{id}", with: cluster(c))]
            case .precheckSwitchover(let c):
                calls = ["POST " + OCPEndpoint.switchoverPreCheck.template.replacingFirst("{id}", with: cluster(c))]
            case .retryTask(let t):
                calls = ["POST " + OCPEndpoint.retryTask.template.replacingFirst("{taskId}", with: task(t))]
                changes = true
            case .rollbackTask(let t):
                calls = ["POST " + OCPEndpoint.rollbackTask.template.replacingFirst("{taskId}", with: task(t))]
                changes = true
            case .retrySubtask(let t, _), .skipSubtask(let t, _), .cancelSubtask(let t, _):
                let endpoint: OCPEndpoint =
                    switch step.action {
                    case .retrySubtask: .retrySubtask
                    case .skipSubtask: .skipSubtask
                    default: .cancelSubtask
                    }
                calls = [
                    "GET " + OCPEndpoint.getTask.template.replacingFirst("{taskId}", with: task(t)),
                    "POST " + endpoint.template.replacingFirst("{taskId}", with: task(t)),
                ]
                changes = true
            case .awaitTaskStatus(let t, _), .awaitSubtaskStatus(let t, _, _):
                calls = ["GET " + OCPEndpoint.getTask.template.replacingFirst("{taskId}", with: task(t))]
                detail = pollDetail(step, scope)
            case .awaitClusterType, .awaitClusterStatus:
                calls = [listClusters]
                detail = pollDetail(step, scope)
            case .assertTask(let t, _), .assertSubtask(let t, _, _):
                calls = ["GET " + OCPEndpoint.getTask.template.replacingFirst("{taskId}", with: task(t))]
            case .assertCluster:
                calls = [listClusters]
            case .sleep, .note:
                break
            case .confirm:
                detail = "asks for confirmation (--yes answers it)"
            case .forEach(let loop):
                let items: [ExprValue]
                if case .list(let list)? = evaluate(loop.list, scope) { items = list } else { items = [] }
                detail = "\(items.count) item\(items.count == 1 ? "" : "s")" + (loop.parallel ? ", concurrently" : ", in order")
                out.append(
                    PlannedStep(
                        position: position, location: step.location, phrase: phrase, calls: [], changesSystem: false,
                        detail: detail))
                for (i, item) in items.enumerated() {
                    var inner = scope
                    inner.values[loop.variable.text] = item
                    plan(
                        loop.body, block: block, prefix: position.path + [i],
                        label: "\(position.label)/\(loop.variable.text)=\(item.text)", scope: &inner, into: &out)
                }
                continue
            }
            out.append(
                PlannedStep(
                    position: position, location: step.location, phrase: phrase, calls: calls, changesSystem: changes,
                    detail: detail))
        }
    }

    private func pollDetail(_ step: Step, _ scope: PlanScope) -> String {
        func text(_ value: DurationValue?) -> String? {
            guard let value else { return nil }
            switch value.kind {
            case .fixed(let d): return DurationText.format(d)
            case .expression(let e):
                guard let v = evaluate(e, scope), let d = DurationValue.duration(from: v) else { return e.sourceText }
                return DurationText.format(d)
            }
        }
        let every = text(step.options.every) ?? DurationText.format(polling.maximum)
        let timeout = text(step.options.timeout) ?? DurationText.format(StepOptions.defaultAwaitTimeout)
        return "polled, at most every \(every), timeout \(timeout)"
    }

    private func evaluate(_ expr: Expr, _ scope: PlanScope) -> ExprValue? {
        expr.evaluate { reference in
            if reference.isEnvironment {
                return reference.path.count == 2 ? environment[reference.path[1]].map { .scalar(.string($0)) } : nil
            }
            var value = scope.values[reference.root]
            for field in reference.fields { value = value?.field(field) }
            return value
        }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
