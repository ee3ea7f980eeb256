import OCPModel
import RunbookSupport
import RunbookYAML

/// The second stage: names, scopes and the current-task rules, on the tree the parser built.
///
/// - Variables are visible from their declaration on (`vars` in order, then `--var` values); loop
///   variables inside their block; `as` names from the step that starts the task to the end of the
///   enclosing block (the top level includes `on failure` and `finally`).
/// - The current task is the one the most recent `failover`/`switchover` in scope started. A loop
///   body starts with the enclosing current task, and tasks it starts stay inside it. A task
///   operation, wait or assertion on the current task needs a task started before it.
/// - Values known before the run (literal `vars`, `--var`) are evaluated to check durations,
///   cluster ids, lists and `max concurrency`.
/// - Warnings: unknown subtask names, `continue on failure` on a cluster action, a started task
///   that no wait ever awaits.
struct Checker {
    private(set) var diagnostics: [Diagnostic] = []
    /// The environment of the check, for warnings about what `run` will read from it (nil: unknown).
    var environment: [String: String]?
    /// Steps whose phrase did not parse, not yet reached in file order.
    private var unparsed: ArraySlice<UnparsedStep> = []

    /// What a name stands for.
    private enum Binding {
        /// A variable; `value` is nil when it is only known at run time (it uses `${env.X}`).
        case variable(value: ExprValue?, origin: VarDecl.Origin, location: SourceLocation)
        /// A loop variable; `items` are its list's items when known before the run.
        case loopVariable(items: [ExprValue]?, location: SourceLocation)
        /// A task named with `as`; the index into ``tasks``.
        case task(Int, location: SourceLocation)

        var location: SourceLocation {
            switch self {
            case .variable(_, _, let location), .loopVariable(_, let location), .task(_, let location): location
            }
        }

        var noun: String {
            switch self {
            case .variable: "variable"
            case .loopVariable: "loop variable"
            case .task: "task name"
            }
        }
    }

    /// The state of "the current task" at a point of the runbook.
    private enum Current {
        /// No task started yet.
        case none
        /// A step before it did not parse; nothing can be said.
        case unknown
        /// The task ``tasks``[index].
        case task(Int)
    }

    /// A task some step starts.
    private struct StartedTask {
        /// The OCP task definition it instantiates (failover or switchover); nil when unknown.
        var definition: TaskDefinition?
        /// The phrase, place and `as` name of the step that starts it, for the warning.
        var phrase: String
        var location: SourceLocation
        var taskName: String?
        var awaited: Bool

        init(definition: TaskDefinition?, phrase: String, location: SourceLocation, taskName: String?, awaited: Bool) {
            self.definition = definition
            self.phrase = phrase
            self.location = location
            self.taskName = taskName
            self.awaited = awaited
        }
    }

    private var scopes: [[String: Binding]] = [[:]]
    private var current: Current = .none
    /// The most recent precheck in scope while no task is current, to explain why there is none.
    private var precheckWithoutTask: String?
    private var tasks: [StartedTask] = []
    /// The clusters the task-starting steps act on, with the task each starts; a nil set when a
    /// step's cluster is known only at run time.
    private var startedOn: [(definition: TaskDefinition?, clusters: Set<Int>?)] = []
    /// Every `as` name used so far, for the reuse rule.
    private var usedTaskNames: [String: SourceLocation] = [:]
    /// Every name bound anywhere in the file, to explain a name used where it is not visible;
    /// collected at the first such error.
    private var laterNames: [String: (noun: String, location: SourceLocation)]?
    private var runbook: RunbookDocument?

    // MARK: - Entry

