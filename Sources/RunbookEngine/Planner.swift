import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

/// One step of a plan: what it would do and which OCP calls it would make.
public struct PlannedStep: Sendable, Hashable {
    /// Where the step is in the runbook: its block and its index path, loop items included.
    public var position: StepPosition
    /// Where the step is written in the runbook file.
    public var location: SourceLocation
    /// The phrase with its values resolved as far as they are known before the run.
    public var phrase: String
    /// `METHOD /path` of each call; ids known only at run time appear as `{task of steps[2]}`.
    public var calls: [String]
    /// True for steps that change the system (a failover, a retry, a rollback, ...).
    public var changesSystem: Bool
    /// How it behaves: `polled every ≤ 30s, timeout 1h`, `asks for confirmation`, ...
    public var detail: String?

    /// A planned step with these fields (see each property).
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
    /// The environment `${env.NAME}` reads while planning; a value that cannot be resolved is shown
    /// as written.
    public var environment: [String: String]
    /// How waits would poll, for the plan's descriptions of them.
    public var polling: PollSchedule

    /// A planner reading `environment` for `${env.NAME}`, describing waits with `polling`.
    public init(environment: [String: String] = [:], polling: PollSchedule = PollSchedule()) {
        self.environment = environment
        self.polling = polling
    }

    /// The plan of `runbook`: `steps`, then `on failure` (which runs only if a step fails), then `finally`.
    public func plan(_ runbook: CheckedRunbook) -> [PlannedStep] {
        var scope = PlanScope()
        scope.values = Bindings.declaring(runbook.vars, environment: environment).bindings.values
        scope.measuresDataLoss = runbook.objectives?.dataLoss != nil
        var out: [PlannedStep] = []
        for (block, steps) in [(StepPosition.Block.steps, runbook.steps), (.onFailure, runbook.onFailure), (.finally, runbook.finally)] {
            var blockScope = scope
            plan(steps, in: .top(block), scope: &blockScope, into: &out)
            if block == .steps { scope = blockScope }
        }
        return out
    }

    private struct PlanScope {
        var values: [String: ExprValue] = [:]
        /// The current task, as a placeholder naming the step that starts it.
        var current: String?
        var taskNames: [String: String] = [:]
        /// The runbook has a `data loss` objective (a failover then reads its standby's lag).
        var measuresDataLoss = false
    }

    /// What a probe step will do: `GET https://...`, `connect to host:port`, `run [argv]`, and
    /// what passes it.
    static func probeDetail(_ probe: ProbeStep, description: StepDescription) -> String {
        var text: String
        switch probe.kind {
        case .http:
            let method = probe.method.map(description.value)?.uppercased() ?? "GET"
            text = "\(method) \(description.target(probe)), passes on "
            text += probe.expectStatus.isEmpty ? "any 2xx" : "HTTP " + probe.expectStatus.map(String.init).joined(separator: " or ")
            if let body = probe.expectText { text += " with \"\(description.value(body))\" in the body" }
        case .tcp:
            text = "opens a TCP connection to \(description.target(probe))"
        case .command:
            if case .text(let e) = probe.target {
                text = "runs /bin/sh -c \(description.value(e)), passes on exit \(probe.expectExit ?? 0)"
            } else {
                text = "runs \(description.target(probe)) (no shell), passes on exit \(probe.expectExit ?? 0)"
            }
            if let output = probe.expectText { text += " with \"\(description.value(output))\" in the output" }
        }
        return text + (probe.waits ? "; again, adaptively, until it passes" : "")
    }

