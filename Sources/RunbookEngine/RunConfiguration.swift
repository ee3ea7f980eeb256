import Foundation
import OCPModel
import Probes
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

/// What a run needs besides the runbook and the OCP client: who runs it, against what, how to
/// confirm, and how to poll.
public struct RunConfiguration: Sendable {
    /// The run's identifier (a random UUID unless given), on every line of its journal.
    public var runId: String
    /// `embedded` or the OCP base URL, for the log.
    public var target: String
    /// The user running the runbook, for the log.
    public var user: String
    /// The OCP identity the credentials stand for (`Basic (user admin)`, `AK/SK (key …)`), for the
    /// log; nil against the embedded simulator. Never a secret.
    public var identity: String?
    /// Hex SHA-256 of the runbook file, for the log.
    public var fileSHA256: String
    /// The simulator's speed when the target is embedded, for the log.
    public var simulationSpeed: String?
    /// Remarks for the log's first record.
    public var notes: [String]
    /// The environment `${env.NAME}` reads.
    public var environment: [String: String]
    /// `--yes`: every `confirm` is answered yes.
    public var assumeYes: Bool
    /// Asks a person to confirm; returns nil when there is no terminal to ask on.
    public var confirm: @Sendable (String) async -> Bool?
    /// How waits poll.
    public var polling: PollSchedule
    /// `runbook resume`: where the interrupted run stands. The run then writes `run-resumed`
    /// instead of `run-started`, does not run again the steps that passed, and looks for the
    /// effect of a call a killed step may have sent before sending it.
    public var resume: ResumePoint?
    /// How to continue this run if it is interrupted while a task it started still runs
    /// (`runbook resume runbook-logs/drill-....jsonl`), for the interruption's message; nil when it
    /// cannot be resumed (an embedded run, a run with no journal).
    public var resumeCommand: String?
    /// What carries out `probe` steps and `watch`: the simulator in an embedded run, real probes
    /// against a real OCP. Nil: a probe step fails saying so.
    public var probes: (any ProbeClient)?

    /// A configuration with these settings (see each property); ``resume`` and ``resumeCommand``
    /// start nil. By default: a fresh run id, target `embedded`, the process's user, no
    /// confirmation possible (a `confirm` finds no terminal), the default polling and no probe
    /// client.
    public init(
        runId: String = UUID().uuidString.lowercased(), target: String = "embedded", user: String = RunConfiguration.currentUser, fileSHA256: String = "",
        simulationSpeed: String? = nil, notes: [String] = [], environment: [String: String] = [:],
        assumeYes: Bool = false, confirm: @escaping @Sendable (String) async -> Bool? = { _ in nil },
        polling: PollSchedule = PollSchedule(), probes: (any ProbeClient)? = nil
    ) {
        self.probes = probes
        self.runId = runId
        self.target = target
        self.user = user
        self.fileSHA256 = fileSHA256
        self.simulationSpeed = simulationSpeed
        self.notes = notes
        self.environment = environment
        self.assumeYes = assumeYes
        self.confirm = confirm
        self.polling = polling
    }

    /// The login name of the process's user (`USER`, then `LOGNAME`), or `unknown`.
    public static var currentUser: String {
        let env = ProcessInfo.processInfo.environment
        return env["USER"] ?? env["LOGNAME"] ?? "unknown"
    }
}

/// How a wait spaces its polls: quick at first, slower as the wait grows, never slower than the
/// step's `every` (nor than ``maximum`` without one).
///
/// The interval after a poll is `elapsed × fraction`, kept between ``initial`` and the cap, so the
/// time between the awaited change and its detection stays a small share of the wait.
public struct PollSchedule: Sendable, Hashable {
    /// The first interval, and the shortest (default 1 s).
    public var initial: Duration
    /// The share of the elapsed wait used as the next interval (default 0.05).
    public var fraction: Double
    /// The longest interval when the step gives no `every` (default 30 s).
    public var maximum: Duration
    /// The longest interval between polls after failed ones: each failed poll in a row doubles
    /// the interval, up to this (default 30 s).
    public var maximumBackoff: Duration
    /// How long a wait goes on polling a target it cannot reach (refused connections, DNS, TLS)
    /// before the run ends as a target failure (default 5 min). Other failed polls (HTTP 5xx,
    /// 429, no answer, an unreadable answer) are tried again until the wait's own deadline.
    public var unreachableLimit: Duration

    /// A schedule with these settings; the defaults: 1 s first, then 5% of the elapsed wait, at
    /// most 30 s apart (after failed polls too), and 5 minutes of polling an unreachable target.
    public init(
        initial: Duration = .seconds(1), fraction: Double = 0.05, maximum: Duration = .seconds(30),
        maximumBackoff: Duration = .seconds(30), unreachableLimit: Duration = .seconds(300)
    ) {
        self.initial = initial
        self.fraction = fraction
        self.maximum = maximum
        self.maximumBackoff = maximumBackoff
        self.unreachableLimit = unreachableLimit
    }

    /// The interval before the next poll after `failures` failed polls in a row: the usual
    /// interval doubled for each, at most ``maximumBackoff`` (but never less than the usual).
    public func backoff(after failures: Int, interval: Duration) -> Duration {
        guard failures > 0 else { return interval }
        var result = interval
        for _ in 0..<min(failures, 16) where result < maximumBackoff { result = result * 2 }
        return max(interval, min(result, maximumBackoff))
    }

    /// The interval before the next poll, `elapsed` into the wait, with the step's `every`.
    public func interval(elapsed: Duration, every: Duration?) -> Duration {
        let cap = every ?? maximum
        let grown = Duration.milliseconds(Int64(Double(elapsed.milliseconds) * fraction))
        return min(cap, max(min(initial, cap), grown))
    }
}
