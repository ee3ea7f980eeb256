import OCPModel
import RunbookSupport

/// One attempt of a probe: a `probe` or `await probe` step's, in its `step-finished` record.
public struct ProbeAttempt: Sendable, Hashable, Codable {
    /// `http`, `tcp` or `command`.
    public var kind: String
    /// The URL, `host:port`, or the program and its arguments.
    public var target: String
    /// Whether the attempt passed; ``reason`` says why not.
    public var passed: Bool
    /// Run time of the attempt's start, in milliseconds.
    public var atMs: Int64
    /// How long the attempt took, in milliseconds (the wall clock for real probes; the simulator's
    /// answers take a fixed few milliseconds).
    public var latencyMs: Double
    /// Why it failed, in words.
    public var reason: String?
    /// The HTTP status of an answer.
    public var status: Int?
    /// A program's exit status.
    public var exitCode: Int32?

    /// An attempt with these fields; see each property for its meaning.
    public init(
        kind: String, target: String, passed: Bool, atMs: Int64, latencyMs: Double, reason: String? = nil,
        status: Int? = nil, exitCode: Int32? = nil
    ) {
        self.kind = kind
        self.target = target
        self.passed = passed
        self.atMs = atMs
        self.latencyMs = latencyMs
        self.reason = reason
        self.status = status
        self.exitCode = exitCode
    }
}

/// A `watch` probe went down or came back up (its first attempt is recorded too).
public struct WatchChanged: Sendable, Hashable, Codable {
    /// `http`, `tcp` or `command`.
    public var kind: String
    /// The URL, `host:port`, or the program and its arguments.
    public var target: String
    /// Up (the probe passed) or down, from now on.
    public var up: Bool
    /// Run time of the attempt that saw it, in milliseconds.
    public var atMs: Int64
    /// The date of that attempt on the run's clock (the simulator's when embedded).
    public var at: OCPTimestamp
    /// Why the probe failed, when down.
    public var reason: String?

    /// A watch's change with these fields; see each property for its meaning.
    public init(kind: String, target: String, up: Bool, atMs: Int64, at: OCPTimestamp, reason: String? = nil) {
        self.kind = kind
        self.target = target
        self.up = up
        self.atMs = atMs
        self.at = at
        self.reason = reason
    }
}

/// What a run measured of the recovery, held against its objectives: in `run-finished`.
public struct Evidence: Sendable, Hashable, Codable {
    /// The `outage` and `recovered` markers, when the run passed them.
    public var outage: Marker?
    /// The `recovered` marker, when the run passed it.
    public var recovered: Marker?
    /// The measured recovery time, in milliseconds: `recovered` − `outage`, or without the markers
    /// the longest recovery time of the run's completed actions; nil when unknown.
    public var recoveryTimeMs: Int64?
    /// Where ``recoveryTimeMs`` comes from: `markers`, `actions`, or `none`.
    public var recoveryTimeSource: String
    /// Each promoted standby's data loss: its lag when it was promoted.
    public var dataLoss: [DataLoss]
    /// The worst data loss, in milliseconds; nil when any is unknown, or no standby was promoted.
    public var dataLossMs: Int64?
    /// Each `watch` probe's down windows and total downtime.
    public var downtime: [Downtime]
    /// Each objective, the figure measured and the verdict.
    public var objectives: [ObjectiveVerdict]

    /// Evidence with these figures; by default, nothing measured.
    public init(
        outage: Marker? = nil, recovered: Marker? = nil, recoveryTimeMs: Int64? = nil, recoveryTimeSource: String = "none",
        dataLoss: [DataLoss] = [], dataLossMs: Int64? = nil, downtime: [Downtime] = [], objectives: [ObjectiveVerdict] = []
    ) {
        self.outage = outage
        self.recovered = recovered
        self.recoveryTimeMs = recoveryTimeMs
        self.recoveryTimeSource = recoveryTimeSource
        self.dataLoss = dataLoss
        self.dataLossMs = dataLossMs
        self.downtime = downtime
        self.objectives = objectives
    }

    /// An `outage` or `recovered` step.
    public struct Marker: Sendable, Hashable, Codable {
        /// The marker's text, as the step gave it (`Hangzhou region lost`).
        public var text: String
        /// The `outage` or `recovered` step.
        public var position: StepPosition
        /// Run time of the moment marked, in milliseconds. For `recovered` after an `await probe`
        /// that saw the service come back: the middle of its last failed and first passing attempt.
        public var atMs: Int64
        /// The moment as a date on the run's clock (the simulator's when embedded).
        public var at: OCPTimestamp
        /// How far the moment may be from ``atMs`` (half the await's last interval), when it was
        /// taken from an `await probe`; nil for the marker's own time.
        public var uncertaintyMs: Int64?
        /// The `await probe` step the moment was taken from.
        public var seenBy: StepPosition?

        /// A marker with these fields; see each property for its meaning.
        public init(
            text: String, position: StepPosition, atMs: Int64, at: OCPTimestamp, uncertaintyMs: Int64? = nil,
            seenBy: StepPosition? = nil
        ) {
            self.text = text
            self.position = position
            self.atMs = atMs
            self.at = at
            self.uncertaintyMs = uncertaintyMs
            self.seenBy = seenBy
        }
    }

