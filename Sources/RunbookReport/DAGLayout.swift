import Foundation
import RunbookStepLog

/// The geometry of one task's DAG, from its subtasks' `upstreams`: layers top to bottom (a
/// subtask one layer below its lowest upstream), the subtasks of a layer side by side, an arrow
/// per link.
///
/// Tasks of the same shape (the same subtask names and links) can share one drawing
/// (``init(shape:tasks:)``), each node then saying how many of the tasks had its subtask in each
/// status: a fleet of a thousand failovers is one DAG, not a thousand.
struct DAGLayout {
    struct Node {
        var x: Double
        var y: Double
        var label: String
        var detail: String
        var status: String
        var tip: String
    }

    struct Edge {
        var path: String
    }

    var width: Double
    var height: Double
    var nodes: [Node]
    var edges: [Edge]

    static let nodeWidth = 210.0
    static let nodeHeight = 30.0
    static let gapX = 14.0
    static let gapY = 16.0
    static let margin = 6.0

    /// The shape of a task: its subtask names and links, by position. Equal shapes draw the same.
    static func shape(of task: TaskSnapshot) -> String {
        let index = Dictionary(task.subtasks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return task.name + "\u{1}"
            + task.subtasks.map { s in
                s.name + "<" + s.upstreams.compactMap { index[$0].map(String.init) }.joined(separator: ",")
            }.joined(separator: "\u{1}")
    }

    /// The DAG of one task, its nodes in its subtasks' statuses.
    init(_ task: TaskSnapshot) {
        self.init(shape: task, tasks: [task])
    }

    /// The DAG of `shape`, drawn once for all `tasks` (of that shape): a node's status is the
    /// worst of theirs, and its detail counts them by status when there are several.
    init(shape: TaskSnapshot, tasks: [TaskSnapshot]) {
        let subtasks = shape.subtasks
        let position = Dictionary(subtasks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Longest-path layers over the upstream links (a link to an unknown id is left out; a
        // cycle, which OCP never sends, leaves its subtasks in the layer reached so far).
        var layer = [Int](repeating: 0, count: subtasks.count)
        for _ in 0..<max(1, subtasks.count) {
            var changed = false
            for (i, s) in subtasks.enumerated() {
                for up in s.upstreams {
                    guard let j = position[up], j != i else { continue }
                    if layer[i] < layer[j] + 1, layer[j] + 1 < subtasks.count {
                        layer[i] = layer[j] + 1
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        var columns: [Int: Int] = [:]
        var column = [Int](repeating: 0, count: subtasks.count)
        for i in subtasks.indices {
            column[i] = columns[layer[i], default: 0]
            columns[layer[i], default: 0] += 1
        }
        let widest = columns.values.max() ?? 1
        let layers = (layer.max() ?? 0) + 1
        func nodeX(_ i: Int) -> Double { Self.margin + Double(column[i]) * (Self.nodeWidth + Self.gapX) }
        func nodeY(_ i: Int) -> Double { Self.margin + Double(layer[i]) * (Self.nodeHeight + Self.gapY) }

        var nodes: [Node] = []
        for (i, s) in subtasks.enumerated() {
            let statuses = tasks.compactMap { $0.subtasks.count == subtasks.count ? $0.subtasks[i].status : nil }
            var counts: [String: Int] = [:]
            for status in statuses { counts[status, default: 0] += 1 }
            let worst = counts.keys.max { Self.rank($0) < Self.rank($1) } ?? s.status
            let detail: String
            if tasks.count == 1 {
                detail = s.status + ((s.runTime ?? 1) > 1 ? " · run \(s.runTime ?? 1)×" : "")
            } else {
                detail = counts.sorted { Self.rank($0.key) > Self.rank($1.key) }.map { "\($0.key) ×\($0.value)" }
                    .joined(
                        separator: " · ")
            }
            var tip = "\(s.name): \(detail)"
            if tasks.count == 1, let start = s.startTime {
                tip += ", from \(start)" + (s.finishTime.map { " to \($0)" } ?? ", not finished when last seen")
            }
            nodes.append(
                Node(
                    x: nodeX(i), y: nodeY(i), label: ReportText.short(s.name, 30), detail: ReportText.short(detail, 34),
                    status: ReportText.cssClass(worst), tip: tip))
        }
        var edges: [Edge] = []
        for (i, s) in subtasks.enumerated() {
            for up in s.upstreams {
                guard let j = position[up], j != i else { continue }
                let x1 = nodeX(j) + Self.nodeWidth / 2
                let y1 = nodeY(j) + Self.nodeHeight
                let x2 = nodeX(i) + Self.nodeWidth / 2
                let y2 = nodeY(i) - 2
                let mid = (y1 + y2) / 2
                edges.append(
                    Edge(
                        path:
                            "M\(Self.n(x1)) \(Self.n(y1)) C\(Self.n(x1)) \(Self.n(mid)) \(Self.n(x2)) \(Self.n(mid)) \(Self.n(x2)) \(Self.n(y2))"
                    ))
            }
        }
        self.width = Self.margin * 2 + Double(widest) * Self.nodeWidth + Double(max(0, widest - 1)) * Self.gapX
        self.height = Self.margin * 2 + Double(layers) * Self.nodeHeight + Double(max(0, layers - 1)) * Self.gapY
        self.nodes = nodes
        self.edges = edges
    }

    /// How bad a status is, for the colour of a node several tasks share.
    static func rank(_ status: String) -> Int {
        switch status {
        case "FAILED": 6
        case "RUNNING", "CANCELING": 5
        case "CANCELED": 4
        case "READY", "PENDING": 3
        case "SKIPPED": 2
        case "SUCCESSFUL": 1
        default: 0
        }
    }

    /// A coordinate with at most one decimal.
    static func n(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e12 else { return "0" }
        let whole = Int64(tenths)
        return whole % 10 == 0 ? String(whole / 10) : String(format: "%.1f", tenths / 10)
    }
}
