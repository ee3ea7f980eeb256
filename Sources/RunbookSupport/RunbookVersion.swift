/// The version of this build of runbook.
package enum RunbookVersion {
    package static let current = "0.1.0"
}
