import RunbookSupport

/// The children of every open collection, in one stack in manually managed memory, so that a
/// finished collection's children move out into an array of exactly their number: no child is
/// copied and no array grows by doubling on the way.
final class NodeStack {
    private var base: UnsafeMutablePointer<Node>
    private var capacity: Int
    /// The number of nodes on the stack.
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func push(_ node: consuming Node) {
        if count == capacity { grow() }
        (base + count).initialize(to: node)
        count += 1
    }

    private func grow() {
        let larger = UnsafeMutablePointer<Node>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    /// Moves the nodes from index `start` to the top out, as an array.
    func popItems(from start: Int) -> [Node] {
        let n = count - start
        guard n > 0 else { return [] }
        let source = base + start
        let items = [Node](unsafeUninitializedCapacity: n) { buffer, initialized in
            guard let target = buffer.baseAddress else { return }
            target.moveInitialize(from: source, count: n)
            initialized = n
        }
        count = start
        return items
    }

    /// Moves the nodes from index `start` to the top out, as key-value pairs (a key without a
    /// value, which libyaml never sends, is dropped).
    func popPairs(from start: Int) -> [Pair] {
        if (count - start) % 2 == 1 {
            count -= 1
            (base + count).deinitialize(count: 1)
        }
        let n = (count - start) / 2
        guard n > 0 else { return [] }
        let source = base + start
        let pairs = [Pair](unsafeUninitializedCapacity: n) { buffer, initialized in
            guard let target = buffer.baseAddress else { return }
            for j in 0..<n {
                (target + j).initialize(to: Pair(key: (source + 2 * j).move(), value: (source + 2 * j + 1).move()))
            }
            initialized = n
        }
        count = start
        return pairs
    }
}
