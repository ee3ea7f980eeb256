import OCPModel
import Probes
import RunbookSupport
import RunbookYAML

/// The first stage after YAML: turns the node tree into a ``RunbookDocument`` tree: top-level keys, steps
/// and their phrases, options, values, durations and `${...}` expressions.
///
/// It reports every structural problem it finds and keeps going, so one run of `runbook check`
/// lists them all. Names, scopes and the current-task rules are the ``Checker``'s job.
struct RunbookParser {
    /// What the parser hands to the checker.
    struct Output {
        /// The tree of the steps whose phrase parsed (the others are its ``RunbookDocument/unparsedSteps``);
        /// nil when the file is not a mapping at all.
        var runbook: RunbookDocument?
        var diagnostics: [Diagnostic]
    }

    static let topLevelKeys = [
        "runbook", "description", "target", "vars", "timeout", "objectives", "watch", "simulate", "steps", "on failure",
        "finally",
    ]
    static let optionKeys = [
        "name", "timeout", "every", "as", "continue on failure", "max concurrency", "service name", "method", "headers",
        "expect status", "expect body", "expect exit", "expect output",
    ]

    /// The options only probes take.
    static let probeOptionKeys: Set<String> = Set(ProbeKind.allCases.flatMap(\.options))

    /// True when `key` is one of ``optionKeys`` (compared by length first: this runs for every key).
    static func isOptionKey(_ key: String) -> Bool {
        switch key.utf8.count {
        case 2: key == "as"
        case 4: key == "name"
        case 5: key == "every"
        case 6: key == "method"
        case 7: key == "timeout" || key == "headers"
        case 11: key == "expect body" || key == "expect exit"
        case 12: key == "service name"
        case 13: key == "expect status" || key == "expect output"
        case 15: key == "max concurrency"
        case 19: key == "continue on failure"
        default: false
        }
    }
    let file: String
    private var reader = NodeReader()
    private var unparsed: [UnparsedStep] = []

    init(file: String) {
        self.file = file
    }

    static func parse(_ root: Node?, file: String) -> Output {
        var parser = RunbookParser(file: file)
        var runbook = parser.runbook(root)
        runbook?.unparsedSteps = parser.unparsed.sorted { $0.location < $1.location }
        return Output(runbook: runbook, diagnostics: parser.reader.diagnostics)
    }

    // MARK: - Top level

    private mutating func runbook(_ root: Node?) -> RunbookDocument? {
        guard let root else {
            reader.error(
                "runbook.empty", "the file is empty: a runbook needs 'runbook:' (a title) and 'steps:'",
                at: SourceLocation(file: file, line: 1, column: 1))
            return nil
        }
        guard let pairs = root.mapping else {
            reader.error(
                "runbook.not-mapping", "a runbook is a mapping with 'runbook:' and 'steps:', not \(NodeReader.kind(of: root))",
                at: root.location)
            return nil
        }
        var book = RunbookDocument(title: "", steps: [], file: file, location: root.location)
        var sawTitle = false
        var sawSteps = false
        var suggestedKeys: Set<String> = []
        for pair in pairs {
            guard let key = reader.keyText(pair.key) else { continue }
            let value = pair.value
            switch key {
            case "runbook":
                sawTitle = true
                if let title = reader.string(value, what: "runbook", lenient: true) {
                    if title.trimmingSpaces.isEmpty {
                        reader.error("runbook.title", "'runbook' needs a title", at: value.location)
                    }
                    book.title = title
                }
            case "description":
                book.description = reader.string(value, what: "description", lenient: true)
            case "target":
                book.target = target(value)
            case "vars":
                book.vars = vars(value)
            case "timeout":
                book.timeout = duration(value, what: "timeout", positive: true)
            case "simulate":
                book.simulate = SimulateBlockDecoder.decode(value, path: "simulate", reader: &reader)
            case "objectives":
                book.objectives = objectives(value)
            case "watch":
                book.watch = watchList(value)
            case "steps":
                sawSteps = true
                book.steps = stepList(value, what: "steps")
                if book.steps.isEmpty, value.sequence?.isEmpty ?? NodeReader.isNull(value) {
                    reader.error("runbook.no-steps", "'steps' is empty: a runbook needs at least one step", at: value.location)
                }
            case "on failure":
                book.onFailure = stepList(value, what: "on failure")
            case "finally":
                book.finally = stepList(value, what: "finally")
            default:
                let suggestion = Suggestion.closest(to: key, among: Self.topLevelKeys)
                if let suggestion { suggestedKeys.insert(suggestion) }
                reader.error(
                    "runbook.unknown-key", "unknown top-level key '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                    at: pair.key.location)
            }
        }
        // A misspelt required key was reported above, with the right spelling.
        sawTitle = sawTitle || suggestedKeys.contains("runbook")
        sawSteps = sawSteps || suggestedKeys.contains("steps")
        if !sawTitle {
            reader.error("runbook.missing-key", "a runbook needs a title: add 'runbook: TITLE'", at: root.location)
        }
        if !sawSteps {
            reader.error("runbook.missing-key", "a runbook needs 'steps:', a list of at least one step", at: root.location)
        }
        return book
    }

    private mutating func target(_ node: Node) -> Expr? {
        guard case .string(let text)? = NodeReader.value(node) else {
            reader.wrongType("target", expected: "'embedded' or an OCP base URL", node: node)
            return nil
        }
        let expr = ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &reader.diagnostics)
        if case .literal = expr.kind, let problem = TargetText.problem(text) {
            reader.error("runbook.target", problem, at: node.location)
        }
        return expr
    }

