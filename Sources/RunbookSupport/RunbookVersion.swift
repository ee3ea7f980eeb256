/// The version of this build of runbook.
public enum RunbookVersion {
    public static let current = "0.1.0"
}
