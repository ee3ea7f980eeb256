/// What `${...}` references read: variables and loop items, the environment, and the fields of
/// tasks named with `as:`. The one resolver of references, for the interpreter, the planner, the
/// checker (with what it knows before the run) and the command line (the file's `target:`).
package struct Bindings {
    /// Variables and loop variables by name.
    package var values: [String: ExprValue]
    /// What `${env.NAME}` reads; nil when the environment is not known (the checker).
    package var environment: [String: String]?
    /// The value of a name that is not in ``values``: a task named with `as:` (the record
    /// `${NAME.field}` reads), or, for the checker, a variable whose value is known before the run.
    package var lookup: (String) -> ExprValue?

    package init(
        values: [String: ExprValue] = [:], environment: [String: String]? = nil,
        lookup: @escaping (String) -> ExprValue? = { _ in nil }
    ) {
        self.values = values
        self.environment = environment
        self.lookup = lookup
    }

    /// The value of a reference, or why it has none.
    package func resolve(_ reference: Reference) -> Result<ExprValue, ReferenceProblem> {
        let path = reference.path
        if reference.isEnvironment {
            guard path.count == 2 else { return .failure(ReferenceProblem("write ${env.NAME}")) }
            guard let environment else { return .failure(ReferenceProblem("the environment is known only at run time")) }
            guard let text = environment[path[1]] else {
                return .failure(ReferenceProblem("the environment variable \(path[1]) is not set"))
            }
            return .success(.scalar(.string(text)))
        }
        guard var value = values[reference.root] ?? lookup(reference.root) else {
            return .failure(ReferenceProblem("'\(reference.root)' is not defined here"))
        }
        for field in reference.fields {
            guard let next = value.field(field) else {
                return .failure(ReferenceProblem("'\(reference.sourceText)': \(value.kindDescription) has no field '\(field)'"))
            }
            value = next
        }
        return .success(value)
    }

    /// The value of an expression, or the first problem with one of its references.
    package func evaluate(_ expr: Expr) -> Result<ExprValue, ReferenceProblem> {
        var problem: ReferenceProblem?
        let value = expr.evaluate { reference in
            switch resolve(reference) {
            case .success(let value): return value
            case .failure(let why):
                if problem == nil { problem = why }
                return nil
            }
        }
        if let value { return .success(value) }
        return .failure(problem ?? ReferenceProblem("a value is missing"))
    }

    /// The value of an expression when every reference in it has one.
    package func value(_ expr: Expr) -> ExprValue? {
        try? evaluate(expr).get()
    }

    /// Bindings with `vars` evaluated in order (each may use those before it); a variable whose
    /// value cannot be known is left out, and the first such variable is returned with why.
    package static func declaring(_ vars: [VarDecl], environment: [String: String]?) -> (
        bindings: Bindings, problem: (VarDecl, ReferenceProblem)?
    ) {
        var bindings = Bindings(environment: environment)
        var problem: (VarDecl, ReferenceProblem)?
        for decl in vars {
            switch bindings.evaluate(decl.value) {
            case .success(let value): bindings.values[decl.name] = value
            case .failure(let why): if problem == nil { problem = (decl, why) }
            }
        }
        return (bindings, problem)
    }
}

/// Why a reference has no value.
package struct ReferenceProblem: Error, Sendable, Hashable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
