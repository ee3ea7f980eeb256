import Foundation
import OCPModel
import RunbookStepLog

/// The geometry of a report's timeline: the steps on the runbook's clock and, per OCP task, its
/// subtasks from OCP's own `startTime` and `finishTime`, with the `watch` downtime windows.
///
/// OCP's times are placed against the run's start (`run-started`'s `startedAt`); against a real
/// OCP a skew between its clock and the machine's shifts its bars by that much. A subtask still
/// running when last seen reaches the end of the run (drawn open).
struct TimelineLayout {
    struct Bar {
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        /// `step`, `task`, `subtask` or `down`.
        var kind: String
        /// CSS class of its status or outcome.
        var status: String
        var tip: String
        var open: Bool
    }

    struct Row {
        var label: String
        var y: Double
        var header: Bool
        var indent: Bool
        var bars: [Bar]
    }

    struct Tick {
        var x: Double
        var label: String
    }

    var width: Double
    var height: Double
    var chartLeft: Double
    var rows: [Row]
    var ticks: [Tick]
    /// Downtime windows as bands across the whole chart.
    var bands: [Bar]
    /// The `outage` and `recovered` markers, as lines across the chart.
    var markers: [Tick]
    var subtaskBars: Int
    /// Said under the chart when it leaves something out or draws it compactly.
    var remarks: [String]

    static let labelWidth = 330.0
    static let chartWidth = 800.0
    static let rowHeight = 16.0
    static let barHeight = 10.0
    static let top = 22.0
    /// Above this many subtasks, each task's subtasks share one row (lanes where they overlap).
    static let subtaskRowLimit = 400
    /// Above this many steps, only the steps of the blocks themselves are drawn (not loop bodies).
    static let stepRowLimit = 200