    private mutating func vars(_ node: Node) -> [VarDecl] {
        guard let pairs = node.mapping else {
            reader.wrongType("vars", expected: "a mapping of names to values", node: node)
            return []
        }
        var out: [VarDecl] = []
        for pair in pairs {
            guard let name = reader.keyText(pair.key) else { continue }
            guard ExpressionText.isIdentifier(name) else {
                reader.error(
                    "vars.name", "'\(name)' is not a variable name: use letters, digits, '_' and '-', starting with a letter",
                    at: pair.key.location)
                continue
            }
            if name == "env" {
                reader.error("vars.name", "'env' is reserved for ${env.NAME}, the environment; choose another name", at: pair.key.location)
                continue
            }
            out.append(VarDecl(name: name, value: valueExpr(pair.value), at: pair.key.location))
        }
        return out
    }

    // MARK: - Steps

    private mutating func stepList(_ node: Node, what: String) -> [Step] {
        guard let items = node.sequence else {
            if !NodeReader.isNull(node) || what != "steps" {
                reader.wrongType(what, expected: "a list of steps", node: node)
            }
            return []
        }
        return items.compactMap { step($0) }
    }

    /// The step, or nil when its phrase does not parse (it is then an unparsed step).
    private mutating func step(_ node: Node) -> Step? {
        switch node.content {
        case .scalar(let scalar):
            guard case .string = NodeReader.value(node) ?? .null else {
                reader.error(
                    "step.form",
                    "a step is a phrase such as 'retry task' or a mapping such as 'failover cluster: 6', not \(NodeReader.kind(of: node))",
                    at: node.location)
                return unparsedStep(at: node.location, phrase: scalar.text, options: StepOptions())
            }
            switch phrase(scalar.text) {
            case .success(let syntax):
                return build(syntax, keyNode: node, value: nil, options: StepOptions(), optionKeys: OptionLocations(), text: scalar.text)
            case .failure(let failure):
                report(failure, keyNode: node, text: scalar.text)
                return unparsedStep(at: node.location, phrase: scalar.text, options: StepOptions())
            }
        case .sequence:
            reader.error(
                "step.form", "a step is a phrase or a mapping, not a sequence (is a '-' too many?)", at: node.location)
            return unparsedStep(at: node.location, phrase: "", options: StepOptions())
        case .mapping(let pairs):
            return mappingStep(node, pairs: pairs)
        }
    }

    private enum PhraseParseFailure: Error {
        case lex(PhraseLexError)
        case parse(PhraseFailure, [PhraseToken])
    }

    /// Phrases already parsed, by text: a long runbook repeats the same few phrases.
    private var phraseCache: [String: Result<PhraseSyntax, PhraseParseFailure>] = [:]

    private mutating func phrase(_ text: String) -> Result<PhraseSyntax, PhraseParseFailure> {
        if let cached = phraseCache[text] { return cached }
        let result = Self.parsePhrase(text)
        phraseCache[text] = result
        return result
    }

    private static func parsePhrase(_ text: String) -> Result<PhraseSyntax, PhraseParseFailure> {
        switch PhraseLexer.tokenize(text) {
        case .failure(let error):
            return .failure(.lex(error))
        case .success(let tokens):
            switch PhraseMatcher.parse(tokens) {
            case .success(let syntax): return .success(syntax)
            case .failure(let failure): return .failure(.parse(failure, tokens))
            }
        }
    }

    private mutating func report(_ failure: PhraseParseFailure, keyNode: Node, text: String) {
        let origin = TextOrigin(scalar: keyNode)
        switch failure {
        case .lex(let error):
            reader.error("phrase.syntax", "in phrase '\(text)': \(error.message)", at: origin.location(at: error.offset))
        case .parse(let failure, let tokens):
            let (message, offset) = PhraseMatcher.explain(failure, tokens: tokens, phrase: text)
            reader.error("phrase.unknown", message, at: origin.location(at: offset))
        }
    }

