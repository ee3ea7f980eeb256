import RunbookSupport

/// Loads YAML text into a ``Node`` tree through libyaml's event API.
///
/// The loader refuses, with a located ``Diagnostic`` and never a trap: input over
/// ``Options/maxBytes``, invalid UTF-8, syntax errors, duplicate keys, merge keys (`<<`, which
/// YAML 1.2 does not have), a second document (unless allowed), nesting deeper than
/// ``Options/maxDepth``, unknown aliases and alias expansion past ``Options/maxAliasExpansion``
/// nodes (the "billion laughs").
///
/// Duplicate and merge keys do not stop the loading: the `...ReportingAll` methods throw every
/// one of them (and the error that stopped the loading, if any); the others throw the first.
///
/// Locations are 1-based lines and columns counted in Unicode scalars, with the same line breaks
/// as ``SourceText`` (`\n`, `\r\n`, `\r`), so a rendered diagnostic's caret lands on the place.
/// A byte-order mark at the start of the file is not counted.
package struct YAMLLoader: Sendable {
    /// Limits and switches; the defaults suit runbook files.
    package struct Options: Sendable {
        /// Largest input accepted, in bytes (default 8 MiB).
        package var maxBytes: Int = FileInput.maxBytes
        /// Deepest nesting of sequences and mappings (default 256).
        package var maxDepth: Int = 256
        /// Most nodes that aliases may add to the tree in total (default 1,000,000).
        package var maxAliasExpansion: Int = 1_000_000
        /// Whether a stream may hold more than one document (default false).
        package var allowsMultipleDocuments: Bool = false
        /// Most duplicate and merge keys listed one by one (default 1,000); the rest are counted.
        package var maxProblems: Int = 1000

        package init() {}
    }

    package var options: Options

    package init(options: Options = Options()) {
        self.options = options
    }

    /// Loads the single document of `text`; nil when the stream holds no document.
    package func load(_ text: String, file: String) throws(Diagnostic) -> Node? {
        try checkSize(text.utf8.count, file: file)
        return try load(bytes: Array(text.utf8), file: file)
    }

    /// Loads the single document of `bytes` (UTF-8); nil when the stream holds no document.
    package func load(bytes: [UInt8], file: String) throws(Diagnostic) -> Node? {
        try loadAll(bytes: bytes, file: file).first
    }

    /// Loads every document of `bytes`. With ``Options/allowsMultipleDocuments`` false, a second
    /// document is an error. Throws the first problem of the file.
    package func loadAll(bytes: [UInt8], file: String) throws(Diagnostic) -> [Node] {
        do throws(DiagnosticList) {
            return try loadAllReportingAll(bytes: bytes, file: file)
        } catch {
            throw error.diagnostics.first
                ?? .error("yaml.syntax", "invalid YAML", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// Loads the single document of `bytes` (nil when the stream holds none), throwing every
    /// problem of the file: each duplicate key and merge key, then the error that stopped the
    /// loading, if any.
    package func loadReportingAll(bytes: [UInt8], file: String) throws(DiagnosticList) -> Node? {
        try loadAllReportingAll(bytes: bytes, file: file).first
    }

    /// Loads every document of `bytes`, throwing every problem of the file (see ``loadReportingAll(bytes:file:)``).
    package func loadAllReportingAll(bytes: [UInt8], file: String) throws(DiagnosticList) -> [Node] {
        do throws(Diagnostic) {
            try checkSize(bytes.count, file: file)
        } catch {
            throw DiagnosticList([error])
        }
        let input: InputText
        switch InputText.check(bytes) {
        case .valid(let checked):
            input = checked
        case .invalid(let bad):
            throw DiagnosticList([
                .error(
                    "yaml.invalid-utf8", "the file is not valid UTF-8 (byte 0x\(Hex.byte(bad.byte)) here)",
                    at: SourceLocation(file: file, line: bad.line, column: bad.column))
            ])
        }
        var builder = TreeBuilder(file: file, options: options, input: input)
        return try builder.run()
    }

    private func checkSize(_ count: Int, file: String) throws(Diagnostic) {
        if count > options.maxBytes {
            throw .error(
                "yaml.too-large",
                "the file is too large: \(count) bytes, over the limit of \(FileInput.formatSize(options.maxBytes)) for a runbook file",
                at: SourceLocation(file: file, line: 1, column: 1))
        }
    }
}

/// The loader for the fuzzer (fuzz/), which lives in a package of its own and so cannot call
/// `package` API. Not for other use.
@_spi(Testing) public enum YAMLFuzzing {
    /// Loads `bytes` as the YAML test suite is loaded (several documents allowed), reporting every
    /// problem: the number of documents, and the diagnostics (empty when it loaded).
    public static func load(_ bytes: [UInt8], file: String) -> (documents: Int, diagnostics: [Diagnostic]) {
        var options = YAMLLoader.Options()
        options.allowsMultipleDocuments = true
        do throws(DiagnosticList) {
            return (try YAMLLoader(options: options).loadAllReportingAll(bytes: bytes, file: file).count, [])
        } catch {
            return (0, error.diagnostics)
        }
    }
}
