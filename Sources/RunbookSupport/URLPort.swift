/// The port written in a URL, read as text: `URLComponents` drops a port it cannot hold and
/// takes one past 65535, so both the client and the checker read and judge it here.
package enum URLPort {
    /// The text after the host's `:` in a URL's authority (`host:PORT`, `[::1]:PORT`), nil when
    /// it names no port.
    package static func text(ofAuthority authority: Substring) -> Substring? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let after = authority[authority.index(after: close)...]
            return after.hasPrefix(":") ? after.dropFirst() : nil
        }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return authority[authority.index(after: colon)...]
    }

    /// The port text of a whole URL (its authority after `scheme://`, past any `user:password@`),
    /// nil when it names no port or has no `://`.
    package static func text(ofURL url: String) -> Substring? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return text(ofAuthority: authority)
    }

    /// Whether `text` is a port: digits naming 1 to 65535.
    package static func isValid(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy { $0.isASCII && $0.isNumber }
            && (1...65535).contains(Int(text) ?? 0)
    }

    /// The message for a target whose port is not one.
    package static func problem(target: String, port: Substring) -> String {
        "the target '\(target)' has port '\(port)', which is not a port (1 to 65535)"
    }
}
