internal import CYaml

/// Loads YAML text into a ``Node`` tree through libyaml's event API.
///
/// The loader refuses, with a located ``Diagnostic`` and never a trap: input over
/// ``Options/maxBytes``, invalid UTF-8, syntax errors, duplicate keys, a second document
/// (unless allowed), nesting deeper than ``Options/maxDepth``, unknown aliases and alias
/// expansion past ``Options/maxAliasExpansion`` nodes (the "billion laughs").
public struct YAMLLoader: Sendable {
    /// Limits and switches; the defaults suit runbook files.
    public struct Options: Sendable {
        /// Largest input accepted, in bytes (default 8 MiB).
        public var maxBytes: Int = 8 * 1024 * 1024
        /// Deepest nesting of sequences and mappings (default 256).
        public var maxDepth: Int = 256
        /// Most nodes that aliases may add to the tree in total (default 1,000,000).
        public var maxAliasExpansion: Int = 1_000_000
        /// Whether a stream may hold more than one document (default false).
        public var allowsMultipleDocuments: Bool = false

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Loads the single document of `text`; nil when the stream holds no document.
    public func load(_ text: String, file: String) throws(Diagnostic) -> Node? {
        try load(bytes: Array(text.utf8), file: file)
    }

    /// Loads the single document of `bytes` (UTF-8); nil when the stream holds no document.
    public func load(bytes: [UInt8], file: String) throws(Diagnostic) -> Node? {
        try loadAll(bytes: bytes, file: file).first
    }

    /// Loads every document of `bytes`. With ``Options/allowsMultipleDocuments`` false, a second
    /// document is an error.
    public func loadAll(bytes: [UInt8], file: String) throws(Diagnostic) -> [Node] {
        if bytes.count > options.maxBytes {
            throw .error(
                "yaml.too-large",
                "the file is \(Self.formatSize(bytes.count)); runbook files are limited to \(Self.formatSize(options.maxBytes))",
                at: SourceLocation(file: file, line: 1, column: 1))
        }
        if let bad = UTF8Check.firstInvalid(bytes) {
            throw .error(
                "yaml.invalid-utf8", "the file is not valid UTF-8 (byte 0x\(Self.hex(bad.byte)) here)",
                at: SourceLocation(file: file, line: bad.line, column: bad.column))
        }
        var builder = TreeBuilder(file: file, options: options, bytes: bytes)
        return try builder.run()
    }

    static func formatSize(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 {
            let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
            return tenths % 10 == 0 ? "\(tenths / 10) MiB" : "\(tenths / 10).\(tenths % 10) MiB"
        }
        return "\(bytes) bytes"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

// MARK: - UTF-8 validation

enum UTF8Check {
    struct Invalid {
        var byte: UInt8
        var line: Int
        var column: Int
    }

    /// The first byte that does not start or continue a valid UTF-8 sequence, with its position
    /// (line breaks `\n`, `\r\n` and `\r`; columns in scalars).
    static func firstInvalid(_ bytes: [UInt8]) -> Invalid? {
        var i = 0
        var line = 1
        var column = 1
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0x0A || (b == 0x0D && (i + 1 >= n || bytes[i + 1] != 0x0A)) {
                    line += 1
                    column = 1
                } else if b != 0x0D {
                    column += 1
                }
                i += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return Invalid(byte: b, line: line, column: column)
            }
            guard i + length <= n else { return Invalid(byte: b, line: line, column: column) }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return Invalid(byte: c, line: line, column: column) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                return Invalid(byte: b, line: line, column: column)
            }
            column += 1
            i += length
        }
        return nil
    }

    /// The line and column of a byte offset into valid UTF-8.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 && b != 0x0D {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }
}

// MARK: - The event loop

/// Drives libyaml's parser and folds its events into nodes with an explicit stack (no recursion,
/// so deep input cannot overflow the call stack).
private struct TreeBuilder {
    private enum Frame {
        case sequence(items: [Node], location: SourceLocation, tag: String?, anchor: String?, size: Int)
        case mapping(
            pairs: [Pair], pendingKey: Node?, keys: KeySet, location: SourceLocation, tag: String?,
            anchor: String?, size: Int)
    }

    /// The keys seen in one mapping: scalar keys by their resolved value, others by content.
    private struct KeySet {
        var scalars: [ScalarValue: Int] = [:]
        var complex: [Node] = []

        /// The line of an earlier equal key, if any; otherwise records `key`.
        mutating func insert(_ key: Node) -> Int? {
            if let value = key.resolvedScalar {
                if let line = scalars[value] { return line }
                scalars[value] = key.location.line
                return nil
            }
            if let earlier = complex.first(where: { $0.hasSameContent(as: key) }) { return earlier.location.line }
            complex.append(key)
            return nil
        }
    }

    let file: String
    let options: YAMLLoader.Options
    let bytes: [UInt8]
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var aliasExpansion = 0
    private var documents: [Node] = []
    private var documentCount = 0
    private var firstDocumentLine = 1

    init(file: String, options: YAMLLoader.Options, bytes: [UInt8]) {
        self.file = file
        self.options = options
        self.bytes = bytes
    }

