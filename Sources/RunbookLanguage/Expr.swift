import OCPModel
import RunbookSupport
import RunbookYAML

/// A value written in a runbook: a literal, a `${...}` reference, or text with references in it.
///
/// Expressions are parsed once, when the runbook is checked; the interpreter evaluates the tree
/// (see ``evaluate(_:)``) and never parses text again. A scalar that is exactly one `${...}` is a
/// ``Kind/reference(_:)`` and keeps the referenced value's type (a number stays a number, a list a
/// list); a string with `${...}` among other text is an ``Kind/interpolation(_:)``, always a string.
/// `$${` writes a literal `${`.
package struct Expr: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// A scalar as YAML's core schema resolved it (`6`, `true`, `ob-prod-sh`).
        case literal(ScalarValue)
        /// A YAML sequence (only in `vars`).
        case list([Expr])
        /// A YAML mapping with string keys, in the order written (only in `vars`).
        case record([ExprField])
        /// Exactly one `${...}`: the value it names, with its type.
        case reference(Reference)
        /// Text with references in it; evaluates to a string.
        case interpolation([InterpolationPart])
    }

    package var kind: Kind
    /// Where the value is written (for a reference inside a phrase key: where its `$` is).
    package var location: SourceLocation

    package init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// A literal expression.
    package static func literal(_ value: ScalarValue, at location: SourceLocation) -> Expr {
        Expr(.literal(value), at: location)
    }

    /// Every reference in this expression, depth first, in the order written.
    package var references: [Reference] {
        switch kind {
        case .literal: []
        case .list(let items): items.flatMap(\.references)
        case .record(let fields): fields.flatMap(\.value.references)
        case .reference(let reference): [reference]
        case .interpolation(let parts):
            parts.compactMap {
                if case .reference(let r) = $0 { return r }
                return nil
            }
        }
    }

    /// The expression as a runbook would write it: `6`, `${standby}`, `drill on ${standby}`.
    package var sourceText: String {
        switch kind {
        case .literal(.string(let text)): text.replacingDollarBraces
        case .literal(let value): value.text
        case .list(let items): "[" + items.map(\.sourceText).joined(separator: ", ") + "]"
        case .record(let fields): "{" + fields.map { "\($0.name): \($0.value.sourceText)" }.joined(separator: ", ") + "}"
        case .reference(let reference): reference.sourceText
        case .interpolation(let parts):
            parts.map {
                switch $0 {
                case .text(let text): text.replacingDollarBraces
                case .reference(let reference): reference.sourceText
                }
            }.joined()
        }
    }
}

