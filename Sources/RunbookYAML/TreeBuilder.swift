import RunbookSupport

internal import CYaml

/// Drives libyaml's parser and folds its events into nodes with an explicit stack (no recursion,
/// so deep input cannot overflow the call stack).
///
/// The children of every open collection wait on one ``NodeStack``; a frame records where its
/// children start. When the collection ends, its children move into its node's array.
struct TreeBuilder {
    private struct Frame {
        var isMapping: Bool
        /// Index in `children` of the frame's first child.
        var start: Int
        /// Index in `keys` of the mapping's first key.
        var keyStart: Int
        /// A hash index of the mapping's keys, built once it holds more than `linearKeyLimit` keys.
        var keyIndex: [KeyIdentity: Int]?
        var line: Int
        var column: Int
        var origin: Node.Origin
        var anchor: String?
        /// Nodes in the collection, counting those that aliases stand for.
        var size: Int
    }

    private struct Anchored {
        var node: Node
        var size: Int
    }

    /// Mappings up to this many keys are searched linearly for duplicates; larger ones get a hash index.
    private static let linearKeyLimit = 12

    let file: String
    let options: YAMLLoader.Options
    let input: InputText
    private var frames: [Frame] = []
    private let children = NodeStack()
    private var keys: [(identity: KeyIdentity, line: Int)] = []
    private var anchors: [String: Anchored] = [:]
    /// The origin shared by untagged nodes, and one per tag seen.
    private let untagged: Node.Origin
    private var tagged: [String: Node.Origin] = [:]
    private var aliasExpansion = 0
    private var documents: [Node] = []
    private var documentCount = 0
    private var firstDocumentLine = 1
    /// Problems that do not stop the loading (duplicate keys, merge keys), in document order.
    private var problems: [Diagnostic] = []
    /// Problems past ``YAMLLoader/Options/maxProblems``, counted but not kept.
    private var unlistedProblems = 0

    init(file: String, options: YAMLLoader.Options, input: InputText) {
        self.file = file
        self.options = options
        self.input = input
        untagged = Node.Origin(file: file, tag: nil)
    }

    // MARK: - The event loop

    /// Loads every document; throws every problem found, in document order: those that do not stop
    /// the loading (each duplicate key, each merge key), then the one that did, if any.
    mutating func run() throws(DiagnosticList) -> [Node] {
        var fatal: Diagnostic?
        do throws(Diagnostic) {
            try parse()
        } catch {
            fatal = error
        }
        var all = problems
        if unlistedProblems > 0, let last = problems.last {
            all.append(
                .error(
                    "yaml.more-problems",
                    "\(unlistedProblems) more duplicate or merge key(s) after this one are not listed",
                    at: last.location))
        }
        if let fatal { all.append(fatal) }
        if !all.isEmpty { throw DiagnosticList(all) }
        return documents
    }