    /// Checks `document` and returns it with `--var` values in its `vars`; the diagnostics say
    /// whether it may run.
    mutating func check(_ document: RunbookDocument, predefinedVariables: [String: String]) -> RunbookDocument {
        var runbook = document
        self.runbook = runbook
        unparsed = runbook.unparsedSteps[...]
        runbook.vars = checkVars(runbook.vars, predefined: predefinedVariables)
        if let target = runbook.target { checkTarget(target) }
        checkDuration(runbook.timeout, positive: true)
        checkDuration(runbook.objectives?.recoveryTime, positive: false)
        checkDuration(runbook.objectives?.dataLoss, positive: false)
        for w in runbook.watch {
            checkProbe(w.probe)
            checkDuration(w.every, positive: true)
            checkDuration(w.timeout, positive: true)
        }
        checkSteps(runbook.steps)
        checkSteps(runbook.onFailure)
        checkSteps(runbook.finally)
        reachUnparsed(before: nil)
        if let simulate = runbook.simulate { checkFaults(simulate) }
        if let objectives = runbook.objectives, objectives.recoveryTime != nil, markers[.recovered] != nil, markers[.outage] == nil {
            warning(
                "objectives.no-outage",
                "'recovery time' runs from 'outage' to 'recovered', and no step marks 'outage': the recovery time is unknown, and the objective is not met",
                at: objectives.location)
        }
        if let objectives = runbook.objectives, objectives.recoveryTime != nil, markers[.outage] != nil, markers[.recovered] == nil {
            warning(
                "objectives.no-recovered",
                "'recovery time' runs from 'outage' to 'recovered', and no step marks 'recovered': the recovery time is unknown, and the objective is not met",
                at: objectives.location)
        }
        for task in tasks where !task.awaited {
            let name = task.taskName.map { "task \($0)" } ?? "task"
            warning(
                "task.never-awaited",
                "'\(task.phrase)' starts a task that no step awaits: add 'await \(name) status: SUCCESS' after it",
                at: task.location)
        }
        self.runbook = nil
        return runbook
    }

    /// A target known before the run must be one; one that reads the environment gets a warning
    /// when the environment the check runs in leaves it unset or empty (`run` then refuses).
    private mutating func checkTarget(_ target: Expr) {
        let isLiteral = if case .literal = target.kind { true } else { false }
        if let value = checkExpr(target), !isLiteral {
            if let problem = TargetText.problem(value.text) {
                error("runbook.target", "'\(target.sourceText)' is '\(TargetText.withoutUserInfo(value.text))': \(problem)", at: target.location)
            }
        }
        // An operator who chose a target (RUNBOOK_TARGET, or `--target`, which the command line
        // passes as it) makes the runbook's unused: nothing to warn about.
        guard let environment, environment["RUNBOOK_TARGET"] == nil else { return }
        for reference in TargetText.environmentReferences(of: target, vars: runbook?.vars ?? []) {
            let name = reference.path[1]
            let value = environment[name]
            if value == nil || value?.trimmingSpaces.isEmpty == true {
                warning(
                    "runbook.target-unset",
                    "the target reads ${env.\(name)}, which is \(value == nil ? "not set" : "empty") here: `runbook run` refuses to run (exit 2) until it is set, or a target is given with --target or RUNBOOK_TARGET",
                    at: target.location)
            } else if let value, let problem = TargetText.problem(value), problem.contains("carries credentials") {
                // `run` refuses such a target: so does the check, saying where it came from.
                error("runbook.target", "the target reads ${env.\(name)}, and \(problem)", at: target.location)
            }
        }
    }