    mutating func run() throws(Diagnostic) -> [Node] {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw .error("yaml.out-of-memory", "libyaml could not allocate its parser", at: location(line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }

        var failure: Diagnostic?
        bytes.withUnsafeBufferPointer { buffer in
            // An empty buffer may have a nil base address; libyaml needs a valid pointer.
            var empty: UInt8 = 0
            withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let base = buffer.baseAddress ?? UnsafePointer(emptyPointer)
                yaml_parser_set_input_string(parser, base, buffer.count)
                yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
                do throws(Diagnostic) {
                    while true {
                        guard yaml_parser_parse(parser, event) == 1 else {
                            throw parseError(parser.pointee)
                        }
                        defer { yaml_event_delete(event) }
                        if try !handle(event.pointee) { break }
                    }
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return documents
    }

    /// Handles one event; false at the end of the stream.
    private mutating func handle(_ event: yaml_event_t) throws(Diagnostic) -> Bool {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return false
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount == 1 {
                firstDocumentLine = start.line
            } else if !options.allowsMultipleDocuments {
                throw .error(
                    "yaml.multiple-documents",
                    "a second YAML document starts here; a runbook file holds one document (the first began at line \(firstDocumentLine))",
                    at: start)
            }
            anchors.removeAll()
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = Self.string(data.value, count: data.length)
            let style: Scalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = Node(.scalar(Scalar(text, style: style)), at: start, tag: Self.optionalString(data.tag))
            try complete(node, size: 1, anchor: Self.optionalString(data.anchor))
        case YAML_SEQUENCE_START_EVENT:
            try checkDepth(at: start)
            let data = event.data.sequence_start
            stack.append(
                .sequence(
                    items: [], location: start, tag: Self.optionalString(data.tag),
                    anchor: Self.optionalString(data.anchor), size: 1))
        case YAML_MAPPING_START_EVENT:
            try checkDepth(at: start)
            let data = event.data.mapping_start
            stack.append(
                .mapping(
                    pairs: [], pendingKey: nil, keys: KeySet(), location: start,
                    tag: Self.optionalString(data.tag), anchor: Self.optionalString(data.anchor), size: 1))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { break }
            switch frame {
            case .sequence(let items, let location, let tag, let anchor, let size):
                try complete(Node(.sequence(items), at: location, tag: tag), size: size, anchor: anchor)
            case .mapping(let pairs, _, _, let location, let tag, let anchor, let size):
                try complete(Node(.mapping(pairs), at: location, tag: tag), size: size, anchor: anchor)
            }
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor, count: Self.length(event.data.alias.anchor))
            guard let anchored = anchors[name] else {
                throw .error("yaml.unknown-alias", "the alias '*\(name)' names no anchor defined before it", at: start)
            }
            aliasExpansion += anchored.size
            if aliasExpansion > options.maxAliasExpansion {
                throw .error(
                    "yaml.alias-expansion",
                    "aliases expand to more than \(options.maxAliasExpansion) nodes; the file is refused (is it a \"billion laughs\"?)",
                    at: start)
            }
            try complete(anchored.node, size: anchored.size, anchor: nil)
        default:
            break
        }
        return true
    }

    private func checkDepth(at location: SourceLocation) throws(Diagnostic) {
        if stack.count >= options.maxDepth {
            throw .error(
                "yaml.too-deep", "sequences and mappings are nested deeper than \(options.maxDepth) levels here",
                at: location)
        }
    }

    /// Adds a finished node to its parent (or to the document list at the top level).
    private mutating func complete(_ node: Node, size: Int, anchor: String?) throws(Diagnostic) {
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.popLast() else {
            documents.append(node)
            return
        }
        switch top {
        case .sequence(var items, let location, let tag, let anchor, let total):
            items.append(node)
            stack.append(.sequence(items: items, location: location, tag: tag, anchor: anchor, size: total + size))
        case .mapping(var pairs, let pendingKey, var keys, let location, let tag, let anchor, let total):
            if let key = pendingKey {
                pairs.append(Pair(key: key, value: node))
                stack.append(
                    .mapping(
                        pairs: pairs, pendingKey: nil, keys: keys, location: location, tag: tag, anchor: anchor,
                        size: total + size))
            } else {
                if let firstLine = keys.insert(node) {
                    throw .error(
                        "yaml.duplicate-key",
                        "duplicate key \(Self.describeKey(node)) in this mapping (first at line \(firstLine))",
                        at: node.location)
                }
                stack.append(
                    .mapping(
                        pairs: pairs, pendingKey: node, keys: keys, location: location, tag: tag, anchor: anchor,
                        size: total + size))
            }
        }
    }

    private static func describeKey(_ key: Node) -> String {
        if let scalar = key.scalar { return "'\(scalar.text)'" }
        return "(\(key.kindDescription))"
    }

    // MARK: - Errors and positions

    private func parseError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            let position = UTF8Check.position(ofByte: parser.problem_offset, in: bytes)
            return .error(
                "yaml.syntax", "\(problem) (character U+\(Self.hexScalar(parser.problem_value)))",
                at: location(line: position.line, column: position.column))
        }
        if parser.error == YAML_MEMORY_ERROR {
            return .error("yaml.out-of-memory", "libyaml ran out of memory", at: location(line: 1, column: 1))
        }
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextLocation = location(parser.context_mark)
            message += " (\(context) at line \(contextLocation.line), column \(contextLocation.column))"
        }
        return .error("yaml.syntax", message, at: location(parser.problem_mark))
    }

    private static func hexScalar(_ value: Int32) -> String {
        let digits = String(UInt32(bitPattern: value), radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return string(pointer, count: length(pointer))
    }

    private static func length(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> Int {
        guard let pointer else { return 0 }
        var n = 0
        while pointer[n] != 0 { n += 1 }
        return n
    }
}