    private mutating func parse() throws(Diagnostic) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw .error("yaml.out-of-memory", "libyaml could not allocate its parser", at: location(line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }

        var failure: Diagnostic?
        input.bytes.withUnsafeBufferPointer { buffer in
            // An empty buffer may have a nil base address; libyaml needs a valid pointer.
            var empty: UInt8 = 0
            withUnsafeMutablePointer(to: &empty) { emptyPointer in
                // The byte-order mark is skipped here: with the encoding set, libyaml would read it as text.
                let skip = min(input.bomLength, buffer.count)
                let base = buffer.baseAddress.map { $0 + skip } ?? UnsafePointer(emptyPointer)
                yaml_parser_set_input_string(parser, base, buffer.count - skip)
                yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
                do throws(Diagnostic) {
                    while true {
                        guard yaml_parser_parse(parser, event) == 1 else {
                            throw parseError(parser.pointee)
                        }
                        defer { yaml_event_delete(event) }
                        if try !handle(event) { break }
                    }
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
    }

    /// Handles one event; false at the end of the stream.
    private mutating func handle(_ event: UnsafeMutablePointer<yaml_event_t>) throws(Diagnostic) -> Bool {
        switch event.pointee.type {
        case YAML_SCALAR_EVENT:
            let data = event.pointee.data.scalar
            let style: Scalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            // Read by length: a quoted scalar may hold NUL characters.
            let text = Self.string(data.value, count: data.length)
            let (line, column) = position(event.pointee.start_mark)
            let spansLines = position(event.pointee.end_mark).line != line
            let node = Node(
                .scalar(Scalar(text, style: style, spansLines: spansLines)), line: line, column: column,
                origin: origin(data.tag))
            try complete(node, size: 1, anchor: Self.optionalString(data.anchor))
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            let (line, column) = position(event.pointee.start_mark)
            if frames.count >= options.maxDepth {
                throw .error(
                    "yaml.too-deep", "sequences and mappings are nested deeper than \(options.maxDepth) levels here",
                    at: location(line: line, column: column))
            }
            let isMapping = event.pointee.type == YAML_MAPPING_START_EVENT
            let tag: UnsafeMutablePointer<yaml_char_t>?
            let anchor: UnsafeMutablePointer<yaml_char_t>?
            if isMapping {
                tag = event.pointee.data.mapping_start.tag
                anchor = event.pointee.data.mapping_start.anchor
            } else {
                tag = event.pointee.data.sequence_start.tag
                anchor = event.pointee.data.sequence_start.anchor
            }
            frames.append(
                Frame(
                    isMapping: isMapping, start: children.count, keyStart: keys.count, keyIndex: nil, line: line,
                    column: column, origin: origin(tag), anchor: Self.optionalString(anchor), size: 1))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try endCollection()
        case YAML_ALIAS_EVENT:
            let start = location(event.pointee.start_mark)
            let name = Self.optionalString(event.pointee.data.alias.anchor) ?? ""
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
            try complete(anchored.node, size: anchored.size, anchor: nil, writtenAt: start)
        case YAML_DOCUMENT_START_EVENT:
            let start = location(event.pointee.start_mark)
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
        case YAML_STREAM_END_EVENT:
            return false
        default:
            break
        }
        return true
    }

    // MARK: - Building nodes

    private mutating func endCollection() throws(Diagnostic) {
        guard let frame = frames.popLast() else { return }
        let node: Node
        if frame.isMapping {
            keys.removeSubrange(frame.keyStart...)
            node = Node(
                .mapping(children.popPairs(from: frame.start)), line: frame.line, column: frame.column,
                origin: frame.origin)
        } else {
            node = Node(
                .sequence(children.popItems(from: frame.start)), line: frame.line, column: frame.column,
                origin: frame.origin)
        }
        try complete(node, size: frame.size, anchor: frame.anchor)
    }

    /// Adds a finished node to its parent (or to the document list at the top level).
    /// `writtenAt` is where an alias stands, for a duplicate-key error on it.
    private mutating func complete(
        _ node: consuming Node, size: Int, anchor: String?, writtenAt: SourceLocation? = nil
    ) throws(Diagnostic) {
        if let anchor { anchors[anchor] = Anchored(node: copy node, size: size) }
        let top = frames.count - 1
        guard top >= 0 else {
            documents.append(node)
            return
        }
        frames[top].size += size
        if frames[top].isMapping, (children.count - frames[top].start) % 2 == 0 {
            addKey(node, writtenAt: writtenAt, frame: top)
        }
        children.push(node)
    }

    /// Records a problem that does not stop the loading.
    private mutating func report(_ problem: Diagnostic) {
        if problems.count < options.maxProblems {
            problems.append(problem)
        } else {
            unlistedProblems += 1
        }
    }

    /// Records a mapping key; reports a merge key (`<<`), and a key equal to one the mapping
    /// already holds (each duplicate, not only the first).
    private mutating func addKey(_ key: Node, writtenAt: SourceLocation?, frame top: Int) {
        // YAML 1.1's merge key: a plain `<<`, or any key tagged `!!merge`. (A quoted '<<' is a string.)
        if key.tag == "tag:yaml.org,2002:merge" || (key.tag == nil && key.scalar?.isPlain == true && key.scalar?.text == "<<") {
            report(
                .error(
                    "yaml.merge-key",
                    "merge keys ('<<: *anchor') are not supported: write the keys out in this mapping (quote '<<' for a key of that name)",
                    at: writtenAt ?? key.location))
        }
        let identity = KeyIdentity(key)
        let line = writtenAt?.line ?? key.line
        var earlierLine: Int?
        if frames[top].keyIndex != nil {
            earlierLine = frames[top].keyIndex?[identity]
        } else {
            for k in frames[top].keyStart..<keys.count where keys[k].identity == identity {
                earlierLine = keys[k].line
                break
            }
        }
        if let earlierLine {
            report(
                .error(
                    "yaml.duplicate-key",
                    "duplicate key \(Self.describeKey(key)) in this mapping (first at line \(earlierLine))",
                    at: writtenAt ?? key.location))
            return
        }
        keys.append((identity, line))
        if frames[top].keyIndex != nil {
            frames[top].keyIndex?[identity] = line
        } else if keys.count - frames[top].keyStart > Self.linearKeyLimit {
            var index: [KeyIdentity: Int] = [:]
            for k in frames[top].keyStart..<keys.count where index[keys[k].identity] == nil {
                index[keys[k].identity] = keys[k].line
            }
            frames[top].keyIndex = index
        }
    }

    private static func describeKey(_ key: Node) -> String {
        if let scalar = key.scalar { return "'\(scalar.text)'" }
        return "(\(key.kindDescription))"
    }

    // MARK: - Errors and positions

    private func parseError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return .error("yaml.out-of-memory", "libyaml ran out of memory", at: location(line: 1, column: 1))
        case YAML_READER_ERROR:
            let position = input.position(ofByte: input.bomLength + parser.problem_offset)
            var message = problem
            if parser.problem_value >= 0 {
                message += " (found U+\(Self.hexScalar(parser.problem_value)); write it as an escape inside double quotes)"
            }
            return .error("yaml.syntax", message, at: location(line: position.line, column: position.column))
        default:
            break
        }
        let context = parser.context.map { String(cString: $0) }
        var at = location(parser.problem_mark)
        var place = SyntaxMessage.ContextPlace.omitted
        if context != nil {
            let contextLocation = location(parser.context_mark)
            if problem == "could not find expected ':'" {
                // libyaml reports this on the line after the key; the key is the place to fix.
                at = contextLocation
            } else if parser.problem_mark.index >= input.scalarCount && contextLocation != at {
                // At the end of the file, past any text: the unfinished construct's start is the place.
                at = contextLocation
                place = .here
            } else if contextLocation != at {
                place = .elsewhere(line: contextLocation.line, column: contextLocation.column)
            }
        }
        if SyntaxMessage.phraseOptionProblems.contains(problem), let phrase = phraseWithoutColon(before: at.line) {
            return .error("yaml.syntax", "end '\(phrase.phrase)' with ':' to give it options", at: phrase.location)
        }
        let found = input.scalar(atIndex: parser.problem_mark.index)
        let message = SyntaxMessage.text(problem: problem, context: context, place: place, found: found)
        return .error("yaml.syntax", message, at: insideInput(at))
    }

    /// `location`, or the end of the input when libyaml's mark is past it (at the end of a last
    /// line without a line break, libyaml can report the line after it).
    private func insideInput(_ location: SourceLocation) -> SourceLocation {
        let source = SourceText(path: file, text: String(decoding: input.bytes, as: UTF8.self))
        if let line = source.line(location.line) {
            let end = Self.columns(line) + 1
            return location.column <= end ? location : self.location(line: location.line, column: end)
        }
        var last = max(location.line - 1, 1)
        while last > 1, source.line(last) == nil { last -= 1 }
        return self.location(line: last, column: source.line(last).map { Self.columns($0) + 1 } ?? 1)
    }

    /// The columns of a line (a byte-order mark is not counted).
    private static func columns(_ line: String) -> Int {
        line.unicodeScalars.count - (line.unicodeScalars.first == "\u{FEFF}" ? 1 : 0)
    }

    /// A `- PHRASE` item on the last line with text before `line`, when `line` gives it an option
    /// (see ``SyntaxMessage/phraseWithoutColon(item:next:)``): the phrase and where it starts.
    private func phraseWithoutColon(before line: Int) -> (phrase: String, location: SourceLocation)? {
        let source = SourceText(path: file, text: String(decoding: input.bytes, as: UTF8.self))
        guard line >= 2, let next = source.line(line) else { return nil }
        var previous = line - 1
        while previous >= 1, let text = source.line(previous), Self.isBlankOrComment(text) { previous -= 1 }
        guard previous >= 1, let item = source.line(previous),
            let (phrase, column) = SyntaxMessage.phraseWithoutColon(item: item, next: next)
        else { return nil }
        return (phrase, location(line: previous, column: column))
    }

    private static func isBlankOrComment(_ line: String) -> Bool {
        let text = line.unicodeScalars.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
        return text.isEmpty || text.first == "#"
    }

    private static func hexScalar(_ value: Int32) -> String {
        let digits = String(UInt32(bitPattern: value), radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        let (line, column) = position(mark)
        return SourceLocation(file: file, line: line, column: column)
    }

    private func position(_ mark: yaml_mark_t) -> (line: Int, column: Int) {
        input.position(index: mark.index, line: mark.line, column: mark.column)
    }

    /// The shared origin for nodes with this tag (nil: untagged).
    private mutating func origin(_ tag: UnsafeMutablePointer<yaml_char_t>?) -> Node.Origin {
        guard let name = Self.optionalString(tag) else { return untagged }
        if let shared = tagged[name] { return shared }
        let created = Node.Origin(file: file, tag: name)
        tagged[name] = created
        return created
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String {
        guard let pointer, count > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
