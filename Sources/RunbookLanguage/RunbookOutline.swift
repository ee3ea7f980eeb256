import OCPModel
import RunbookSupport
import RunbookYAML

/// An indented, human-readable dump of a runbook tree with `@line:col` on every node, for golden
/// tests and for debugging the interpreter.
extension RunbookDocument {
    /// One line per node, two spaces of indentation per level:
    ///
    ///     runbook "Drill" @1:1
    ///       var standby = 6 @3:3
    ///       steps
    ///         failover @5:5 "failover cluster"
    ///           cluster 6 @5:23
    package var outline: String {
        var out = OutlineWriter()
        out.line(0, "runbook \(quote(title)) \(at(location))")
        if let description { out.line(1, "description \(quote(description))") }
        if let target { out.line(1, "target \(target.outline)") }
        for decl in vars {
            let origin = decl.origin == .commandLine ? " (--var)" : ""
            out.line(1, "var \(decl.name) \(at(decl.location)) = \(decl.value.outline)\(origin)")
        }
        if let timeout { out.line(1, "timeout \(timeout.outline)") }
        if let simulate { out.simulate(simulate, depth: 1) }
        for (label, list) in [("steps", steps), ("on failure", onFailure), ("finally", finally)] where !list.isEmpty {
            out.line(1, label)
            for step in list { out.step(step, depth: 2) }
        }
        return out.text
    }
}

private struct OutlineWriter {
    var text = ""

    mutating func line(_ depth: Int, _ content: String) {
        text += String(repeating: "  ", count: depth) + content + "\n"
    }

    mutating func step(_ step: Step, depth: Int) {
        line(depth, "\(step.action.kind.rawValue) \(at(step.location)) \(quote(step.phrase))")
        let d = depth + 1
        let o = step.options
        if let name = o.name { line(d, "name \(name.outline)") }
        if let timeout = o.timeout { line(d, "timeout \(timeout.outline)") }
        if let every = o.every { line(d, "every \(every.outline)") }
        if let taskName = o.taskName { line(d, "as \(taskName.text) \(at(taskName.location))") }
        if o.continueOnFailure { line(d, "continue on failure") }
        if let count = o.maxConcurrency { line(d, "max concurrency \(count.outline)") }
        if let name = o.serviceName { line(d, "service name \(name.outline)") }
        switch step.action {
        case .action(let action):
            if let subject = action.subject, let kind = action.descriptor.subject {
                line(d, "\(kind.rawValue) \(subject.outline)")
            }
            if action.descriptor.takesTask { line(d, "task \(action.task.outline)") }
            if let subtask = action.subtask { line(d, "subtask \(subtask.outline)") }
            for field in action.fields {
                switch field.value {
                case .word(let w): line(d, "\(field.name) \(w.outline)")
                case .count(let n): line(d, "\(field.name) \(n) \(at(field.location))")
                case .duration(let v): line(d, "\(field.name) \(v.outline)")
                case .text(let e): line(d, "\(field.name) \(e.outline)")
                case .id(let e?): line(d, "\(field.name) \(e.outline)")
                case .id(nil): line(d, "\(field.name) none \(at(field.location))")
                }
            }
        case .sleep(let v):
            line(d, "duration \(v.outline)")
        case .note(let e), .confirm(let e):
            line(d, "text \(e.outline)")
        case .forEach(let block):
            line(d, "variable \(block.variable.text) \(at(block.variable.location))")
            line(d, "list \(block.list.outline)")
            for inner in block.body { self.step(inner, depth: d) }
        case .marker(_, let e):
            line(d, "text \(e.outline)")
        case .probe(let p):
            probe(p, depth: d)
        }
    }

    mutating func probe(_ p: ProbeStep, depth d: Int) {
        switch p.target {
        case .text(let e): line(d, "target \(e.outline)")
        case .argv(let items): for item in items { line(d, "argument \(item.outline)") }
        }
        if let m = p.method { line(d, "method \(m.outline)") }
        for h in p.headers { line(d, "header \(quote(h.name)) \(h.value.outline)") }
        if !p.expectStatus.isEmpty { line(d, "expect status \(p.expectStatus.map(String.init).joined(separator: " "))") }
        if let t = p.expectText { line(d, "expect text \(t.outline)") }
        if let x = p.expectExit { line(d, "expect exit \(x)") }
    }

    mutating func simulate(_ setup: SimulateBlock, depth: Int) {
        line(depth, "simulate speed \(setup.speed)")
        for c in setup.clusters ?? [] {
            var text = "cluster \(c.id) \(quote(c.name)) \(c.type) \(c.status)"
            if let primary = c.primary { text += " primary \(primary)" }
            text += " delayTime \(c.delayTime) syncStatus \(c.syncStatus)"
            text += " " + at(c.location)
            line(depth + 1, text)
        }
        for fault in setup.faults {
            switch fault {
            case .subtask(let f):
                var text = "fault subtask \(quote(f.subtask))"
                if let cluster = f.cluster { text += " cluster \(cluster)" }
                if f.fail > 0 { text += " fail \(f.fail)" }
                if let message = f.message { text += " message \(quote(message))" }
                if f.hang { text += " hang" }
                if let takes = f.takes { text += " takes \(DurationText.format(takes))" }
                text += " " + at(f.location)
                line(depth + 1, text)
            case .api(let f):
                var text = "fault endpoint \(quote(f.endpoint)) status \(f.status) times \(f.times)"
                text += " " + at(f.location)
                line(depth + 1, text)
            }
        }
    }
}

// MARK: - Node descriptions

private func at(_ location: SourceLocation) -> String { "@\(location.line):\(location.column)" }

private func quote(_ text: String) -> String {
    var out = "\""
    for c in text {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.append(c)
        }
    }
    return out + "\""
}

extension Expr {
    /// `6 @5:23`, `${standby} @8:30`, `"drill on ${standby}" @3:8`, `[5, 6] @4:3`.
    fileprivate var outline: String {
        switch kind {
        case .literal(.string(let s)): "\(quote(s)) \(at(location))"
        case .literal(let v): "\(v.text.isEmpty ? "null" : v.text) \(at(location))"
        case .list(let items): "[" + items.map(\.outline).joined(separator: ", ") + "] \(at(location))"
        case .record(let fields): "{" + fields.map { "\($0.name): \($0.value.outline)" }.joined(separator: ", ") + "} \(at(location))"
        case .reference(let r): "\(r.sourceText) \(at(r.location))"
        case .interpolation(let parts):
            "interpolation(" + parts.map {
                switch $0 {
                case .text(let t): quote(t)
                case .reference(let r): "\(r.sourceText) \(at(r.location))"
                }
            }.joined(separator: ", ") + ") \(at(location))"
        }
    }
}

extension TaskRef {
    fileprivate var outline: String {
        switch self {
        case .current: "current"
        case .named(let name): "named \(name.text) \(at(name.location))"
        case .id(let e): "id \(e.outline)"
        }
    }
}

extension WrittenWord {
    fileprivate var outline: String {
        (written == word ? word : "\(word) (written \(written))") + " " + at(location)
    }
}

extension DurationValue {
    fileprivate var outline: String {
        switch kind {
        case .fixed(let d): "\(DurationText.format(d)) \(at(location))"
        case .expression(let e): e.outline
        }
    }
}

extension CountValue {
    fileprivate var outline: String {
        switch kind {
        case .fixed(let n): "\(n) \(at(location))"
        case .expression(let e): e.outline
        }
    }
}
