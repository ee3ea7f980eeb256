import RunbookLanguage
import RunbookSupport
@_spi(Testing) import RunbookYAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The program's entry point hands over to libFuzzer's driver. (SwiftPM names an executable's
/// entry point itself, so libFuzzer's own `main` cannot be used; its driver can.)
@main
enum RunbookFuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's entry point: one input, as the bytes of a runbook file.
///
/// A trap anywhere below is a finding; so is a broken promise, which stops the process with
/// `abort()` after printing it: every diagnostic is located inside the input, and a check result
/// has a runbook exactly when it has no error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let source = SourceText(path: "fuzz.yaml", text: String(decoding: bytes, as: UTF8.self))

    // The loader, as the YAML test suite is loaded (several documents allowed).
    let loaded = YAMLFuzzing.load(bytes, file: "fuzz.yaml")
    for diagnostic in loaded.diagnostics { expectInside(diagnostic, source, stage: "loader") }

    // The whole check, as `runbook check` runs it.
    let result = RunbookChecker.check(bytes: bytes, file: "fuzz.yaml")
    for diagnostic in result.diagnostics { expectInside(diagnostic, source, stage: "checker") }
    if result.hasErrors != (result.runbook == nil) {
        fail("checker: hasErrors is \(result.hasErrors) but the runbook is \(result.runbook == nil ? "nil" : "there")")
    }
    return 0
}

/// Every diagnostic is at a line of the input and a column of that line (or just past its end).
private func expectInside(_ diagnostic: Diagnostic, _ source: SourceText, stage: String) {
    let location = diagnostic.location
    guard location.file == "fuzz.yaml" else { return fail("\(stage): a diagnostic about another file: \(diagnostic)") }
    guard let line = source.line(location.line) else {
        if location.line == 1 && location.column == 1 { return }  // an empty input
        return fail("\(stage): line \(location.line) is outside the input: \(diagnostic)")
    }
    if location.column < 1 || location.column > line.unicodeScalars.count + 1 {
        fail("\(stage): column \(location.column) is outside line \(location.line): \(diagnostic)")
    }
    _ = diagnostic.rendered(source: source)
}

private func fail(_ message: String) {
    let text = Array("runbook fuzz: \(message)\n".utf8)
    text.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count) }
    abort()
}
