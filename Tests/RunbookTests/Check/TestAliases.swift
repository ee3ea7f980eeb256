@testable import Runbook

/// `SourceLocation` alone is ambiguous in test files (Swift Testing has one too), and the module
/// cannot qualify it (`Runbook.SourceLocation` names a member of the type `RunbookDocument`).
typealias Location = SourceLocation
