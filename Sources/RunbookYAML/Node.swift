import RunbookSupport

/// A YAML node: a pure value tree with the start location of every node.
///
/// Aliases are resolved: an alias is a copy of the node its anchor names (values share storage,
/// so a copy costs nothing until it is changed).
package struct Node: Sendable, Hashable {
    package enum Content: Sendable, Hashable {
        case scalar(Scalar)
        case sequence([Node])
        case mapping([Pair])
    }

    /// The file and the tag, which most nodes of a file share: kept behind one reference so a
    /// node stays small (a large file has hundreds of thousands of nodes).
    final class Origin: Sendable {
        let file: String
        let tag: String?

        init(file: String, tag: String?) {
            self.file = file
            self.tag = tag
        }
    }

    package var content: Content
    private var storedLine: Int32
    private var storedColumn: Int32
    private var origin: Origin

    /// The start line, without building a ``SourceLocation``.
    var line: Int { Int(storedLine) }

    /// Where the node starts (for a mapping or sequence: its first key or item, or its opening bracket).
    package var location: SourceLocation {
        get { SourceLocation(file: origin.file, line: Int(storedLine), column: Int(storedColumn)) }
        set {
            storedLine = Int32(clamping: newValue.line)
            storedColumn = Int32(clamping: newValue.column)
            if newValue.file != origin.file { origin = Origin(file: newValue.file, tag: origin.tag) }
        }
    }

    /// The explicit tag, if one was written (`!!str` as `tag:yaml.org,2002:str`; `!` as `!`).
    package var tag: String? {
        get { origin.tag }
        set { origin = Origin(file: origin.file, tag: newValue) }
    }

    /// A node at `location` (lines and columns beyond 32 bits are clamped).
    package init(_ content: Content, at location: SourceLocation, tag: String? = nil) {
        self.init(content, line: location.line, column: location.column, origin: Origin(file: location.file, tag: tag))
    }

    /// A node sharing `origin` (its file and tag) with others, as the loader builds them.
    init(_ content: Content, line: Int, column: Int, origin: Origin) {
        self.content = content
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
        self.origin = origin
    }

    package static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.storedLine == rhs.storedLine && lhs.storedColumn == rhs.storedColumn
            && (lhs.origin === rhs.origin || (lhs.origin.file == rhs.origin.file && lhs.origin.tag == rhs.origin.tag))
            && lhs.content == rhs.content
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(content)
        hasher.combine(storedLine)
        hasher.combine(storedColumn)
        hasher.combine(origin.file)
        hasher.combine(origin.tag)
    }

    /// The scalar, when this node is one.
    package var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// The items, when this node is a sequence.
    package var sequence: [Node]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs in document order, when this node is a mapping.
    package var mapping: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// A word for the node's kind, for messages: "a scalar", "a sequence", "a mapping".
    package var kindDescription: String {
        switch content {
        case .scalar: "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }

    /// Two nodes with the same content and tags, wherever they stand.
    package func hasSameContent(as other: Node) -> Bool {
        guard tag == other.tag else { return false }
        switch (content, other.content) {
        case (.scalar(let a), .scalar(let b)):
            return a.text == b.text && a.isPlain == b.isPlain
        case (.sequence(let a), .sequence(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.hasSameContent(as: $1) }
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { $0.key.hasSameContent(as: $1.key) && $0.value.hasSameContent(as: $1.value) }
        default:
            return false
        }
    }
}

/// A scalar's text and how it was written.
package struct Scalar: Sendable, Hashable {
    package enum Style: String, Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    package var text: String
    package var style: Style
    /// True when the scalar as written runs over more than one line (a plain or quoted scalar
    /// folded into one line of text): offsets in its text are then no columns of its first line.
    /// Not part of its value (equality and hashing leave it out).
    package var spansLines: Bool

    package init(_ text: String, style: Style = .plain, spansLines: Bool = false) {
        self.text = text
        self.style = style
        self.spansLines = spansLines
    }

    package var isPlain: Bool { style == .plain }

    package static func == (lhs: Scalar, rhs: Scalar) -> Bool { lhs.text == rhs.text && lhs.style == rhs.style }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(style)
    }
}

/// A key and its value in a mapping.
package struct Pair: Sendable, Hashable {
    package var key: Node
    package var value: Node

    package init(key: Node, value: Node) {
        self.key = key
        self.value = value
    }
}
