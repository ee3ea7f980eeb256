import OCPModel
import RunbookSupport

/// A min-heap of timed items: the earliest time first, ties in insertion order.
struct EventQueue<Item: Sendable>: Sendable {
    private struct Entry: Sendable {
        var time: Duration
        var sequence: Int
        var item: Item

        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var sequence = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest item.
    var nextTime: Duration? { heap.first?.time }

    mutating func push(_ item: Item, at time: Duration) {
        sequence += 1
        heap.append(Entry(time: time, sequence: sequence, item: item))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest item if its time is at or before `limit`.
    mutating func pop(notAfter limit: Duration) -> (time: Duration, item: Item)? {
        guard let first = heap.first, first.time <= limit else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var best = parent
                if left < heap.count, heap[left].precedes(heap[best]) { best = left }
                if right < heap.count, heap[right].precedes(heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return (first.time, first.item)
    }
}