    private mutating func mappingStep(_ node: Node, pairs: [Pair]) -> Step? {
        // Indexes into `pairs`: options, phrases that parsed, and keys that are neither.
        var optionIndexes: [Int] = []
        var parsed: [(index: Int, text: String, syntax: PhraseSyntax)] = []
        var failed: [(index: Int, text: String, failure: PhraseParseFailure)] = []
        for index in pairs.indices {
            guard let key = reader.keyText(pairs[index].key) else { continue }
            if Self.isOptionKey(key) {
                optionIndexes.append(index)
                continue
            }
            switch phrase(key) {
            case .success(let syntax): parsed.append((index, key, syntax))
            case .failure(let failure): failed.append((index, key, failure))
            }
        }
        var reportedPhraseError = false
        for candidate in failed {
            let keyNode = pairs[candidate.index].key
            let optionHint = Suggestion.closest(to: candidate.text, among: Self.optionKeys)
            var hasCorrection = false
            if case .parse(let failure, let tokens) = candidate.failure {
                hasCorrection = PhraseMatcher.correction(tokens: tokens, failure: failure) != nil
            }
            // A close option name, or no close phrase beside a phrase that parsed: an unknown option.
            if optionHint != nil || (!hasCorrection && !parsed.isEmpty) {
                var message = "unknown option '\(candidate.text)'"
                if let optionHint {
                    message += "; did you mean '\(optionHint)'?"
                } else if let phrase = parsed.first,
                    let hint = Self.fieldHint(
                        candidate.text, phrase: phrase.syntax, phraseText: phrase.text, value: pairs[phrase.index].value)
                {
                    message += hint
                } else {
                    var keys = Self.optionKeys.filter { !Self.probeOptionKeys.contains($0) }
                    if case .probe(let kind, _)? = parsed.first?.syntax.kind.descriptor.family { keys += kind.options }
                    message += ": a step's options are " + NodeReader.listing(keys.map { "'\($0)'" }, conjunction: "and")
                }
                reader.error("step.unknown-option", message, at: keyNode.location)
            } else {
                report(candidate.failure, keyNode: keyNode, text: candidate.text)
                reportedPhraseError = true
            }
        }
        let (options, optionLocations) =
            optionIndexes.isEmpty ? (StepOptions(), OptionLocations()) : stepOptions(pairs, optionIndexes)
        if parsed.count >= 2 {
            reader.error(
                "step.two-phrases",
                "a step has one phrase, but this one has \(parsed.count): " + NodeReader.listing(parsed.map { "'\($0.text)'" }, conjunction: "and")
                    + " (start each on its own '- ')",
                at: pairs[parsed[1].index].key.location)
            return unparsedStep(at: pairs[parsed[0].index].key.location, phrase: parsed[0].text, options: options)
        }
        guard let phrase = parsed.first else {
            if !reportedPhraseError {
                reader.error(
                    "step.no-phrase",
                    "this step has no phrase, only options; a step is a phrase such as 'await task status: SUCCESS' with its options",
                    at: node.location)
            }
            let location = failed.first.map { pairs[$0.index].key.location } ?? node.location
            return unparsedStep(at: location, phrase: failed.first?.text ?? "", options: options)
        }
        return build(
            phrase.syntax, keyNode: pairs[phrase.index].key, value: pairs[phrase.index].value, options: options,
            optionKeys: optionLocations, text: phrase.text)
    }

    /// "; to assert the cluster's 'type', indent it under 'assert cluster 6:'" for a field written
    /// beside an assertion instead of under it.
    private static func fieldHint(_ key: String, phrase: PhraseSyntax, phraseText: String, value: Node) -> String? {
        let descriptor = phrase.kind.descriptor
        guard NodeReader.isNull(value), descriptor.family == .assertion, phrase.field == nil,
            let fields = descriptor.fields, fields.names.contains(key)
        else { return nil }
        return ": to assert the \(fields.subject)'s '\(key)', indent it under '\(phraseText):'"
    }

    /// Records a step whose phrase did not parse; the checker knows where it is and the task name
    /// it gives, and assumes nothing else about it.
    private mutating func unparsedStep(at location: SourceLocation, phrase: String, options: StepOptions) -> Step? {
        unparsed.append(UnparsedStep(phrase: phrase, location: location, taskName: options.taskName))
        return nil
    }

    // MARK: - Options

    /// Where the options that only some steps take are written, to point at them.
    struct OptionLocations {
        var every: SourceLocation?
        var taskName: SourceLocation?
        var maxConcurrency: SourceLocation?
        var timeout: SourceLocation?
        var serviceName: SourceLocation?
        /// The probe options given (key and where), for the steps they do not apply to.
        var probe: [(key: String, location: SourceLocation)] = []
    }

    /// A probe's options, read beside its phrase.
    struct ProbeOptions {
        var method: Expr?
        var headers: [(name: String, value: Expr)] = []
        var expectStatus: [Int] = []
        var expectText: Expr?
        var expectExit: Int?
    }

    /// The probe options of the step being read (moved into its ``ProbeStep``).
    private var probeOptions = ProbeOptions()
    /// Reading `watch:`, whose probes take `every`.
    private var readingWatch = false

