import RunbookSupport

/// What makes two mapping keys the same key, for the duplicate-key check.
///
/// Scalars are equal when they resolve (YAML 1.2 core schema) to the same value under the same
/// kind of tag: `a`, `'a'` and `!!str a` are one key, `1` and `0x1` are one key, `1` and `"1"`
/// are two. Sequences and mappings compare by content, wherever they stand in the file.
enum KeyIdentity: Hashable {
    case scalar(ScalarValue, tag: String?)
    case collection(NodeContent)

    init(_ node: Node) {
        if let value = node.resolvedScalar {
            self = .scalar(value, tag: Self.isCoreTag(node.tag) ? nil : node.tag)
        } else {
            self = .collection(NodeContent(node))
        }
    }

    /// Tags the core schema resolves (their scalars compare by resolved value alone).
    private static func isCoreTag(_ tag: String?) -> Bool {
        switch tag {
        case nil, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            true
        default:
            false
        }
    }
}

/// A node compared and hashed by its tags and content, ignoring locations and scalar styles
/// (scalars compare by their ``KeyIdentity``).
struct NodeContent: Hashable {
    let node: Node

    init(_ node: Node) { self.node = node }

    static func == (lhs: NodeContent, rhs: NodeContent) -> Bool { same(lhs.node, rhs.node) }

    func hash(into hasher: inout Hasher) { Self.hash(node, into: &hasher) }

    private static func same(_ a: Node, _ b: Node) -> Bool {
        switch (a.content, b.content) {
        case (.scalar, .scalar):
            return KeyIdentity(a) == KeyIdentity(b)
        case (.sequence(let x), .sequence(let y)):
            return a.tag == b.tag && x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            return a.tag == b.tag && x.count == y.count
                && zip(x, y).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default:
            return false
        }
    }

    private static func hash(_ node: Node, into hasher: inout Hasher) {
        switch node.content {
        case .scalar:
            hasher.combine(0)
            hasher.combine(KeyIdentity(node))
        case .sequence(let items):
            hasher.combine(1)
            hasher.combine(node.tag)
            hasher.combine(items.count)
            for item in items { hash(item, into: &hasher) }
        case .mapping(let pairs):
            hasher.combine(2)
            hasher.combine(node.tag)
            hasher.combine(pairs.count)
            for pair in pairs {
                hash(pair.key, into: &hasher)
                hash(pair.value, into: &hasher)
            }
        }
    }
}