    private func plan(
        _ steps: [Step], in body: StepBody, scope: inout PlanScope, into out: inout [PlannedStep]
    ) {
        for (index, step) in steps.enumerated() {
            let position = body.position(index)
            let snapshot = scope
            let description = StepDescription(resolve: { evaluate($0, snapshot) })
            var phrase = description.describe(step.action)
            if let name = step.options.name, let text = evaluate(name, scope)?.text { phrase = "\(text) (\(phrase))" }
            let descriptor = step.descriptor
            var detail: String?
            var calls: [String] = []
            switch step.action {
            case .action(let action):
                func task() -> String {
                    switch action.task {
                    case .current: scope.current ?? "{task}"
                    case .named(let name): scope.taskNames[name.text] ?? "{task \(name.text)}"
                    case .id(let expr): description.value(expr)
                    }
                }
                let subject = action.subject.map(description.value) ?? "{id}"
                let serviceName = step.options.serviceName.map(description.value)
                // A failover reads its standby's lag only for a `data loss` objective.
                let wanted = descriptor.calls.filter { $0.repetition != .forDataLoss || scope.measuresDataLoss }
                calls = wanted.map { call in
                    let values = call.arguments.map { argument -> String in
                        switch argument {
                        case .subject: subject
                        case .task: task()
                        case .subtask: "{subtaskId}"
                        case .failedSubtask: "{failed subtask}"
                        case .subjectCluster: "{cluster of tenant \(subject)}"
                        case .primary: "{primary of tenant \(subject)}"
                        case .primaryCluster:
                            descriptor.subject == .tenant
                                ? "{cluster of the primary of tenant \(subject)}" : "{cluster of each primary}"
                        }
                    }
                    var text = "\(call.endpoint.method) \(call.endpoint.path(filling: values))"
                    let query = OCPRequest(call.endpoint, query: call.query).queryString
                    if !query.isEmpty { text += "?" + query }
                    if let body = call.body {
                        text += "  body " + Self.body(body, subject: subject, serviceName: serviceName)
                    }
                    switch call.repetition {
                    case .onFailure: text += "  (only if the task fails)"
                    case .ifUnknown: text += "  (only if the run does not know yet which cluster holds tenant \(subject))"
                    case .perPrimaryCluster: text += "  (once per cluster holding a primary)"
                    case .forDataLoss: text += "  (for the `data loss` objective: the standby's delayTime before the failover)"
                    case .once, .polled: break
                    }
                    return text
                }
                if descriptor.family == .wait { detail = pollDetail(step, scope) }
                if descriptor.startedTask != nil {
                    scope.current = descriptor.startsGroup ? "{tasks of \(position.label)}" : "{task of \(position.label)}"
                    if let name = step.options.taskName { scope.taskNames[name.text] = scope.current }
                }
            case .sleep, .note:
                break
            case .marker(let kind, _):
                detail = kind == .outage ? "recovery time is measured from here" : "recovery time is measured to here"
            case .probe(let probe):
                detail = Self.probeDetail(probe, description: description)
            case .confirm:
                detail = "asks for confirmation (--yes answers it)"
            case .forEach(let loop):
                let items: [ExprValue]
                if case .list(let list)? = evaluate(loop.list, scope) { items = list } else { items = [] }
                detail = "\(items.count) item\(items.count == 1 ? "" : "s")" + (loop.parallel ? ", concurrently" : ", in order")
                if loop.parallel {
                    var limit = ForEachBlock.defaultMaxConcurrency
                    switch step.options.maxConcurrency?.kind {
                    case .fixed(let n)?: limit = n
                    case .expression(let e)?:
                        if case .scalar(.int(let n))? = evaluate(e, scope) { limit = n }
                    case nil: break
                    }
                    if items.count > limit { detail = (detail ?? "") + ", at most \(limit) at once" }
                }
                out.append(
                    PlannedStep(
                        position: position, location: step.location, phrase: phrase, calls: [], changesSystem: false,
                        detail: detail))
                for (i, item) in items.enumerated() {
                    var inner = scope
                    inner.values[loop.variable.text] = item
                    let itemBody = StepBody.loop(
                        at: position, item: i, StepPosition.Item(variable: loop.variable.text, value: item.itemLabel(index: i)))
                    plan(loop.body, in: itemBody, scope: &inner, into: &out)
                }
                continue
            }
            out.append(
                PlannedStep(
                    position: position, location: step.location, phrase: phrase, calls: calls,
                    changesSystem: descriptor.changesSystem, detail: detail))
        }
    }

    /// A POST's body as a plan shows it: JSON, with what the run finds in braces.
    static func body(_ body: PlannedCall.Body, subject: String, serviceName: String?) -> String {
        switch body {
        case .pair:
            return #"{"standbyTenantId":\#(subject),"tenantId":{primary of tenant \#(subject)}}"#
        case .serviceName:
            return serviceName.map { #"{"serviceName":"\#($0)"}"# } ?? "{}"
        case .pairList:
            return #"{"tenantParamList":[{"standbyTenantId":{each standby tenant of cluster \#(subject) whose primary is there},"#
                + #""tenantId":{its primary}}, ...]}"#
        case .failoverList:
            return #"{"failoverTenantItemList":[{"tenantId":{each standby tenant of cluster \#(subject)}}, ...]}"#
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
        Bindings(values: scope.values, environment: environment).value(expr)
    }
}