    private mutating func stepOptions(_ pairs: [Pair], _ indexes: [Int]) -> (StepOptions, OptionLocations) {
        var options = StepOptions()
        var locations = OptionLocations()
        for index in indexes {
            let keyNode = pairs[index].key
            let value = pairs[index].value
            let key = keyNode.scalar?.text ?? ""
            switch key {
            case "name":
                options.name = textValue(value, what: "name")
            case "timeout":
                locations.timeout = keyNode.location
                options.timeout = duration(value, what: "timeout", positive: true)
            case "every":
                locations.every = keyNode.location
                options.every = duration(value, what: "every", positive: true)
            case "as":
                locations.taskName = keyNode.location
                guard let name = reader.string(value, what: "as") else { continue }
                if !ExpressionText.isIdentifier(name) {
                    reader.error(
                        "step.as", "'\(name)' is not a task name: use letters, digits, '_' and '-', starting with a letter",
                        at: value.location)
                } else if name == "env" || PhraseMatcher.reservedNames.contains(name) {
                    reader.error("step.as", "'\(name)' is a reserved word; choose another task name", at: value.location)
                } else {
                    options.taskName = Name(name, at: value.location)
                }
            case "continue on failure":
                options.continueOnFailure = reader.bool(value, what: "continue on failure") ?? false
            case "service name":
                locations.serviceName = keyNode.location
                options.serviceName = textValue(value, what: "service name")
                if case .literal(.string(let name))? = options.serviceName?.kind, name.trimmingSpaces.isEmpty {
                    reader.error(
                        "value.range", "'service name' is the name of a service to create: it cannot be empty",
                        at: value.location)
                }
            case "method":
                locations.probe.append((key, keyNode.location))
                probeOptions.method = textValue(value, what: "method")
                if case .literal(.string(let m))? = probeOptions.method?.kind,
                    m.isEmpty || !m.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) })
                {
                    reader.error("step.option", "'method' is an HTTP method such as GET or HEAD, not '\(m)'", at: value.location)
                }
            case "headers":
                locations.probe.append((key, keyNode.location))
                probeOptions.headers = headers(value)
            case "expect status":
                locations.probe.append((key, keyNode.location))
                probeOptions.expectStatus = statuses(value)
            case "expect body", "expect output":
                locations.probe.append((key, keyNode.location))
                probeOptions.expectText = textValue(value, what: key)
            case "expect exit":
                locations.probe.append((key, keyNode.location))
                if let n = reader.integer(value, what: "expect exit", minimum: 0) {
                    if n > 255 {
                        reader.error("value.range", "'expect exit' is an exit status from 0 to 255, not \(n)", at: value.location)
                    } else {
                        probeOptions.expectExit = n
                    }
                }
            default:  // max concurrency
                locations.maxConcurrency = keyNode.location
                options.maxConcurrency = count(value, what: "max concurrency")
            }
        }
        return (options, locations)
    }

    // MARK: - Building steps

    private mutating func build(
        _ syntax: PhraseSyntax, keyNode: Node, value: Node?, options: StepOptions, optionKeys: OptionLocations,
        text: String
    ) -> Step {
        let origin = TextOrigin(scalar: keyNode)
        let phrase = text.utf8.first == 0x20 || text.utf8.last == 0x20 ? text.trimmingSpaces : text
        let value = value.flatMap { NodeReader.isNull($0) ? nil : $0 }
        let valueOrKey = value?.location ?? keyNode.location
        func missing() -> Expr { .literal(.null, at: valueOrKey) }
        let descriptor = syntax.kind.descriptor

        let action: StepAction
        switch descriptor.family {
        case .sleep:
            if let value, let d = duration(value, what: "sleep", positive: false) {
                action = .sleep(d)
            } else {
                if value == nil { reader.error("step.value", "'sleep' needs a duration: 'sleep: 30s'", at: keyNode.location) }
                action = .sleep(DurationValue(.fixed(.zero), at: valueOrKey))
            }
        case .note, .confirm:
            var expr = missing()
            if let value {
                expr = textValue(value, what: phrase) ?? expr
            } else {
                reader.error("step.value", "'\(phrase)' needs text: '\(phrase): ...'", at: keyNode.location)
            }
            action = descriptor.family == .note ? .note(expr) : .confirm(expr)
        case .loop:
            let variable = loopVariable(syntax.variable, origin: origin, fallback: keyNode.location)
            let list = syntax.list.map { referenceToken($0, origin: origin) } ?? missing()
            var body: [Step] = []
            if let value, value.sequence != nil {
                body = stepList(value, what: phrase)
                if body.isEmpty, value.sequence?.isEmpty == true {
                    reader.error("step.value", "'\(phrase)' needs at least one step", at: value.location)
                }
            } else if let value {
                reader.wrongType(phrase, expected: "a list of steps", node: value, id: "step.value")
            } else {
                reader.error("step.value", "'\(phrase)' needs a list of steps, indented under it", at: keyNode.location)
            }
            action = .forEach(
                ForEachBlock(variable: variable, list: list, body: body, parallel: syntax.kind == .parallelForEach))
        case .startsTask, .precheck, .taskOperation, .subtaskOperation, .wait, .assertion:
            action = .action(
                actionStep(syntax, descriptor, keyNode: keyNode, value: value, phrase: phrase, origin: origin))
        case .marker(let kind):
            var expr = missing()
            if let value {
                expr = textValue(value, what: phrase) ?? expr
            } else {
                reader.error("step.value", "'\(phrase)' needs text saying what happened: '\(phrase): ...'", at: keyNode.location)
            }
            action = .marker(kind, expr)
        case .probe(let kind, let waits):
            action = .probe(probeStep(kind, waits: waits, keyNode: keyNode, value: value, phrase: phrase, optionKeys: optionKeys))
        }
        probeOptions = ProbeOptions()

        // Options that only some steps take.
        var waits = descriptor.family == .wait
        if case .probe(_, let w) = descriptor.family { waits = w || readingWatch }
        if let location = optionKeys.every, !waits {
            reader.error("step.option", "'every' sets the polling interval of a wait; '\(phrase)' does not wait", at: location)
        }
        if options.taskName != nil, let location = optionKeys.taskName, descriptor.startedTask == nil {
            let starters = PhraseDescriptor.all.filter { $0.startedTask != nil }.map { "'\($0.words)'" }
            reader.error(
                "step.option",
                "'as' names the task a step starts, and '\(phrase)' starts none (only \(NodeReader.listing(starters, conjunction: "and")) do)",
                at: location)
        }
        if let location = optionKeys.timeout, descriptor.family == .note {
            reader.error("step.option", "'timeout' bounds a step that takes time; a note takes none", at: location)
        }
        if let location = optionKeys.maxConcurrency, syntax.kind != .parallelForEach {
            reader.error("step.option", "'max concurrency' applies only to 'in parallel for each'", at: location)
        }
        if case .probe = descriptor.family {
        } else {
            for (key, at) in optionKeys.probe {
                let takers = ProbeKind.allCases.filter { $0.options.contains(key) }.map { "'probe \($0.rawValue)'" }
                reader.error(
                    "step.option",
                    "'\(key)' applies to \(NodeReader.listing(takers, conjunction: "and")) (and \(takers.count == 1 ? "its await" : "their awaits")), not to '\(phrase)'",
                    at: at)
            }
        }
        if let location = optionKeys.serviceName, syntax.kind != .failoverTenant {
            reader.error(
                "step.option",
                "'service name' is the service name a tenant failover creates on its new primary; it applies only to "
                    + "'failover tenant' (each tenant needs a name of its own)", at: location)
        }
        return Step(action: action, options: options, phrase: phrase, at: keyNode.location)
    }

    /// A probe: its target from the value, its options from beside it (each checked to apply to
    /// its kind).
    private mutating func probeStep(
        _ kind: ProbeKind, waits: Bool, keyNode: Node, value: Node?, phrase: String, optionKeys: OptionLocations
    ) -> ProbeStep {
        let location = value?.location ?? keyNode.location
        var target = ProbeValue.text(.literal(.null, at: location))
        let example: String
        switch kind {
        case .http: example = "'\(phrase): https://orders.example.com/healthz'"
        case .tcp: example = "'\(phrase): obproxy.example.com:2883'"
        case .command: example = "'\(phrase): [obclient, -h, obproxy.example.com, -e, \"select 1\"]'"
        }
        if let value {
            if kind == .command, let items = value.sequence {
                if items.isEmpty { reader.error("step.value", "'\(phrase)' needs a program to run: \(example)", at: value.location) }
                target = .argv(items.compactMap { textValue($0, what: "an argument of '\(phrase)'") })
            } else if let expr = textValue(value, what: phrase) {
                target = .text(expr)
                if case .literal(.string(let text)) = expr.kind {
                    switch kind {
                    case .http where !(text.hasPrefix("http://") || text.hasPrefix("https://")) || text.count < 9:
                        reader.error("step.value", "'\(text)' is not an http:// or https:// URL", at: value.location)
                    case .tcp where ProbeTarget.address(text) == nil:
                        reader.error(
                            "step.value", "'\(text)' is not HOST:PORT (a port from 1 to 65535; [::1]:PORT for IPv6)",
                            at: value.location)
                    case .command where text.trimmingSpaces.isEmpty:
                        reader.error("step.value", "'\(phrase)' needs a program to run: \(example)", at: value.location)
                    default: break
                    }
                }
            }
        } else {
            reader.error("step.value", "'\(phrase)' needs \(kind == .http ? "a URL" : kind == .tcp ? "HOST:PORT" : "a program"): \(example)", at: keyNode.location)
        }
        for (key, at) in optionKeys.probe where !kind.options.contains(key) {
            let takers = ProbeKind.allCases.filter { $0.options.contains(key) }.map { "'probe \($0.rawValue)'" }
            reader.error(
                "step.option",
                "'\(key)' applies to \(NodeReader.listing(takers, conjunction: "and")) (and \(takers.count == 1 ? "its await" : "their awaits")), not to '\(phrase)'",
                at: at)
        }
        return ProbeStep(
            kind: kind, target: target, waits: waits, method: probeOptions.method, headers: probeOptions.headers,
            expectStatus: probeOptions.expectStatus, expectText: probeOptions.expectText,
            expectExit: probeOptions.expectExit, location: keyNode.location)
    }

    /// `headers:` a mapping of header names to text.
    private mutating func headers(_ node: Node) -> [(name: String, value: Expr)] {
        guard let pairs = node.mapping else {
            reader.wrongType("headers", expected: "a mapping of header names to values", node: node)
            return []
        }
        var out: [(name: String, value: Expr)] = []
        for pair in pairs {
            guard let name = reader.keyText(pair.key) else { continue }
            let token = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
            guard !name.isEmpty, token else {
                reader.error("step.option", "'\(name)' is not an HTTP header name", at: pair.key.location)
                continue
            }
            if let value = textValue(pair.value, what: "header '\(name)'") { out.append((name, value)) }
        }
        return out
    }

    /// `expect status:` one HTTP status or a list of them.
    private mutating func statuses(_ node: Node) -> [Int] {
        let items = node.sequence ?? [node]
        var out: [Int] = []
        for item in items {
            guard let n = reader.integer(item, what: "expect status", minimum: 100) else { continue }
            guard n <= 599 else {
                reader.error("value.range", "'expect status' is an HTTP status from 100 to 599, not \(n)", at: item.location)
                continue
            }
            out.append(n)
        }
        return out
    }

    /// `objectives:` `recovery time` and `data loss`, durations.
    private mutating func objectives(_ node: Node) -> Objectives? {
        guard let pairs = node.mapping else {
            reader.wrongType("objectives", expected: "a mapping with 'recovery time' and/or 'data loss'", node: node)
            return nil
        }
        var objectives = Objectives(location: node.location)
        for pair in pairs {
            guard let key = reader.keyText(pair.key) else { continue }
            switch key {
            case "recovery time": objectives.recoveryTime = duration(pair.value, what: "recovery time", positive: false)
            case "data loss": objectives.dataLoss = duration(pair.value, what: "data loss", positive: false)
            default:
                let suggestion = Suggestion.closest(to: key, among: ["recovery time", "data loss"])
                reader.error(
                    "key.unknown",
                    "unknown objective '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ": objectives are 'recovery time' and 'data loss'"),
                    at: pair.key.location)
            }
        }
        if objectives.recoveryTime == nil && objectives.dataLoss == nil && pairs.isEmpty {
            reader.error("step.value", "'objectives' is empty: give 'recovery time' and/or 'data loss'", at: node.location)
        }
        return objectives
    }

    /// `watch:` a list of probes (`probe http|tcp|command`), each with `every`.
    private mutating func watchList(_ node: Node) -> [WatchProbe] {
        guard let items = node.sequence else {
            reader.wrongType("watch", expected: "a list of probes, such as '- probe http: URL'", node: node)
            return []
        }
        var out: [WatchProbe] = []
        readingWatch = true
        defer { readingWatch = false }
        for item in items {
            guard let step = step(item) else { continue }
            guard case .probe(var probe) = step.action else {
                reader.error(
                    "step.form", "'watch' lists probes ('probe http', 'probe tcp', 'probe command'), not '\(step.phrase)'",
                    at: step.location)
                continue
            }
            if probe.waits {
                reader.error(
                    "step.form", "a watch probe runs all through the run: write '\(step.phrase.replacingOccurrences(of: "await ", with: ""))'",
                    at: step.location)
            }
            probe.waits = false
            out.append(WatchProbe(probe: probe, every: step.options.every, timeout: step.options.timeout, location: step.location))
        }
        return out
    }

    /// A phrase that talks to OCP: its subject, task, subtask and fields, from its key and value.
    private mutating func actionStep(
        _ syntax: PhraseSyntax, _ descriptor: PhraseDescriptor, keyNode: Node, value: Node?, phrase: String,
        origin: TextOrigin
    ) -> ActionStep {
        var step = ActionStep(descriptor.kind)
        var valueUsed = false
        if let subject = descriptor.subject {
            if let token = syntax.subject {
                step.subject = subjectToken(token, subject, origin: origin)
                if let value, descriptor.fields == nil {
                    reader.error(
                        "step.value", "'\(phrase)' already names its \(subject.rawValue); it takes no value", at: value.location)
                    valueUsed = true
                }
            } else if let value {
                step.subject = subjectValue(value, subject) ?? .literal(.null, at: value.location)
                valueUsed = true
            } else {
                reader.error(
                    "step.value", "'\(phrase)' needs a \(subject.noun): '\(phrase): 6'", at: keyNode.location)
                step.subject = .literal(.null, at: keyNode.location)
            }
        }
        if descriptor.takesTask { step.task = taskRef(syntax.task, origin: origin) }
        if descriptor.grammar.contains(.subtask) {
            step.subtask = subtaskToken(syntax.subtask, origin: origin, fallback: keyNode.location)
        }
        guard let fields = descriptor.fields else {
            if !valueUsed { noValue(value, phrase: phrase) }
            return step
        }
        if let fieldToken = syntax.field, let spec = fields.spec(fieldToken.text) {
            // One field in the key (`await task status`, `assert cluster 6 type`): the value is its value.
            let at = origin.location(at: fieldToken.offset)
            guard let value else {
                let what = if case .word(let set) = spec.kind { "a \(set.kind): \(set.spellingList)" } else { "a value" }
                reader.error("step.value", "'\(phrase)' needs \(what)", at: keyNode.location)
                return step
            }
            if let checked = fieldValue(value, spec) { step.fields = [FieldCheck(spec.name, checked, at: at)] }
            return step
        }
        guard let value else {
            if descriptor.kind == .assertSubtask {
                // `assert subtask "X"`: that it is SUCCESSFUL.
                step.fields = [
                    FieldCheck("status", .word(WrittenWord(word: "SUCCESSFUL", location: keyNode.location)), at: keyNode.location)
                ]
            } else {
                reader.error(
                    "step.value", "'\(phrase)' needs fields to check, such as \(fields.example)", at: keyNode.location)
            }
            return step
        }
        guard let written = reader.fields(
            value, what: "'\(phrase)'", allowed: fields.names, unknownID: "step.unknown-field", noun: "field")
        else { return step }
        if written.isEmpty, value.mapping?.isEmpty == true {
            reader.error("step.value", "'\(phrase)' needs at least one field", at: value.location)
        }
        step.fields = written.compactMap { key, keyNode, node -> FieldCheck? in
            guard let spec = fields.spec(key), let checked = fieldValue(node, spec) else { return nil }
            return FieldCheck(key, checked, at: keyNode.location)
        }
        return step
    }

    /// The expected value of a field, as its kind says.
    private mutating func fieldValue(_ node: Node, _ spec: FieldSpec) -> FieldValue? {
        switch spec.kind {
        case .word(let set): return reader.word(node, set).map { .word($0) }
        case .count: return reader.integer(node, what: spec.name, minimum: 1).map { .count($0) }
        case .duration: return duration(node, what: spec.name, positive: true).map { .duration($0) }
        case .text: return textValue(node, what: spec.name).map { .text($0) }
        case .id, .idOrNone:
            if spec.kind == .idOrNone, case .string("none")? = NodeReader.value(node) { return .id(nil) }
            let subject: SubjectKind = spec.name == "cluster" ? .cluster : .tenant
            guard let expr = subjectValue(node, subject, field: spec.name, orNone: spec.kind == .idOrNone) else { return nil }
            return .id(expr)
        }
    }

    // MARK: - Phrase references

    private mutating func subjectToken(_ token: PhraseToken, _ subject: SubjectKind, origin: TextOrigin) -> Expr {
        let location = origin.location(at: token.offset)
        if token.kind == .number {
            guard let n = Int(token.text), n >= 1 else {
                let why = Int(token.text) == nil ? Self.tooLarge : ""
                reader.error("value.\(subject.rawValue)", "'\(token.text)' is not a \(subject.noun)\(why)", at: location)
                return .literal(.null, at: location)
            }
            return .literal(.int(n), at: location)
        }
        return referenceToken(token, origin: origin)
    }

    private mutating func referenceToken(_ token: PhraseToken, origin: TextOrigin) -> Expr {
        let location = origin.location(at: token.offset)
        guard let reference = ExpressionText.reference(token: token.text, at: location) else {
            reader.diagnostics.append(ExpressionText.invalidReference(String(token.text.dropFirst(2).dropLast()), at: location))
            return .literal(.null, at: location)
        }
        return Expr(.reference(reference), at: location)
    }

    private mutating func subtaskToken(_ token: PhraseToken?, origin: TextOrigin, fallback: SourceLocation) -> Expr {
        guard let token else { return .literal(.null, at: fallback) }
        let location = origin.location(at: token.offset)
        if token.kind == .quoted {
            if token.text.trimmingSpaces.isEmpty {
                reader.error("value.subtask", "a subtask name cannot be empty", at: location)
            }
            return .literal(.string(token.text), at: location)
        }
        return referenceToken(token, origin: origin)
    }

    private mutating func taskRef(_ syntax: PhraseSyntax.TaskSyntax, origin: TextOrigin) -> TaskRef {
        switch syntax {
        case .current:
            return .current
        case .named(let token):
            return .named(Name(token.text, at: origin.location(at: token.offset)))
        case .id(let token):
            let location = origin.location(at: token.offset)
            if token.kind == .number {
                guard let n = Int(token.text) else {
                    reader.error("value.task", "'\(token.text)' is not a task id\(Self.tooLarge)", at: location)
                    return .id(.literal(.null, at: location))
                }
                return .id(.literal(.int(n), at: location))
            }
            return .id(referenceToken(token, origin: origin))
        }
    }

    private mutating func loopVariable(_ token: PhraseToken?, origin: TextOrigin, fallback: SourceLocation) -> Name {
        guard let token else { return Name("", at: fallback) }
        let location = origin.location(at: token.offset)
        if token.text == "env" {
            reader.error("step.loop-variable", "'env' is reserved for ${env.NAME}; choose another loop variable", at: location)
        }
        return Name(token.text, at: location)
    }

    // MARK: - Values

    private mutating func noValue(_ value: Node?, phrase: String) {
        if let value {
            reader.error("step.value", "'\(phrase)' takes no value; options go on their own lines", at: value.location)
        }
    }

    /// Why digits that `Int` cannot hold are no id.
    private static let tooLarge = ": ids go up to \(Int.max)"

    /// A subject's id as a step's value, or a field's (`field` names it; `orNone` when `none` may stand instead).
    private mutating func subjectValue(_ node: Node, _ subject: SubjectKind, field: String? = nil, orNone: Bool = false)
        -> Expr?
    {
        let id = "value.\(subject.rawValue)"
        switch NodeReader.value(node) {
        case .int(let n)?:
            if n >= 1 { return .literal(.int(n), at: node.location) }
            reader.error(id, "a \(subject.noun) is a number of at least 1, not \(n)", at: node.location)
            return nil
        case .bigInt(let digits)?:
            reader.error(id, "a \(subject.noun) is a number from 1 to \(Int.max), not \(digits)", at: node.location)
            return nil
        case .double?:
            let written = node.scalar?.text ?? ""
            reader.error(id, "a \(subject.noun) is a whole number written in digits, not \(written)", at: node.location)
            return nil
        case .string(let text)? where ExpressionText.hasReference(text):
            return ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &reader.diagnostics)
        case .string(let text)?:
            var message = "a \(subject.noun) is a number or ${...}\(orNone ? ", or none" : ""), not '\(text)'"
            if let field { message = "'\(field)' is a \(subject.noun): " + message.dropFirst(2 + subject.noun.count + 4) }
            if orNone, Suggestion.closest(to: text, among: ["none"]) != nil { message += "; did you mean 'none'?" }
            reader.error(id, message, at: node.location)
            return nil
        default:
            reader.wrongType(
                field ?? subject.rawValue, expected: "a \(subject.noun) (a number or ${...}\(orNone ? ", or none" : ""))",
                node: node, id: id)
            return nil
        }
    }

    /// A duration: fixed, or a `${...}` expression checked later.
    private mutating func duration(_ node: Node, what: String, positive: Bool) -> DurationValue? {
        if case .string(let text)? = NodeReader.value(node), ExpressionText.hasReference(text) {
            let expr = ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &reader.diagnostics)
            if case .literal(.string(let literal)) = expr.kind {
                let reading = DurationText.read(literal)
                guard let d = reading.duration else {
                    reader.error("duration.invalid", DurationValue.message(reading, written: literal), at: node.location)
                    return nil
                }
                return DurationValue(.fixed(d), at: node.location)
            }
            return DurationValue(.expression(expr), at: node.location)
        }
        guard let d = reader.fixedDuration(node, what: what) else { return nil }
        if positive, d <= .zero {
            reader.error("duration.invalid", "'\(what)' must be longer than 0s", at: node.location)
            return nil
        }
        return DurationValue(.fixed(d), at: node.location)
    }

    /// A whole number: fixed (at least 1), or a `${...}` expression checked later.
    private mutating func count(_ node: Node, what: String) -> CountValue? {
        if case .string(let text)? = NodeReader.value(node), ExpressionText.hasReference(text) {
            let expr = ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &reader.diagnostics)
            return CountValue(.expression(expr), at: node.location)
        }
        guard let n = reader.integer(node, what: what, minimum: 1) else { return nil }
        return CountValue(.fixed(n), at: node.location)
    }

    /// Text: a string (with `${...}`), or a number or boolean taken as written.
    private mutating func textValue(_ node: Node, what: String) -> Expr? {
        guard let scalar = node.scalar, let value = NodeReader.value(node) else {
            reader.wrongType(what, expected: "text", node: node)
            return nil
        }
        switch value {
        case .string(let text):
            return ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &reader.diagnostics)
        case .null:
            reader.wrongType(what, expected: "text", node: node)
            return nil
        default:
            return .literal(.string(scalar.text), at: node.location)
        }
    }

    /// Any value (for `vars`): scalars, lists and mappings, strings parsed for `${...}`.
    private mutating func valueExpr(_ node: Node) -> Expr {
        switch node.content {
        case .scalar:
            let value = NodeReader.value(node) ?? .null
            if case .string(let text) = value {
                return ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &reader.diagnostics)
            }
            return .literal(value, at: node.location)
        case .sequence(let items):
            return Expr(.list(items.map { valueExpr($0) }), at: node.location)
        case .mapping(let pairs):
            var fields: [ExprField] = []
            for pair in pairs {
                guard let key = reader.keyText(pair.key) else { continue }
                fields.append(ExprField(name: key, value: valueExpr(pair.value), at: pair.key.location))
            }
            return Expr(.record(fields), at: node.location)
        }
    }
}
