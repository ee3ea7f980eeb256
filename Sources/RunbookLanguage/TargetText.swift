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
            if let port = port(of: authority),
                port.isEmpty || port.count > 5 || !port.allSatisfy({ $0.isASCII && $0.isNumber })
                    || !(1...65535).contains(Int(port) ?? 0)
            {
                return "the target '\(text)' has port '\(port)', which is not a port (1 to 65535)"
            }
            if !rest.isEmpty && !rest.hasPrefix("/") && !rest.contains(" ") { return nil }
        }
        return "'\(text)' is not a target: write 'embedded' or an OCP base URL such as https://ocp.example.com:8080"
    }

    /// The port written in a URL's authority (`host:PORT`, `[::1]:PORT`), nil when none is.
    static func port(of authority: Substring) -> Substring? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let after = authority[authority.index(after: close)...]
            return after.hasPrefix(":") ? after.dropFirst() : nil
        }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return authority[authority.index(after: colon)...]
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