    init(_ report: DrillReport) {
        let origin = report.startedAt.millisecondsSince1970
        func at(_ t: OCPTimestamp?) -> Int64? { t.map { Saturating.subtract($0.millisecondsSince1970, origin) } }

        var end = max(report.durationMs, 1)
        var begin: Int64 = 0
        for step in report.steps { if let s = step.startMs { end = max(end, Saturating.add(s, step.durationMs)) } }
        for task in report.tasks {
            for s in task.task.subtasks {
                if let a = at(s.startTime) { begin = min(begin, a); end = max(end, a) }
                if let b = at(s.finishTime) { end = max(end, b) }
            }
        }
        let span = Double(max(1, Saturating.subtract(end, begin)))
        let left = Self.labelWidth
        func x(_ ms: Int64) -> Double { left + Double(Saturating.subtract(ms, begin)) / span * Self.chartWidth }
        func w(_ from: Int64, _ to: Int64) -> Double {
            max(1.5, Double(Saturating.subtract(to, from)) / span * Self.chartWidth)
        }

        var rows: [Row] = []
        var remarks: [String] = []
        var y = Self.top
        func addRow(_ label: String, header: Bool = false, indent: Bool = false, bars: (Double) -> [Bar] = { _ in [] })
        {
            rows.append(Row(label: label, y: y, header: header, indent: indent, bars: bars(y)))
            y += Self.rowHeight
        }

        // Steps.
        let drawn =
            report.steps.count > Self.stepRowLimit ? report.steps.filter { $0.position.depth == 0 } : report.steps
        if drawn.count < report.steps.count {
            remarks.append(
                "\(report.steps.count - drawn.count) steps inside loops are not drawn (\(report.steps.count) steps in all); the steps section lists every one"
            )
        }
        addRow("Steps", header: true)
        for step in drawn {
            let label = ReportText.short("\(step.position.label) \(step.phrase)", 52)
            addRow(label, indent: step.position.depth > 0) { y in
                guard let start = step.startMs else { return [] }
                let tip =
                    "\(step.position.label) \(step.phrase): \(step.outcome), \(ReportText.duration(step.durationMs)) from \(ReportText.offset(start))"
                // A step that did not finish runs to the end of what the journal shows.
                let stop = step.outcome == "unfinished" ? max(end, start) : Saturating.add(start, step.durationMs)
                return [
                    Bar(
                        x: x(start), y: y + 3, width: w(start, stop), height: Self.barHeight, kind: "step",
                        status: ReportText.cssClass(step.outcome), tip: tip, open: step.outcome == "unfinished")
                ]
            }
        }

        // Tasks and their subtasks.
        let subtaskCount = report.tasks.reduce(0) { $0 + $1.task.subtasks.count }
        let compact = subtaskCount > Self.subtaskRowLimit
        if compact {
            remarks.append(
                "\(subtaskCount) subtasks: each task's subtasks share its row (one bar per subtask, side by side, stacked where they overlap)"
            )
        }
        var subtaskBars = 0
        for item in report.tasks {
            let task = item.task
            func bar(_ s: SubtaskSnapshot, y: Double, height: Double) -> Bar? {
                guard let start = at(s.startTime) else { return nil }
                let finish = at(s.finishTime)
                let stop = finish ?? end
                var tip: String
                if compact {
                    // Short: a thousand tasks' subtasks are thousands of tips.
                    tip =
                        "\(s.name): \(s.status) \(finish != nil ? ReportText.duration(Saturating.subtract(stop, start)) : "not finished")"
                } else {
                    tip = "\(s.name): \(s.status), from \(ReportText.time(s.startTime))"
                    tip +=
                        finish != nil
                        ? " to \(ReportText.time(s.finishTime)) (\(ReportText.duration(Saturating.subtract(stop, start))))"
                        : ", not finished when last seen"
                }
                if let runs = s.runTime, runs > 1 { tip += ", run \(runs) times" }
                return Bar(
                    x: x(start), y: y, width: w(start, stop), height: height, kind: "subtask",
                    status: ReportText.cssClass(s.status), tip: tip, open: finish == nil)
            }
            let title = "task \(task.id) \(task.name) (\(task.status))"
            if compact {
                // Lanes: a subtask goes in the first lane whose last bar ended before it starts.
                var laneEnds: [Int64] = []
                var placed: [(SubtaskSnapshot, Int)] = []
                for s in task.subtasks {
                    guard let start = at(s.startTime) else { continue }
                    let stop = at(s.finishTime) ?? end
                    if let lane = laneEnds.firstIndex(where: { $0 <= start }) {
                        laneEnds[lane] = stop
                        placed.append((s, lane))
                    } else {
                        laneEnds.append(stop)
                        placed.append((s, laneEnds.count - 1))
                    }
                }
                let lanes = max(1, laneEnds.count)
                let height = Self.barHeight / Double(lanes)
                addRow(ReportText.short(title, 52), header: true) { y in
                    placed.compactMap { s, lane in bar(s, y: y + 3 + Double(lane) * height, height: height) }
                }
                subtaskBars += placed.count
            } else {
                addRow(ReportText.short(title, 52), header: true) { y in
                    guard let start = at(task.startTime) else { return [] }
                    let stop = at(task.finishTime) ?? end
                    return [
                        Bar(
                            x: x(start), y: y + 6, width: w(start, stop), height: 4, kind: "task",
                            status: ReportText.cssClass(task.status),
                            tip: "\(title): \(ReportText.duration(Saturating.subtract(stop, start)))",
                            open: task.finishTime == nil)
                    ]
                }
                for s in task.subtasks {
                    addRow(ReportText.short(s.name, 50), indent: true) { y in
                        bar(s, y: y + 3, height: Self.barHeight).map { [$0] } ?? []
                    }
                    if s.startTime != nil { subtaskBars += 1 }
                }
            }
            if item.timesFrom == "polls" {
                remarks.append(
                    "task \(task.id): its subtasks' times are when the run's polls saw them change, not OCP's own")
            }
        }

        // Watches.
        var bands: [Bar] = []
        for downtime in report.evidence?.downtime ?? [] {
            let target = "\(downtime.kind) \(downtime.target)"
            addRow(ReportText.short("watch \(target)", 52), header: true) { y in
                downtime.windows.map { window in
                    let stop = window.toMs ?? end
                    let tip =
                        "\(target) down from \(ReportText.offset(window.fromMs))"
                        + (window.toMs != nil
                            ? " for \(ReportText.duration(Saturating.subtract(stop, window.fromMs)))"
                            : ", still down at the end")
                    return Bar(
                        x: x(window.fromMs), y: y + 3, width: w(window.fromMs, stop), height: Self.barHeight,
                        kind: "down",
                        status: "down", tip: tip, open: window.toMs == nil)
                }
            }
            for window in downtime.windows {
                let stop = window.toMs ?? end
                bands.append(
                    Bar(
                        x: x(window.fromMs), y: Self.top, width: w(window.fromMs, stop), height: 0, kind: "band",
                        status: "down", tip: "\(target) down", open: window.toMs == nil))
            }
        }

        let height = y + 6
        for i in bands.indices { bands[i].height = height - Self.top }
        var markers: [Tick] = []
        if let outage = report.evidence?.outage { markers.append(Tick(x: x(outage.atMs), label: "outage")) }
        if let recovered = report.evidence?.recovered { markers.append(Tick(x: x(recovered.atMs), label: "recovered")) }

        // Ticks: a round step giving at most ten.
        let steps: [Int64] = [
            1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
            600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
        ]
        let stepMs = steps.first { Double(Saturating.subtract(end, begin)) / Double($0) <= 10 } ?? 86_400_000
        var ticks: [Tick] = []
        // At most a dozen ticks (a span beyond a day's steps is cut at twelve).
        var t = (begin / stepMs) * stepMs
        while t <= end, ticks.count < 12 {
            if t >= begin { ticks.append(Tick(x: x(t), label: t == 0 ? "0s" : ReportText.offset(t))) }
            let (next, overflow) = t.addingReportingOverflow(stepMs)
            if overflow { break }
            t = next
        }

        self.width = Self.labelWidth + Self.chartWidth + 10
        self.height = height
        self.chartLeft = left
        self.rows = rows
        self.ticks = ticks
        self.bands = bands
        self.markers = markers
        self.subtaskBars = subtaskBars
        self.remarks = remarks
    }
}
