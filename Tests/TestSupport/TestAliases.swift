import RunbookSupport

/// `SourceLocation` alone is ambiguous in test files (Swift Testing has one too).
package typealias Location = RunbookSupport.SourceLocation