    private mutating func error(_ id: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(id, message, at: location))
    }

    private mutating func warning(_ id: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(id, message, at: location))
    }

    // MARK: - Variables

    private mutating func checkVars(_ declared: [VarDecl], predefined: [String: String]) -> [VarDecl] {
        var out: [VarDecl] = []
        let declaredNames = Set(declared.map(\.name))
        // `--var` names that the file does not declare come first, so the file's vars may use them;
        // one that the file neither declares nor uses is a slip (`--var standy=8`).
        let used = predefined.keys.contains { !declaredNames.contains($0) } ? Self.referencedNames(runbook) : []
        for name in predefined.keys.sorted() where !declaredNames.contains(name) {
            let location = VarDecl.commandLineLocation
            guard ExpressionText.isIdentifier(name), name != "env" else {
                error("vars.name", "'--var \(name)=...': '\(name)' is not a variable name", at: location)
                continue
            }
            guard used.contains(name) else {
                // The runbook's variables: declared, or read and not a loop variable or a task name.
                let local = Self.localNames(runbook)
                let candidates =
                    declared.map(\.name) + used.sorted().filter { !declaredNames.contains($0) && !local.contains($0) }
                error(
                    "vars.unused",
                    "'--var \(name)=...': the runbook \(runbook?.file ?? "") neither declares nor uses a variable '\(name)'"
                        + (Suggestion.closest(to: name, among: candidates).map { "; did you mean '\($0)'?" }
                            ?? (candidates.isEmpty
                                ? "; it has no variables"
                                : "; its variables are \(NodeReader.listing(candidates.map { "'\($0)'" }, conjunction: "and"))")),
                    at: location)
                continue
            }
            if let problem = Self.commandLineProblem(predefined[name] ?? "") {
                error("vars.value", "'--var \(name)=...': \(problem)", at: location)
            }
            let value = Self.commandLineValue(predefined[name] ?? "", at: location)
            bind(name, .variable(value: value.evaluate { _ in nil }, origin: .commandLine, location: location))
            out.append(VarDecl(name: name, value: value, origin: .commandLine, at: location))
        }
        for decl in declared {
            let fileValue = checkExpr(decl.value)
            if let text = predefined[decl.name] {
                if let problem = Self.commandLineProblem(text) {
                    error("vars.value", "'--var \(decl.name)=...': \(problem)", at: VarDecl.commandLineLocation)
                }
                let value = Self.commandLineValue(text, at: decl.location)
                bind(decl.name, .variable(value: value.evaluate { _ in nil }, origin: .commandLine, location: decl.location))
                out.append(VarDecl(name: decl.name, value: value, origin: .commandLine, at: decl.location))
            } else {
                bind(decl.name, .variable(value: fileValue, origin: .file, location: decl.location))
                out.append(decl)
            }
        }
        return out
    }

    /// The value of `--var name=TEXT`, taken literally (a `${` in it is not a reference): a YAML
    /// flow list or mapping when it starts with `[` or `{` (`[6, 8]`), a YAML double-quoted
    /// scalar when it starts with `"` (`"6"` is the text 6), else a plain YAML scalar (`6` is a
    /// number, `30m` and `a: b` are text). A list or quoted text that is not valid YAML is text.
    /// Why a `--var` value that starts as a YAML list, mapping or quoted text is not one (an
    /// unclosed `[6`), in words; nil when it reads.
    static func commandLineProblem(_ text: String) -> String? {
        guard text.hasPrefix("[") || text.hasPrefix("{") || text.hasPrefix("\"") else { return nil }
        do throws(Diagnostic) {
            _ = try YAMLLoader().load(text, file: VarDecl.commandLineLocation.file)
            return nil
        } catch {
            let what = text.hasPrefix("[") ? "a YAML list" : text.hasPrefix("{") ? "a YAML mapping" : "YAML quoted text"
            return "it starts as \(what) but is not one (\(error.message)); for text that starts so, quote it whole: --var 'name=\"...\"'"
        }
    }

    static func commandLineValue(_ text: String, at location: SourceLocation) -> Expr {
        guard text.hasPrefix("[") || text.hasPrefix("{") || text.hasPrefix("\"") else {
            return .literal(CoreSchema.resolve(plain: text), at: location)
        }
        func literal(_ node: Node) -> Expr {
            switch node.content {
            case .scalar: return .literal(node.resolvedScalar ?? .null, at: location)
            case .sequence(let items): return Expr(.list(items.map(literal)), at: location)
            case .mapping(let pairs):
                return Expr(
                    .record(pairs.map { ExprField(name: $0.key.scalar?.text ?? "", value: literal($0.value), at: location) }),
                    at: location)
            }
        }
        do throws(Diagnostic) {
            guard let node = try YAMLLoader().load(text, file: location.file) else { return .literal(.null, at: location) }
            return literal(node)
        } catch {
            return .literal(.string(text), at: location)
        }
    }

    /// The names a runbook binds itself: its loop variables and the tasks it names with `as:`.
    private static func localNames(_ runbook: RunbookDocument?) -> Set<String> {
        guard let runbook else { return [] }
        var names = Set<String>()
        func walk(_ steps: [Step]) {
            for step in steps {
                if let task = step.options.taskName?.text { names.insert(task) }
                if case .forEach(let block) = step.action {
                    names.insert(block.variable.text)
                    walk(block.body)
                }
            }
        }
        walk(runbook.steps + runbook.onFailure + runbook.finally)
        return names
    }

    /// The first names (`standby` of `${standby.id}`) of every reference in the runbook.
    private static func referencedNames(_ runbook: RunbookDocument?) -> Set<String> {
        guard let runbook else { return [] }
        var names = Set<String>()
        func add(_ expr: Expr?) {
            for reference in expr?.references ?? [] where !reference.isEnvironment { names.insert(reference.root) }
        }
        func add(_ duration: DurationValue?) {
            if case .expression(let e)? = duration?.kind { add(e) }
        }
        func visit(_ steps: [Step]) {
            for step in steps {
                let o = step.options
                add(o.name)
                add(o.timeout)
                add(o.every)
                if case .expression(let e)? = o.maxConcurrency?.kind { add(e) }
                add(o.serviceName)
                switch step.action {
                case .action(let a):
                    add(a.subject)
                    add(a.subtask)
                    if case .id(let e) = a.task { add(e) }
                    for field in a.fields {
                        switch field.value {
                        case .duration(let d): add(d)
                        case .text(let e): add(e)
                        case .id(let e): add(e)
                        case .word, .count: break
                        }
                    }
                case .sleep(let d): add(d)
                case .note(let e), .confirm(let e): add(e)
                case .forEach(let block):
                    add(block.list)
                    visit(block.body)
                case .marker(_, let e): add(e)
                case .probe(let p): probe(p)
                }
            }
        }
        func probe(_ p: ProbeStep) {
            for e in p.targetExprs { add(e) }
            add(p.method)
            for h in p.headers { add(h.value) }
            add(p.expectText)
        }
        for decl in runbook.vars { add(decl.value) }
        add(runbook.target)
        add(runbook.timeout)
        add(runbook.objectives?.recoveryTime)
        add(runbook.objectives?.dataLoss)
        for w in runbook.watch {
            probe(w.probe)
            add(w.every)
            add(w.timeout)
        }
        visit(runbook.steps)
        visit(runbook.onFailure)
        visit(runbook.finally)
        return names
    }

    /// Where every name of the file is bound, so a name used before its binding gets a precise message.
    private static func collectNames(_ runbook: RunbookDocument) -> [String: (noun: String, location: SourceLocation)] {
        var laterNames: [String: (noun: String, location: SourceLocation)] = [:]
        for decl in runbook.vars where laterNames[decl.name] == nil {
            laterNames[decl.name] = ("variable", decl.location)
        }
        func visit(_ steps: [Step], into names: inout [String: (noun: String, location: SourceLocation)]) {
            for index in steps.indices {
                if let name = steps[index].options.taskName, names[name.text] == nil {
                    names[name.text] = ("task name", name.location)
                }
                if case .forEach(let block) = steps[index].action {
                    if names[block.variable.text] == nil { names[block.variable.text] = ("loop variable", block.variable.location) }
                    visit(block.body, into: &names)
                }
            }
        }
        visit(runbook.steps, into: &laterNames)
        visit(runbook.onFailure, into: &laterNames)
        visit(runbook.finally, into: &laterNames)
        return laterNames
    }

    // MARK: - Scopes

    private func lookup(_ name: String) -> Binding? {
        var index = scopes.count - 1
        while index >= 0 {
            if let binding = scopes[index][name] { return binding }
            index -= 1
        }
        return nil
    }

    private var visibleNames: [String] {
        var names: [String] = []
        for scope in scopes.reversed() {
            names += scope.keys.sorted()
        }
        return names
    }

    private mutating func bind(_ name: String, _ binding: Binding) {
        scopes[scopes.count - 1][name] = binding
    }

    // MARK: - Steps

    private mutating func checkSteps(_ steps: [Step]) {
        for index in steps.indices {
            reachUnparsed(before: steps[index].location)
            checkStep(steps[index])
        }
    }

    /// The steps whose phrase did not parse, up to `location` (all of them when nil), in file order:
    /// such a step may have started or awaited a task, so the checker stops reasoning about the
    /// current one (and does not warn that it is never awaited).
    private mutating func reachUnparsed(before location: SourceLocation?) {
        while let next = unparsed.first, location.map({ next.location < $0 }) ?? true {
            unparsed.removeFirst()
            if case .task(let index) = current { tasks[index].awaited = true }
            if let name = next.taskName {
                tasks.append(
                    StartedTask(definition: nil, phrase: next.phrase, location: next.location, taskName: name.text, awaited: true))
                bindTaskName(name, task: tasks.count - 1)
            }
            current = .unknown
        }
    }

    private mutating func checkStep(_ step: Step) {
        checkOptions(step.options)
        let descriptor = step.descriptor
        if descriptor.isAction, step.options.continueOnFailure {
            warning(
                "step.continue-on-cluster-action",
                "'continue on failure' on a \(descriptor.isTenantPhrase ? "tenant" : "cluster") action: if '\(step.phrase)' "
                    + "fails, the steps after it still run",
                at: step.location)
        }
        switch step.action {
        case .action(let action):
            checkAction(action, descriptor, step: step)
        case .sleep(let d):
            checkDuration(d, positive: false)
        case .note(let text), .confirm(let text):
            _ = checkExpr(text)
        case .forEach(let block):
            checkForEach(block, step: step)
        case .marker(let kind, let text):
            _ = checkExpr(text)
            checkMarker(kind, step: step)
        case .probe(let probe):
            checkProbe(probe)
        }
    }

    /// Where the `outage` and `recovered` markers are, to allow one of each.
    private var markers: [MarkerKind: SourceLocation] = [:]
    /// How deep in loops the step being checked is.
    private var loopDepth = 0

    private mutating func checkMarker(_ kind: MarkerKind, step: Step) {
        if let earlier = markers[kind] {
            error(
                "step.marker",
                "a runbook marks its '\(kind.rawValue)' once; the first is at line \(earlier.line): recovery time runs from 'outage' to 'recovered'",
                at: step.location)
        } else {
            if kind == .outage, let recovered = markers[.recovered] {
                error(
                    "step.marker",
                    "'outage' comes after 'recovered' (line \(recovered.line)), and a run takes its steps in order: recovery time runs from 'outage' to 'recovered', so mark the outage first",
                    at: step.location)
            }
            markers[kind] = step.location
        }
        if loopDepth > 0 {
            error(
                "step.marker", "'\(kind.rawValue)' marks one moment of the run, so it cannot be inside a loop", at: step.location)
        }
    }

    /// Every probe the runbook makes (steps and `watch`), for the embedded coverage check.
    private(set) var probes: [ProbeStep] = []

    private mutating func checkProbe(_ probe: ProbeStep) {
        for e in probe.targetExprs { _ = checkExpr(e) }
        if let m = probe.method { _ = checkExpr(m) }
        for h in probe.headers { _ = checkExpr(h.value) }
        if let t = probe.expectText { _ = checkExpr(t) }
        probes.append(probe)
    }

    private mutating func checkAction(_ action: ActionStep, _ descriptor: PhraseDescriptor, step: Step) {
        if let subject = action.subject { checkSubject(subject, descriptor.subject ?? .cluster) }
        var task: Int?
        switch descriptor.family {
        case .startsTask(_, let definition):
            startedOn.append((definition, action.subject.flatMap(knownIds)))
            tasks.append(
                StartedTask(
                    definition: definition, phrase: step.phrase, location: step.location,
                    taskName: step.options.taskName?.text, awaited: false))
            if let name = step.options.taskName { bindTaskName(name, task: tasks.count - 1) }
            current = .task(tasks.count - 1)
        case .precheck:
            precheckWithoutTask = step.phrase
        case .wait where descriptor.takesTask:
            task = resolveTask(action.task, step: step)
            if let task { tasks[task].awaited = true }
        default:
            if descriptor.takesTask { task = resolveTask(action.task, step: step) }
        }
        if let subtask = action.subtask { checkSubtaskName(subtask, task: task) }
        for field in action.fields {
            switch field.value {
            case .duration(let d): checkDuration(d, positive: true)
            case .text(let other): checkSubtaskName(other, task: task)
            case .id(let id?): checkSubject(id, field.name == "cluster" ? .cluster : .tenant)
            case .id(nil), .word, .count: break
            }
        }
    }

    private mutating func checkOptions(_ options: StepOptions) {
        if let name = options.name { _ = checkExpr(name) }
        if let serviceName = options.serviceName { _ = checkExpr(serviceName) }
        checkDuration(options.timeout, positive: true)
        checkDuration(options.every, positive: true)
        if let count = options.maxConcurrency, case .expression(let expr) = count.kind, let value = checkExpr(expr) {
            if let n = CountValue.integer(from: value) {
                if n < 1 {
                    error("value.range", "'max concurrency' must be at least 1, but '\(expr.sourceText)' is \(n)", at: expr.location)
                }
            } else {
                error(
                    "value.type", "'max concurrency' must be a whole number, but '\(expr.sourceText)' is '\(value.text)'",
                    at: expr.location)
            }
        }
    }

    private mutating func checkForEach(_ block: ForEachBlock, step: Step) {
        var items: [ExprValue]?
        if let value = checkExpr(block.list) {
            if case .list(let known) = value {
                items = known
            } else {
                error(
                    "value.type", "'\(block.list.sourceText)' is \(value.kindDescription) ('\(value.text)'), not a list",
                    at: block.list.location)
            }
        }
        scopes.append([:])
        let name = block.variable.text
        if !name.isEmpty {
            if let existing = lookup(name) {
                error(
                    "name.shadowed",
                    "loop variable '\(name)' hides the \(existing.noun) '\(name)' (\(existing.location == VarDecl.commandLineLocation ? "given with --var" : "line \(existing.location.line)")); choose another name",
                    at: block.variable.location)
            }
            bind(name, .loopVariable(items: items, location: block.variable.location))
        }
        let saved = (current, precheckWithoutTask)
        loopDepth += 1
        checkSteps(block.body)
        loopDepth -= 1
        (current, precheckWithoutTask) = saved
        scopes.removeLast()
    }

    // MARK: - Tasks

    private mutating func bindTaskName(_ name: Name, task: Int) {
        if let earlier = usedTaskNames[name.text] {
            error(
                "task.reused-name", "task name '\(name.text)' is already used at line \(earlier.line); give each task its own name",
                at: name.location)
            return
        }
        usedTaskNames[name.text] = name.location
        if let existing = lookup(name.text) {
            error(
                "name.shadowed", "task name '\(name.text)' is already a \(existing.noun) (line \(existing.location.line)); choose another name",
                at: name.location)
            return
        }
        bind(name.text, .task(task, location: name.location))
    }

    /// The task a step acts on (an index into ``tasks``), reporting a missing current task or an
    /// unknown name; nil when it cannot be known before the run.
    private mutating func resolveTask(_ ref: TaskRef, step: Step) -> Int? {
        switch ref {
        case .current:
            switch current {
            case .task(let index): return index
            case .unknown: return nil
            case .none:
                let precheck = precheckWithoutTask.map { " ('\($0)' starts none)" } ?? ""
                let starters = PhraseDescriptor.all.filter { $0.startedTask != nil }.map { "'\($0.words)'" }
                error(
                    "task.no-current",
                    "'\(step.phrase)' acts on the current task, but no step before it starts one\(precheck): start one with \(NodeReader.listing(starters)), or name one with 'task NAME'",
                    at: step.location)
                return nil
            }
        case .named(let name):
            switch lookup(name.text) {
            case .task(let index, _)?:
                return index
            case .variable?, .loopVariable?:
                error(
                    "task.not-a-task",
                    "'\(name.text)' is a \(lookup(name.text)?.noun ?? "variable"), not a task name; for a task id it holds, write 'task ${\(name.text)}'",
                    at: name.location)
                return nil
            case nil:
                error("task.unknown-name", unknownName(name.text, noun: "task name", at: name.location), at: name.location)
                return nil
            }
        case .id(let expr):
            // A null literal stands for an id the parser already reported.
            if case .literal(.null) = expr.kind { return nil }
            if let value = checkExpr(expr), CountValue.integer(from: value) == nil {
                error("value.task", "'\(expr.sourceText)' is '\(value.text)', which is not a task id (a number)", at: expr.location)
            }
            // `task ${drill.id}` acts on the task named `drill`.
            if case .reference(let reference) = expr.kind, case .task(let index, _)? = lookup(reference.root) {
                return index
            }
            return nil
        }
    }

    private mutating func checkSubtaskName(_ expr: Expr, task: Int?) {
        let name: String
        if case .literal(.string(let written)) = expr.kind {
            name = written
        } else {
            // A name in a variable known before the run is checked as if written here.
            guard let value = checkExpr(expr), case .scalar(.string(let known)) = value else { return }
            name = known
        }
        let definition = task.flatMap { tasks[$0].definition }
        let names = definition?.subtaskNames ?? TaskDefinition.knownSubtaskNames
        guard !names.contains(name) else { return }
        // OCP matches subtask names exactly: one that differs only in case or spacing never matches.
        if let meant = SubtaskNames.sameButForCase(name, among: names) {
            error("subtask.name-case", SubtaskNames.caseMessage(name, meant: meant), at: expr.location)
            return
        }
        warning(
            "subtask.unknown-name", SubtaskNames.unknownMessage(name, among: names, task: definition?.shortName),
            at: expr.location)
    }

    /// The cluster ids `expr` stands for when known before the run: a number, a variable that
    /// holds one, or a loop variable over a known list of them.
    private func knownIds(_ expr: Expr) -> Set<Int>? {
        func id(_ value: ExprValue) -> Int? {
            if case .scalar(.int(let n)) = value { return n }
            return nil
        }
        switch expr.kind {
        case .literal(.int(let n)): return [n]
        case .reference(let reference) where reference.path.count == 1:
            switch lookup(reference.root) {
            case .variable(let value?, _, _)?: return id(value).map { [$0] }
            case .loopVariable(let items?, _)?:
                let ids = items.compactMap(id)
                return ids.count == items.count ? Set(ids) : nil
            default: return nil
            }
        default: return nil
        }
    }

    /// Subtask faults that can never fire, as warnings: on a cluster not in the topology, on a
    /// cluster no step starts a task on, or on a subtask that no task the steps start has (these
    /// two only when every task-starting step's cluster is known before the run).
    private mutating func checkFaults(_ simulate: SimulateBlock) {
        let topology = Set(simulate.clusters?.map(\.id) ?? SimulateBlock.defaultClusterIds)
        let allKnown = startedOn.allSatisfy { $0.clusters != nil }
        let targeted = startedOn.reduce(into: Set<Int>()) { $0.formUnion($1.clusters ?? []) }
        for case .subtask(let fault) in simulate.faults {
            if let cluster = fault.cluster, !topology.contains(cluster) {
                let ids = topology.sorted().map(String.init).joined(separator: ", ")
                warning(
                    "simulate.fault-never-fires",
                    "the fault on '\(fault.subtask)' can never fire: cluster \(cluster) is not in the simulated topology (clusters \(ids))",
                    at: fault.location)
                continue
            }
            // A file that starts no task (a fragment, a runbook of checks) is not told of each fault.
            guard allKnown, !startedOn.isEmpty else { continue }
            // The tasks that could meet the fault: those started on its cluster (or on any).
            let candidates = startedOn.filter { started in fault.cluster.map { started.clusters?.contains($0) == true } ?? true }
            if let cluster = fault.cluster, candidates.isEmpty {
                let elsewhere = targeted.sorted().map(String.init).joined(separator: ", ")
                warning(
                    "simulate.fault-never-fires",
                    "the fault on '\(fault.subtask)' can never fire: no step starts a task on cluster \(cluster) (tasks start only on clusters \(elsewhere))",
                    at: fault.location)
                continue
            }
            let definitions = candidates.compactMap(\.definition)
            guard definitions.count == candidates.count, !definitions.isEmpty else { continue }
            if !definitions.contains(where: { $0.subtaskNames.contains(fault.subtask) }),
                TaskDefinition.knownSubtaskNames.contains(fault.subtask)
            {
                let kinds = Set(definitions.map(\.shortName)).sorted().joined(separator: " and ")
                warning(
                    "simulate.fault-never-fires",
                    "the fault on '\(fault.subtask)' can never fire: the steps start only \(kinds) tasks\(fault.cluster.map { " on cluster \($0)" } ?? ""), which have no such subtask",
                    at: fault.location)
            }
        }
    }

    // MARK: - Values

    private mutating func checkSubject(_ expr: Expr, _ subject: SubjectKind) {
        guard case .literal = expr.kind else {
            if let value = checkExpr(expr), (CountValue.integer(from: value) ?? 0) < 1 {
                error(
                    "value.\(subject.rawValue)",
                    "'\(expr.sourceText)' is '\(value.text)', which is not a \(subject.noun) (a number)", at: expr.location)
            }
            return
        }
    }

    /// Durations of known values, by text: the same variable is read by many steps.
    private var durations: [String: Duration] = [:]

    private mutating func checkDuration(_ duration: DurationValue?, positive: Bool) {
        guard let duration, case .expression(let expr) = duration.kind, let value = checkExpr(expr) else { return }
        var reading: DurationText.Reading
        if case .scalar(.string(let text)) = value {
            reading = durations[text].map { .duration($0) } ?? DurationValue.reading(from: value)
            if let parsed = reading.duration { durations[text] = parsed }
        } else {
            reading = DurationValue.reading(from: value)
        }
        guard let d = reading.duration else {
            let why =
                switch reading {
                case .tooLong: "longer than \(DurationText.format(DurationText.maximum)) (365 days), the longest duration a runbook allows"
                case .tooShort: "shorter than 1ms, the shortest duration a runbook counts"
                case .invalid, .duration: "not a duration: write 500ms, 30s, 5m, 1h or 1h30m"
                }
            error("duration.invalid", "'\(expr.sourceText)' is '\(value.text)', which is \(why)", at: expr.location)
            return
        }
        if positive, d <= .zero {
            error("duration.invalid", "'\(expr.sourceText)' is \(value.text), but it must be longer than 0s", at: expr.location)
        }
    }

    /// Checks every reference of `expr` and returns its value when it is known before the run.
    @discardableResult
    private mutating func checkExpr(_ expr: Expr) -> ExprValue? {
        switch expr.kind {
        case .literal(let value):
            return .scalar(value)
        case .reference(let reference):
            return checkReference(reference) ? staticValue(of: reference) : nil
        default:
            var known = true
            for reference in expr.references where !checkReference(reference) {
                known = false
            }
            guard known else { return nil }
            return expr.evaluate { staticValue(of: $0) }
        }
    }

    /// Reports a reference to an undefined name, a missing field, or a misuse of a task name.
    /// Returns false when it is invalid.
    private mutating func checkReference(_ reference: Reference) -> Bool {
        if reference.isEnvironment {
            guard reference.path.count == 2 else {
                error(
                    "expr.env", "'\(reference.sourceText)' does not name an environment variable: write ${env.NAME}",
                    at: reference.location)
                return false
            }
            return true
        }
        guard let binding = lookup(reference.root) else {
            error("expr.undefined", unknownName(reference.root, noun: "variable", at: reference.location), at: reference.location)
            return false
        }
        switch binding {
        case .variable(let value, _, _):
            var current = value
            var path = reference.root
            for field in reference.fields {
                guard let value = current else { return true }
                guard case .record(let fields) = value else {
                    error(
                        "expr.field", "'\(path)' is \(value.kindDescription) ('\(value.text)'); it has no field '\(field)'",
                        at: reference.location)
                    return false
                }
                guard let next = value.field(field) else {
                    error(
                        "expr.field",
                        "'\(path)' has no field '\(field)'" + Suggestion.didYouMean(field, among: fields.map(\.name)),
                        at: reference.location)
                    return false
                }
                current = next
                path += "." + field
            }
            return true
        case .loopVariable:
            return true
        case .task:
            guard let field = reference.fields.first else {
                error(
                    "expr.task", "'\(reference.root)' names a task; read one of its fields, such as ${\(reference.root).id}",
                    at: reference.location)
                return false
            }
            guard reference.fields.count == 1, TaskInstanceFields.names.contains(field) else {
                error(
                    "expr.field",
                    "a task has no field '\(reference.fields.joined(separator: "."))'"
                        + Suggestion.didYouMean(field, among: TaskInstanceFields.names),
                    at: reference.location)
                return false
            }
            return true
        }
    }

    /// The value of a checked reference when known before the run.
    private func staticValue(of reference: Reference) -> ExprValue? {
        guard !reference.isEnvironment else { return nil }
        return Bindings { name in
            if case .variable(let value, _, _)? = lookup(name) { return value }
            return nil
        }.value(Expr(.reference(reference), at: reference.location))
    }

    /// "undefined variable 'stanby'; did you mean 'standby'?", or why a name bound elsewhere is not visible here.
    private mutating func unknownName(_ name: String, noun: String, at location: SourceLocation) -> String {
        if laterNames == nil, let runbook { laterNames = Self.collectNames(runbook) }
        if let (kind, bound) = laterNames?[name] {
            let later = bound > location && bound.file == location.file
            switch kind {
            case "task name" where later:
                return "task '\(name)' is used before 'as: \(name)' names it, at line \(bound.line)"
            case "variable" where later:
                return "variable '\(name)' is used before it is defined, at line \(bound.line); a variable can use only those before it"
            case "task name":
                return "task '\(name)' (named at line \(bound.line)) is not visible here: a name given inside a loop stays in the loop"
            case "variable":
                return "variable '\(name)' cannot use itself in its own value"
            case "loop variable":
                return "loop variable '\(name)' (line \(bound.line)) is used outside its loop"
            default:
                break
            }
        }
        var candidates = visibleNames
        if noun == "task name" {
            candidates = candidates.filter { if case .task? = lookup($0) { true } else { false } }
        }
        return "undefined \(noun) '\(name)'" + Suggestion.didYouMean(name, among: candidates)
    }
}
