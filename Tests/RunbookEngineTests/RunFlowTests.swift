import Foundation
import Synchronization
import RunbookTestSupport
import Testing

@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
import Probes
@testable import RunbookSupport
@testable import RunbookYAML

/// The meaning of a run: order of blocks, failures that continue, deadlines, manual gates,
/// interruptions, parallelism, what the log's last record measures.
@Suite struct RunFlowTests {
    // MARK: - Blocks

    struct BlocksCase: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: String
        var onFailure: String
        var finally: String
        var outcomes: [String]
        var run: RunOutcome
        var reason: String?

        var testDescription: String { name }
    }

    static let pass = "note: ok"
    static let fail = "assert cluster 6 type: PRIMARY"

    static let blocks: [BlocksCase] = [
        BlocksCase(
            name: "steps pass: on failure is skipped, finally runs", steps: pass, onFailure: pass, finally: pass,
            outcomes: ["steps[0]: passed", "steps[1]: passed", "on failure[0]: skipped", "on failure[1]: skipped", "finally[0]: passed", "finally[1]: passed"],
            run: .passed),
        BlocksCase(
            name: "a step fails: the rest are skipped, on failure runs, then finally", steps: fail, onFailure: pass,
            finally: pass,
            outcomes: ["steps[0]: failed", "steps[1]: skipped", "on failure[0]: passed", "on failure[1]: passed", "finally[0]: passed", "finally[1]: passed"],
            run: .failed, reason: "step steps[0] 'assert cluster 6: type PRIMARY' failed (test.yaml:3:5)"),
        BlocksCase(
            name: "on failure fails: finally still runs", steps: fail, onFailure: fail, finally: pass,
            outcomes: ["steps[0]: failed", "steps[1]: skipped", "on failure[0]: failed", "on failure[1]: skipped", "finally[0]: passed", "finally[1]: passed"],
            run: .failed, reason: "step steps[0] 'assert cluster 6: type PRIMARY' failed (test.yaml:3:5)"),
        BlocksCase(
            name: "finally fails: the run fails", steps: pass, onFailure: pass, finally: fail,
            outcomes: ["steps[0]: passed", "steps[1]: passed", "on failure[0]: skipped", "on failure[1]: skipped", "finally[0]: failed", "finally[1]: skipped"],
            run: .failed, reason: "in `finally`, step finally[0] 'assert cluster 6: type PRIMARY' failed (test.yaml:9:5)"),
    ]

    /// A failure inside a loop that continues on failure neither fails the run nor is told as
    /// one of `finally`'s.
    @Test(arguments: ["for each", "in parallel for each"])
    func aLoopThatContinuesOnFailureLetsTheRunPass(_ loop: String) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              xs: [1]
            steps:
              - \(loop) x in ${xs}:
                  - \(Self.fail)
                continue on failure: true
              - note: after
            """)
        #expect(try run.step("steps[0]").outcome == .continued)
        #expect(try run.step("steps[1]").outcome == .passed)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
    }

    @Test(arguments: blocks)
    func blocksRunInOrder(_ c: BlocksCase) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - \(c.steps)
              - note: second
            on failure:
              - \(c.onFailure)
              - note: second
            finally:
              - \(c.finally)
              - note: second
            """)
        #expect(run.outcomes == c.outcomes)
        #expect(run.finished.outcome == c.run)
        #expect(run.finished.reason == c.reason)
        // Each step that ran wrote its start before its end, and nothing else ran in between.
        var open: StepPosition?
        for record in run.records {
            switch record {
            case .stepStarted(let s):
                #expect(open == nil)
                open = s.position
            case .stepFinished(let s) where s.outcome != .skipped:
                #expect(open == s.position)
                open = nil
            default: break
            }
        }
    }

    @Test func continueOnFailureLogsTheFailureAndGoesOn() async throws {
        let text = Mutex("")
        let renderer = TerminalRenderer(style: .init(live: false, color: false)) { s in text.withLock { $0 += s } }
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - assert cluster 6 type: PRIMARY
                continue on failure: true
              - failover cluster: 6
              - await task status: SUCCESS
              - assert cluster 6 type: PRIMARY
            on failure:
              - note: not run
            """, sinks: [renderer])
        #expect(run.outcomes == ["steps[0]: continued", "steps[1]: passed", "steps[2]: passed", "steps[3]: passed", "on failure[0]: skipped"])
        #expect(run.finished.outcome == .passed)
        #expect(run.finished.counts == StepCounts(passed: 3, skipped: 1, continued: 1))
        #expect(try run.step("steps[0]").expected == "type PRIMARY")
        let output = text.withLock { $0 }
        #expect(output.contains("✘ assert cluster 6: type PRIMARY  0s  (continued on failure)\n"))
        #expect(output.contains("PASSED  3 passed, 1 continued, 1 skipped in 1m45s"))
    }

    // MARK: - The whole run's timeout

    @Test func runTimeoutStopsTheWaitEvenWhenTheStepMayContinue() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            timeout: 5m
            simulate:
              faults:
                - {subtask: Failover to Primary, takes: 20m}
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                continue on failure: true
              - note: after the deadline
            on failure:
              - note: the drill ran out of time
            finally:
              - note: done
            """)
        #expect(run.finished.outcome == .failed)
        #expect(
            run.outcomes == ["steps[0]: passed", "steps[1]: failed", "steps[2]: skipped", "on failure[0]: passed", "finally[0]: passed"])
        let wait = try run.step("steps[1]")
        #expect(
            wait.message?.hasPrefix(
                #"the runbook's timeout (5m) passed while awaiting task 171603 status SUCCESSFUL; subtask "Failover to Primary" is still RUNNING"#)
                == true, "\(wait.message ?? "")")
        #expect(wait.durationMs == 300_000)
        #expect(run.finished.durationMs == 300_000)
    }

    @Test func runTimeoutCutsASleepShorterThanItsStepTimeout() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            timeout: 1m
            steps:
              - sleep: 5m
                timeout: 10m
            """)
        let sleep = try run.step("steps[0]")
        #expect(sleep.outcome == .failed)
        #expect(sleep.message == "the runbook's timeout (1m) passed during the sleep")
        #expect(sleep.durationMs == 60_000)
    }

    @Test func stepTimeoutCutsASleep() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            timeout: 1h
            steps:
              - sleep: 5m
                timeout: 1m
            """)
        #expect(try run.step("steps[0]").message == "the step's timeout (1m) passed during the sleep")
        #expect(run.finished.durationMs == 60_000)
    }

    @Test func noStepStartsAfterTheRunTimeout() async throws {
        // A gate held open past the run's deadline: the failover after it must not start.
        let clockHolder = Mutex<SimulationClock?>(nil)
        let configuration = RunConfiguration(
            user: "tester",
            confirm: { _ in
                // The person takes 2 minutes to answer. (A running step holds the instant clock
                // still; this stand-in for a person lets it move, as the interpreter's own sleeps do.)
                guard let clock = clockHolder.withLock({ $0 }) else { return nil }
                clock.endBusy()
                defer { clock.beginBusy() }
                try? await clock.sleep(for: .seconds(120))
                return true
            })
        let runbook = try Engine.check(
            """
            runbook: t
            timeout: 1m
            steps:
              - confirm: go?
              - failover cluster: 6
                continue on failure: true
              - await task status: SUCCESS
            """)
        let run = await Engine.run(runbook, configuration: configuration, started: { interpreter in
            clockHolder.withLock { $0 = interpreter.clock.clock }
        })
        #expect(try run.step("steps[0]").outcome == .passed)
        let refused = try run.step("steps[1]")
        #expect(refused.outcome == .failed)
        #expect(refused.message == "not started: the runbook's timeout (1m) has passed")
        #expect(refused.calls.isEmpty)
        #expect(try await run.tasks().isEmpty)
    }

    // MARK: - Confirm

    struct ConfirmCase: Sendable, CustomTestStringConvertible {
        var name: String
        var assumeYes: Bool
        /// What the person answers; nil: there is no terminal to ask on.
        var answer: Bool?
        var outcome: StepOutcome
        var message: String

        var testDescription: String { name }
    }

    static let confirms: [ConfirmCase] = [
        ConfirmCase(name: "--yes", assumeYes: true, answer: nil, outcome: .passed, message: "Is the primary region lost?: yes (--yes)"),
        ConfirmCase(name: "answered yes", assumeYes: false, answer: true, outcome: .passed, message: "Is the primary region lost?: yes"),
        ConfirmCase(name: "answered no", assumeYes: false, answer: false, outcome: .failed, message: "Is the primary region lost?: declined"),
        ConfirmCase(
            name: "no terminal, no --yes", assumeYes: false, answer: nil, outcome: .failed,
            message: "Is the primary region lost?: no terminal to ask on; run with --yes to confirm without asking"),
    ]

    @Test(arguments: confirms)
    func confirmGatesTheStepsAfterIt(_ c: ConfirmCase) async throws {
        let asked = Mutex<[String]>([])
        let answer = c.answer
        let configuration = RunConfiguration(
            user: "tester", assumeYes: c.assumeYes,
            confirm: { question in
                asked.withLock { $0.append(question) }
                return answer
            })
        let runbook = try Engine.check(
            """
            runbook: t
            vars:
              region: primary
            steps:
              - confirm: Is the ${region} region lost?
              - failover cluster: 6
              - await task status: SUCCESS
            """)
        let run = await Engine.run(runbook, configuration: configuration)
        let gate = try run.step("steps[0]")
        #expect(gate.outcome == c.outcome)
        #expect(gate.message == c.message)
        #expect(asked.withLock { $0 } == (c.assumeYes ? [] : ["Is the primary region lost?"]))
        let tasks = try await run.tasks()
        if c.outcome == .passed {
            #expect(run.finished.outcome == .passed)
            #expect(tasks.count == 1)
        } else {
            // Nothing after a refused gate runs: no failover was started.
            #expect(run.outcomes == ["steps[0]: failed", "steps[1]: skipped", "steps[2]: skipped"])
            #expect(tasks.isEmpty)
            #expect(run.finished.outcome == .failed)
        }
    }

    // MARK: - Interruption

    static let interruptible = """
        runbook: t
        simulate:
          clusters:
            - {id: 5, name: hz, type: PRIMARY, status: STOPPED}
            - {id: 6, name: sh, type: STANDBY, primary: 5}
            - {id: 7, name: bj, type: PRIMARY, status: STOPPED}
            - {id: 8, name: sz, type: STANDBY, primary: 7}
        steps:
          - failover cluster: 6
          - await task status: SUCCESS
          - failover cluster: 8
        on failure:
          - note: not after an interruption
        finally:
          - note: cleaning up
          - failover cluster: 8
        """

    @Test func interruptStopsTheWaitRunsFinallyAndStartsNoClusterAction() async throws {
        let trigger = Trigger(progress: { $0.position.label == "steps[1]" && $0.elapsedMs >= 30_000 })
        let runbook = try Engine.check(Self.interruptible)
        let run = await Engine.run(runbook, sinks: [trigger], started: { interpreter in
            trigger.arm { interpreter.interrupt() }
        })
        #expect(trigger.hasFired)
        #expect(run.finished.outcome == .interrupted)
        #expect(run.finished.outcome.exitStatus == 130)
        #expect(
            run.outcomes == [
                "steps[0]: passed", "steps[1]: failed", "steps[2]: skipped", "on failure[0]: skipped",
                "finally[0]: passed", "finally[1]: failed",
            ])
        let wait = try run.step("steps[1]")
        #expect(wait.message == "interrupted")
        // The wait stopped when interrupted, not when the failover ended (104 s).
        #expect(wait.durationMs >= 30_000 && wait.durationMs < 40_000)
        #expect(
            try run.step("finally[1]").message
                == "not started: the run was interrupted, and no cluster action starts after that")
        #expect(try run.step("finally[1]").calls.isEmpty)
        #expect(try await run.tasks().map(\.clusterId) == [6])
        // The failover goes on on OCP: the reason says so, and how (not) to take the run up again.
        #expect(
            run.finished.reason
                == "interrupted; `finally` ran, and no cluster action was started after the interruption; task 171603 (failover of cluster 6) is still running on OCP: an embedded run cannot be resumed (its simulator ended with it): rehearse interruptions against `runbook serve`")
    }

    @Test func interruptStopsASleepAtOnce() async throws {
        let trigger = Trigger(record: {
            if case .stepStarted(let s) = $0 { s.position.label == "steps[0]" } else { false }
        })
        let runbook = try Engine.check(
            """
            runbook: t
            steps:
              - sleep: 1h
              - note: never
            finally:
              - note: done
            """)
        let run = await Engine.run(runbook, sinks: [trigger], started: { interpreter in
            trigger.arm { interpreter.interrupt() }
        })
        #expect(run.finished.outcome == .interrupted)
        #expect(run.outcomes == ["steps[0]: failed", "steps[1]: skipped", "finally[0]: passed"])
        #expect(try run.step("steps[0]").durationMs == 0)
    }

    /// Probes that never end until cancelled, then say the program was killed, as a real one does.
    struct EndlessProbes: ProbeClient {
        func probe(_ spec: ProbeSpec) async -> ProbeObservation {
            let (stream, continuation) = AsyncStream<Void>.makeStream()
            await withTaskCancellationHandler {
                for await _ in stream {}
            } onCancel: {
                continuation.finish()
            }
            return ProbeObservation(.signalled(9), latency: .milliseconds(5))
        }
    }

    @Test func aProbeCutShortByTheInterruptionIsInterruptedNotFailed() async throws {
        let trigger = Trigger(record: {
            if case .stepStarted(let s) = $0 { s.position.label == "steps[1]" } else { false }
        })
        let runbook = try Engine.check(
            """
            runbook: t
            steps:
              - note: first
              - probe command: [sleep, "305"]
                timeout: 60s
              - note: never
            finally:
              - note: done
            """)
        var configuration = RunConfiguration(user: "tester")
        configuration.probes = EndlessProbes()
        let run = await Engine.run(runbook, configuration: configuration, sinks: [trigger], started: { interpreter in
            trigger.arm { interpreter.interrupt() }
        })
        #expect(trigger.hasFired)
        #expect(run.finished.outcome == .interrupted)
        #expect(run.outcomes == ["steps[0]: passed", "steps[1]: failed", "steps[2]: skipped", "finally[0]: passed"])
        let probe = try run.step("steps[1]")
        #expect(probe.interrupted == true && probe.message == "interrupted")
        // The killed attempt saw nothing of the service: it is not evidence.
        #expect(probe.probes == nil)
    }

    @Test func aStepStoppedByItsLoopsTimeoutIsNotInterrupted() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars: {items: [1, 2, 3]}
            steps:
              - for each i in ${items}:
                  - sleep: 1m
                timeout: 90s
                continue on failure: true
            """)
        #expect(run.finished.outcome == .passed)
        let second = try run.step("steps[0]/i=2[0]")
        #expect(second.outcome == .failed && second.interrupted == nil)
        #expect(second.message == "stopped: the timeout of the step around it passed")
        #expect(try run.step("steps[0]").message?.contains("1m30s") == true)
    }

    @Test func interruptStopsAWaitOfOnFailure() async throws {
        let trigger = Trigger(record: {
            if case .stepStarted(let s) = $0 { s.position.label == "on failure[1]" } else { false }
        })
        let runbook = try Engine.check(
            """
            runbook: t
            simulate:
              faults:
                - {subtask: Mc lock ob clusters, fail: 1}
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            on failure:
              - rollback task
              - await task status: SUCCESS
              - note: never
            finally:
              - note: done
            """)
        let run = await Engine.run(runbook, sinks: [trigger], started: { interpreter in
            trigger.arm { interpreter.interrupt() }
        })
        #expect(run.finished.outcome == .interrupted)
        #expect(
            run.outcomes == [
                "steps[0]: passed", "steps[1]: failed", "on failure[0]: passed", "on failure[1]: failed",
                "on failure[2]: skipped", "finally[0]: passed",
            ])
        #expect(try run.step("on failure[1]").message == "interrupted")
        #expect(try run.step("on failure[1]").durationMs == 0)
    }

    @Test func interruptStopsParallelItemsAndLaunchesNoMore() async throws {
        let trigger = Trigger(progress: { $0.elapsedMs >= 10_000 })
        let runbook = try Engine.check(Self.fleet(6, limit: 2))
        let run = await Engine.run(runbook, sinks: [trigger], started: { interpreter in
            trigger.arm { interpreter.interrupt() }
        })
        #expect(run.finished.outcome == .interrupted)
        // Only the first two items started a failover; their waits stopped.
        let tasks = try await run.tasks()
        #expect(tasks.count == 2)
        #expect(tasks.allSatisfy { $0.status == .running })
        #expect(try run.step("steps[0]").message == "interrupted")
        #expect(run.finished.durationMs < 20_000)
        // The items never started are in the log, skipped.
        let skipped = run.steps.filter { $0.outcome == .skipped }.map(\.position.label)
        #expect(
            skipped == [6, 8, 10, 12].flatMap { ["steps[0]/standby=\($0)[0]", "steps[0]/standby=\($0)[1]"] })
    }

    // MARK: - Parallel items

    /// `count` pairs (standbys 2, 4, ...) failed over in parallel, `limit` at a time.
    static func fleet(_ count: Int, limit: Int?) -> String {
        let clusters = (0..<count).map { i in
            "    - {id: \(2 * i + 1), name: p\(i), type: PRIMARY, status: STOPPED}\n"
                + "    - {id: \(2 * i + 2), name: s\(i), type: STANDBY, primary: \(2 * i + 1)}"
        }.joined(separator: "\n")
        return """
            runbook: fleet
            vars:
              standbys: [\((0..<count).map { String(2 * $0 + 2) }.joined(separator: ", "))]
            simulate:
              clusters:
            \(clusters)
            steps:
              - in parallel for each standby in ${standbys}:
                  - failover cluster: ${standby}
                  - await task status: SUCCESS
            \(limit.map { "    max concurrency: \($0)" } ?? "")
            """
    }

    @Test(arguments: [1, 3, 7])
    func maxConcurrencyBoundsTheTasksRunningAtOnce(limit: Int) async throws {
        let run = try await Engine.run(Self.fleet(7, limit: limit))
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        let tasks = try await run.tasks()
        #expect(tasks.count == 7)
        #expect(try Engine.maxOverlap(tasks) == limit)
        #expect(try run.step("steps[0]").message == "7 items passed, at most \(limit) at once")
        // The first `limit` items start together, at the run's start.
        let starts = tasks.compactMap(\.startTime).sorted()
        #expect(starts.prefix(limit).allSatisfy { $0 == starts[0] })
        // A waiting item starts when one before it ended, no later than that item's wait noticed.
        let rounds = (7 + limit - 1) / limit
        #expect(run.finished.durationMs >= Int64(rounds) * 104_000)
        #expect(run.finished.durationMs < Int64(rounds) * 110_000)
    }

    @Test func withoutMaxConcurrencyAtMostAHundredRunAtOnce() async throws {
        let run = try await Engine.run(Self.fleet(150, limit: nil))
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        let tasks = try await run.tasks()
        #expect(tasks.count == 150)
        #expect(try Engine.maxOverlap(tasks) == ForEachBlock.defaultMaxConcurrency)
        #expect(try run.step("steps[0]").message == "150 items passed, at most 100 at once (the default)")
    }

    @Test func maxConcurrencyFromAVariable() async throws {
        let text = Self.fleet(4, limit: nil).replacingOccurrences(
            of: "      - await task status: SUCCESS\n",
            with: "      - await task status: SUCCESS\n    max concurrency: ${width}\n")
        let run = try await Engine.run(text, vars: ["width": "2"])
        #expect(try Engine.maxOverlap(try await run.tasks()) == 2)
    }

    @Test func parallelItemsStartAtTheSameSimulatedInstant() async throws {
        let run = try await Engine.run(Self.fleet(20, limit: nil))
        let tasks = try await run.tasks()
        #expect(tasks.count == 20)
        #expect(Set(tasks.compactMap(\.startTime)).count == 1)
        #expect(Set(tasks.compactMap(\.finishTime)).count == 1)
        #expect(run.finished.recoveries.allSatisfy { $0.calledAtMs == 0 && $0.recoveryMs == 104_000 })
    }

    @Test func parallelFailureOfOneItemLetsTheOthersFinish() async throws {
        let text = Self.fleet(3, limit: nil).replacingOccurrences(
            of: "steps:", with: "  faults:\n    - {subtask: Wait node, fail: 1, cluster: 4}\nsteps:")
        let run = try await Engine.run(text)
        #expect(run.finished.outcome == .failed)
        #expect(try run.step("steps[0]").message == "1 of 3 items failed: standby=4")
        #expect(try run.step("steps[0]/standby=2[1]").outcome == .passed)
        #expect(try run.step("steps[0]/standby=4[1]").outcome == .failed)
        #expect(try run.step("steps[0]/standby=6[1]").outcome == .passed)
    }

    // MARK: - The log's first and last records

    @Test func runStartedRecordsWhatRunsWhereAndByWhom() async throws {
        let configuration = RunConfiguration(
            user: "sre-7", fileSHA256: String(repeating: "0f", count: 32), environment: ["RB_REGION": "sh"])
        let runbook = try Engine.check(
            """
            runbook: Started record
            vars:
              standby: 6
              region: ${env.RB_REGION}
              label: drill in ${region}
            steps:
              - note: ${label}
            """, file: "drills/started.yaml", vars: ["standby": "8"])
        let run = await Engine.run(runbook, configuration: configuration)
        let started = try #require(run.started)
        #expect(started.title == "Started record")
        #expect(started.file == "drills/started.yaml")
        #expect(started.sha256 == String(repeating: "0f", count: 32))
        #expect(started.target == "embedded")
        #expect(started.user == "sre-7")
        #expect(started.toolVersion == RunbookVersion.current)
        #expect(started.simulationSpeed == "instant")
        #expect(started.variables == ["standby": .number(8), "region": .string("sh"), "label": .string("drill in sh")])
        #expect(try run.step("steps[0]").message == "drill in sh")
    }

    @Test func variableThatCannotBeEvaluatedRunsNoStep() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              url: ${env.RB_TEST_SURELY_UNSET}
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            finally:
              - note: done
            """)
        #expect(run.finished.outcome == .failed)
        #expect(run.outcomes == ["steps[0]: skipped", "steps[1]: skipped", "finally[0]: passed"])
        #expect(run.finished.reason?.contains("the environment variable RB_TEST_SURELY_UNSET is not set") == true)
        #expect(try await run.tasks().isEmpty)
    }

    @Test func recoveryOfATaskNeverSeenToEndIsOpen() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - sleep: 30s
              - assert task status: RUNNING
            """)
        let recovery = try #require(run.finished.recoveries.first)
        #expect(recovery.taskStatus == "RUNNING")
        #expect(recovery.endedAtMs == nil && recovery.recoveryMs == nil)
    }

    @Test func recoveryIsMeasuredFromTheCallToTheTaskEnd() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - sleep: 10s
              - failover cluster: 6
              - await task status: SUCCESS
                every: 20s
            """)
        let recovery = try #require(run.finished.recoveries.first)
        #expect(recovery.calledAtMs == 10_000)
        #expect(recovery.recoveryMs == 104_000)
        // The run saw the end at its next poll, after the task had ended.
        #expect(try #require(recovery.endedAtMs) >= 114_000)
        #expect(run.finished.durationMs == recovery.endedAtMs)
    }

    @Test func rolledBackActionIsNotReportedAsARecovery() async throws {
        let text = Mutex("")
        let renderer = TerminalRenderer(style: .init(live: false, color: false)) { s in text.withLock { $0 += s } }
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - {subtask: Mc lock ob clusters, fail: 1}
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            on failure:
              - rollback task
              - await task status: SUCCESS
            """, sinks: [renderer])
        let recovery = try #require(run.finished.recoveries.first)
        #expect(recovery.taskStatus == "SUCCESSFUL")
        #expect(recovery.operation == "ROLLBACK")
        #expect(recovery.isRolledBack)
        #expect(recovery.outcome == .rolledBack)
        #expect(recovery.recoveryMs == nil)
        #expect(text.withLock { $0 }.contains("recovery: failover of cluster 6 (task 171603) rolled back: the failover was undone, no recovery"))
        let completed = try await Engine.run(try Engine.example("failover-drill.yaml"))
        #expect(completed.finished.recoveries.first?.operation == "EXECUTE")
        #expect(completed.finished.recoveries.first?.outcome == .completed)
        #expect(completed.finished.recoveries.first?.recoveryMs == 104_000)
    }

    // MARK: - The journal

    @Test func journalHoldsTheSameRecordsAsTheRun() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try JournalWriter(path: path)
        let run = await Engine.run(try Engine.example("failover-with-fault.yaml"), sinks: [journal])
        await journal.close()
        #expect(journal.failure == nil)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let decoded = try lines.map { try JSONDecoder().decode(StepLogRecord.self, from: Data($0.utf8)) }
        #expect(decoded == run.records)
        #expect(decoded.count == 2 + 2 * 7)
        #expect(lines.first?.contains(#""record":"run-started""#) == true)
        #expect(lines.last?.contains(#""record":"run-finished""#) == true)
        #expect(lines.last?.contains(#""recoveries":[{"#) == true)
    }
}
