import RunbookSupport

/// What a runbook's `target:` may be: `embedded`, or an `http://` or `https://` URL with a host
/// and no credentials in it.
package enum TargetText {
    /// Why `text` is not a target (`embedded`, or an `http://` or `https://` URL with a host and
    /// no credentials in it), or nil when it is one.
    package static func problem(_ text: String) -> String? {
        if text == "embedded" { return nil }
        for scheme in ["http://", "https://"] where text.lowercased().hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if authority.contains("@") {
                return "the target '\(withoutUserInfo(text))' carries credentials in its URL; a runbook names only the host: give credentials with OCP_USER/OCP_PASSWORD, OCP_ACCESS_KEY_ID/OCP_ACCESS_KEY_SECRET or --credentials FILE"
            }
            if let port = URLPort.text(ofAuthority: authority), !URLPort.isValid(port) {
                return URLPort.problem(target: text, port: port)
            }
            if !rest.isEmpty && !rest.hasPrefix("/") && !rest.contains(" ") { return nil }
        }
        return "'\(text)' is not a target: write 'embedded' or an OCP base URL such as https://ocp.example.com:8080"
    }

    /// The URL with any `user:password@` replaced by `***@`, so a message never repeats a secret.
    package static func withoutUserInfo(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(rest[at...])
    }
    /// The `${env.NAME}` references `expr` reads, directly or through the variables it reads.
    package static func environmentReferences(of expr: Expr, vars: [VarDecl]) -> [Reference] {
        var out: [Reference] = []
        var seen: Set<String> = []
        func visit(_ e: Expr) {
            for reference in e.references {
                if reference.isEnvironment {
                    if reference.path.count == 2 { out.append(reference) }
                } else if seen.insert(reference.root).inserted, let decl = vars.first(where: { $0.name == reference.root }) {
                    visit(decl.value)
                }
            }
        }
        visit(expr)
        return out
    }

}