    /// The data loss of one promotion.
    public struct DataLoss: Sendable, Hashable, Codable {
        /// The recovery it belongs to: `failover`, `tenant failover`, ...
        public var action: String
        /// The OCP task of the promotion.
        public var taskId: Int
        /// The promoted standby: a tenant, or a cluster.
        public var tenantId: Int?
        /// The promoted cluster, or the cluster of the promoted tenant.
        public var clusterId: Int
        /// Its lag when promoted, in milliseconds (0 for a switchover); nil when OCP reported none.
        public var lagMs: Int64?
        /// Where the figure comes from: `tenant precheck`, `cluster delayTime`, `switchover` (0 by
        /// construction), or `not reported`.
        public var source: String

        /// The data loss of one promotion; see each property for its meaning.
        public init(action: String, taskId: Int, tenantId: Int?, clusterId: Int, lagMs: Int64?, source: String) {
            self.action = action
            self.taskId = taskId
            self.tenantId = tenantId
            self.clusterId = clusterId
            self.lagMs = lagMs
            self.source = source
        }
    }

    /// One `watch` probe's downtime.
    public struct Downtime: Sendable, Hashable, Codable {
        /// `http`, `tcp` or `command`.
        public var kind: String
        /// The URL, `host:port`, or the program and its arguments.
        public var target: String
        /// The windows it was down: from the first failed attempt to the first passing one after
        /// it (nil `toMs`: still down at the end), run times in milliseconds.
        public var windows: [Window]
        /// The windows' total, in milliseconds; a window still open counts to the end of the run.
        public var totalMs: Int64
        /// How many attempts it made.
        public var attempts: Int

        /// A watch's downtime with these figures; see each property for its meaning.
        public init(kind: String, target: String, windows: [Window], totalMs: Int64, attempts: Int) {
            self.kind = kind
            self.target = target
            self.windows = windows
            self.totalMs = totalMs
            self.attempts = attempts
        }

        /// One stretch of time a watch probe was down.
        public struct Window: Sendable, Hashable, Codable {
            /// Run time of the first failed attempt, in milliseconds.
            public var fromMs: Int64
            /// Run time of the first passing attempt after it, in milliseconds; nil: still down at the end.
            public var toMs: Int64?

            /// The window from `fromMs` to `toMs` (nil: still open).
            public init(fromMs: Int64, toMs: Int64?) {
                self.fromMs = fromMs
                self.toMs = toMs
            }
        }
    }
}

/// An objective, the figure measured, and whether it was met.
public struct ObjectiveVerdict: Sendable, Hashable, Codable {
    /// `recovery time` or `data loss`.
    public var name: String
    /// The objective, in milliseconds.
    public var targetMs: Int64
    /// What was measured, in milliseconds; nil when unknown.
    public var measuredMs: Int64?
    /// Whether the objective was met.
    public var verdict: Verdict
    /// How far over the objective a breached one is, in milliseconds.
    public var overMs: Int64?
    /// Why an unknown figure is unknown, in words (`OCP reported no lag for the tenant failover of
    /// 2000025`); nil when it was measured, or when nothing measured it at all.
    public var unknownBecause: String?

    /// Whether an objective was met.
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// The figure measured is within the objective.
        case met
        /// The figure measured is over the objective.
        case breached
        /// Nothing was measured: the objective is not met.
        case unknown
    }

    /// The verdict of `measuredMs` against `targetMs`: met when at most the target, breached when
    /// over it, unknown when nil.
    public init(name: String, targetMs: Int64, measuredMs: Int64?, unknownBecause: String? = nil) {
        self.unknownBecause = measuredMs == nil ? unknownBecause : nil
        self.name = name
        self.targetMs = targetMs
        self.measuredMs = measuredMs
        if let measuredMs {
            verdict = measuredMs <= targetMs ? .met : .breached
            overMs = measuredMs > targetMs ? measuredMs - targetMs : nil
        } else {
            verdict = .unknown
            overMs = nil
        }
    }

    /// `recovery time 12m30s, objective 10m: breached by 2m30s`. Figures are rounded, except where
    /// rounding would make the measure and the objective read the same (`data loss 5.001s,
    /// objective 5s: breached by 1ms`, not `data loss 5s, objective 5s`).
    public var sentence: String {
        let target = DurationText.formatRounded(.milliseconds(targetMs))
        var measured = DurationText.formatRounded(.milliseconds(measuredMs ?? 0))
        if measured == target, measuredMs != targetMs { measured = DurationText.format(.milliseconds(measuredMs ?? 0)) }
        switch verdict {
        case .met:
            return "\(name) \(measured), objective \(target): met"
        case .breached:
            return "\(name) \(measured), objective \(target): breached by \(DurationText.formatRounded(.milliseconds(overMs ?? 0)))"
        case .unknown:
            return "\(name) unknown, objective \(target): not met (\(unknownBecause ?? "nothing measured it"))"
        }
    }
}
