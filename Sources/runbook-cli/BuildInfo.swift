import RunbookSupport

/// What `runbook --version` prints: the version and the commit this binary was built from.
enum BuildInfo {
    /// The commit this binary was built from. `scripts/release` writes it here in the copy of the
    /// tree it builds; a build of a working tree (`swift build`) does not know it.
    static let commit: String? = nil

    /// `runbook 0.1.0 (commit 93769af1c2d3)`, or `runbook 0.1.0 (commit unknown)`.
    static var versionLine: String {
        "runbook \(RunbookVersion.current) (commit \(commit ?? "unknown"))"
    }
}