/// One field of a ``Expr/Kind/record(_:)``.
package struct ExprField: Sendable, Hashable {
    package var name: String
    package var value: Expr
    /// Where the field's key is written.
    package var location: SourceLocation

    package init(name: String, value: Expr, at location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// A piece of an interpolated string.
package enum InterpolationPart: Sendable, Hashable {
    /// Literal text (a written `$${` is already `${` here).
    case text(String)
    case reference(Reference)
}

/// A `${...}` reference: a variable, a field of one, a task's field or an environment variable.
package struct Reference: Sendable, Hashable {
    /// The dotted path, never empty: `["standby"]`, `["drill", "id"]`, `["env", "HOME"]`.
    package var path: [String]
    /// Where the `$` is written.
    package var location: SourceLocation

    package init(path: [String], at location: SourceLocation) {
        self.path = path
        self.location = location
    }

    /// The first name of the path: the variable, loop variable or task name (or `env`).
    package var root: String { path.first ?? "" }

    /// The names after the root: `["id"]` for `${drill.id}`.
    package var fields: ArraySlice<String> { path.dropFirst() }

    /// True for `${env.NAME}`, which is read from the environment when the runbook runs.
    package var isEnvironment: Bool {
        guard let first = path.first, first.utf8.count == 3 else { return false }
        return first == "env"
    }

    /// `${drill.id}`.
    package var sourceText: String { "${" + path.joined(separator: ".") + "}" }
}

// MARK: - Values

/// The value of an expression: a scalar, a list or a record.
package indirect enum ExprValue: Sendable, Hashable {
    case scalar(ScalarValue)
    case list([ExprValue])
    /// Fields in the order written.
    case record([(name: String, value: ExprValue)])

    package static func == (lhs: ExprValue, rhs: ExprValue) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.record(let a), .record(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        default: false
        }
    }

    package func hash(into hasher: inout Hasher) {
        switch self {
        case .scalar(let s):
            hasher.combine(0)
            hasher.combine(s)
        case .list(let items):
            hasher.combine(1)
            hasher.combine(items)
        case .record(let fields):
            hasher.combine(2)
            for field in fields {
                hasher.combine(field.name)
                hasher.combine(field.value)
            }
        }
    }

    /// The field `name` of a record, nil otherwise.
    package func field(_ name: String) -> ExprValue? {
        guard case .record(let fields) = self else { return nil }
        return fields.first(where: { $0.name == name })?.value
    }

    /// How a loop's label names this item, the `index`th (0-based) of its list: a scalar by its
    /// text (an empty string as `""`, null as `null`), a mapping by its `name` or `id` field (or its
    /// first scalar field), anything else by its place, `#3`. Never a value cut mid-way: a text
    /// longer than ``StepLabel/maxLength`` ends at a word with `…`.
    package func itemLabel(index: Int) -> String {
        let place = "#\(index + 1)"
        switch self {
        case .scalar(.null): return "null"
        case .scalar(.string(let s)) where s.isEmpty: return "\"\""
        case .scalar(let s): return StepLabel.shortened(s.text, or: place)
        case .record(let fields):
            let named = ["name", "id"].lazy.compactMap { key in fields.first { $0.name == key } }.first
            let chosen = named ?? fields.first { if case .scalar = $0.value { true } else { false } }
            guard let chosen, case .scalar(let s) = chosen.value, !s.text.isEmpty else { return place }
            return StepLabel.shortened(s.text, or: place)
        case .list: return place
        }
    }

    /// The value as text, the way interpolation writes it: `6`, `true`, `ob-prod-sh`, `[5, 6]`.
    package var text: String {
        switch self {
        case .scalar(let s): s.text
        case .list(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .record(let fields): "{" + fields.map { "\($0.name): \($0.value.text)" }.joined(separator: ", ") + "}"
        }
    }

    /// "a number", "a string", "a list", ... for messages.
    package var kindDescription: String {
        switch self {
        case .scalar(let s): s.kindDescription
        case .list: "a list"
        case .record: "a mapping"
        }
    }
}

extension ScalarValue {
    /// The scalar as text: `6`, `1.5`, `true`, `` (null), the string itself.
    package var text: String {
        switch self {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .int(let n): String(n)
        case .bigInt(let digits): digits
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) + ".0" : String(d)
        case .string(let s): s
        }
    }

    /// "a number", "a string", "true or false", "null" for messages.
    package var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .bigInt, .double: "a number"
        case .string: "a string"
        }
    }
}

// MARK: - Evaluation

extension Expr {
    /// Evaluates the expression; `resolve` answers each reference (nil: unknown).
    ///
    /// Returns nil when any reference is unknown. An interpolation writes each value with
    /// ``ExprValue/text``. The checker evaluates with the values known before a run (literal `vars`,
    /// `--var`); the interpreter with everything (environment, task fields, loop items).
    package func evaluate(_ resolve: (Reference) -> ExprValue?) -> ExprValue? {
        switch kind {
        case .literal(let value):
            return .scalar(value)
        case .list(let items):
            var values: [ExprValue] = []
            for item in items {
                guard let value = item.evaluate(resolve) else { return nil }
                values.append(value)
            }
            return .list(values)
        case .record(let fields):
            var values: [(name: String, value: ExprValue)] = []
            for field in fields {
                guard let value = field.value.evaluate(resolve) else { return nil }
                values.append((field.name, value))
            }
            return .record(values)
        case .reference(let reference):
            return resolve(reference)
        case .interpolation(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .reference(let reference):
                    guard let value = resolve(reference) else { return nil }
                    text += value.text
                }
            }
            return .scalar(.string(text))
        }
    }
}

extension String {
    /// The text with each `${` written back as `$${`, the way a runbook escapes it.
    var replacingDollarBraces: String {
        guard ExpressionText.hasReference(self) else { return self }
        var out = ""
        var previous: Character?
        for c in self {
            if c == "{", previous == "$" { out.append("$") }
            out.append(c)
            previous = c
        }
        return out
    }
}

/// Shortening of the texts a step's label shows.
package enum StepLabel {
    /// The most characters of an item in a label.
    package static let maxLength = 40

    /// `text`, or when it is longer than ``maxLength`` its start up to the last space that fits,
    /// with `…`; `fallback` when no word fits.
    package static func shortened(_ text: String, or fallback: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > maxLength else { return flat }
        let head = flat.prefix(maxLength - 1)
        guard let space = head.lastIndex(of: " "), space > head.startIndex else { return fallback }
        return String(head[..<space]) + "…"
    }
}
