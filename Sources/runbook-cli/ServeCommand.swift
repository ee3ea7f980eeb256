import ArgumentParser
import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the OCP simulator over HTTP, as a stand-in for a real OCP.",
        discussion: """
            Answers every endpoint runbook calls (failover, switchover, their pre-checks, clusters, \
            tasks, subtasks; OceanBase 4.x tenants, their switchover and failover, single and batch, \
            and their pre-checks), plus GET /api/v2/ob/clusters/{id}, with OCP's envelopes, error codes \
            and HTTP statuses. The clusters, tenants and faults come from --topology (the keys of a \
            runbook's `simulate:` block: speed, clusters, tenants, faults, services); without one, cluster 5 \
            (PRIMARY, STOPPED) and its standby 6, and clusters 3000009 and 3000010 with the primary \
            tenant 2000022 and its standby 2000025.

            Time: at `--speed instant` (the default) simulated time moves with reads: each GET first \
            moves it to the next scheduled event, and at least 30 s ahead, so a client polling a \
            failover sees it end after about four reads; POSTs do not move time. `realtime` and `Nx` \
            run simulated time on the wall clock, N times faster.

            Authentication is open only when no credentials are given. With --user and/or \
            --access-key, or --credentials FILE, requests must carry HTTP Basic or an AK/SK signature \
            (Date within 15 minutes), else 401, decided from the request's head before its body is \
            read. Secrets need not be on the command line (where other local users can see them): \
            the password of --user comes from --password, else RUNBOOK_SERVE_PASSWORD; the secret of \
            --access-key from --secret-key, else RUNBOOK_SERVE_ACCESS_KEY_SECRET; or all of them \
            from --credentials FILE, the YAML of `runbook run --credentials` (user and password, \
            and/or accessKeyId and accessKeySecret; mode 0600). None may be empty.

            --rate-limit counts each authenticated caller (user, access key, or everyone when auth is \
            open) on its own; refused requests count for no one. A connection that sends no complete \
            request part (a head, a piece of body) for --idle-timeout is closed: one that sends \
            nothing, trickles a head, or idles between requests. Bodies over 1 MiB and heads over \
            32 KiB are answered 400.

            One line per request goes to standard output, from a buffer that never holds up \
            requests: when the output does not keep up, lines are dropped (counted on standard \
            error); when it is closed, the log stops and serving goes on. SIGINT or SIGTERM stops \
            accepting connections and lets the requests in flight finish.

            Exit status: 0 stopped by SIGINT or SIGTERM, 1 the port cannot be listened on, 2 a \
            topology or credentials problem (said with its file and line; nothing was served), 64 \
            the command line is wrong (an unknown option, an empty --password, ...).
            """
    )

    @Option(help: ArgumentHelp("The address to listen on (loopback by default).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(
        help: ArgumentHelp("The port to listen on (0: any free port; the first line says which).", valueName: "port"))
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "A YAML file with the keys of a runbook's `simulate:` block: speed, clusters, tenants, faults, services.",
            valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var topology: String?

    @Option(
        help: ArgumentHelp(
            "instant, realtime or a factor such as 60x (default: the topology's, else instant).", valueName: "speed"))
    var speed: String?

    @Option(help: ArgumentHelp("The user HTTP Basic requests must give.", valueName: "user"))
    var user: String?

    @Option(
        help: ArgumentHelp(
            "The password of --user (default: $RUNBOOK_SERVE_PASSWORD; visible to other local users when given here).",
            valueName: "password"))
    var password: String?

    @Option(help: ArgumentHelp("An access key id AK/SK-signed requests may use.", valueName: "id"))
    var accessKey: String?

    @Option(
        help: ArgumentHelp(
            "The secret of --access-key (default: $RUNBOOK_SERVE_ACCESS_KEY_SECRET; visible to other local users when given here).",
            valueName: "secret"))
    var secretKey: String?

    @Option(
        help: ArgumentHelp(
            "A YAML file (mode 0600) with user and password, and/or accessKeyId and accessKeySecret, instead of the options above.",
            valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var credentials: String?

    @Option(help: ArgumentHelp("Answer 429 past this many requests per second from one caller.", valueName: "n"))
    var rateLimit: Int?

    @Option(
        help: ArgumentHelp(
            "Close a connection that sends no complete request part for this long (500ms, 30s, 5m).",
            valueName: "duration"))
    var idleTimeout = "60s"

    func validate() throws {
        // Emptiness and pairs are checked here; where each secret comes from, in run().
        if user?.isEmpty == true { throw ValidationError("--user cannot be empty.") }
        if password?.isEmpty == true { throw ValidationError("--password cannot be empty.") }
        if accessKey?.isEmpty == true { throw ValidationError("--access-key cannot be empty.") }
        if secretKey?.isEmpty == true { throw ValidationError("--secret-key cannot be empty.") }
        if credentials?.isEmpty == true { throw ValidationError("--credentials cannot be empty.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1 request per second.") }
        if let speed, SimulationSpeed(speed) == nil {
            throw ValidationError("'\(speed)' is not a speed: write instant, realtime or a factor such as 60x (from 0.001x to 1000000x).")
        }
        guard let idle = DurationText.parse(idleTimeout), idle > .zero, idle <= .seconds(3600) else {
            throw ValidationError(
                "--idle-timeout '\(idleTimeout)' is not a duration above 0 and at most 1h: write 500ms, 30s or 5m.")
        }
    }

    func run() async throws {
        var setup = SimulationSetup()
        if let topology {
            let bytes: [UInt8]
            do throws(Diagnostic) {
                bytes = try FileInput.read(topology)
            } catch {
                // The diagnostic says `error:` itself.
                Self.standardError("\(error.rendered(source: nil)); nothing was served")
                throw ExitCode(2)
            }
            let outcome = SimulateBlockDecoder.decodeTopology(bytes: bytes, file: topology)
            let source = SourceText(path: topology, text: String(decoding: bytes, as: UTF8.self))
            for diagnostic in outcome.diagnostics {
                Self.standardError(diagnostic.rendered(source: source))
            }
            guard let decoded = outcome.block, !outcome.hasErrors else {
                Self.standardError("runbook: error: \(topology) is invalid; nothing was served")
                throw ExitCode(2)
            }
            setup = SimulationSetup(decoded)
        }
        let pace = speed.flatMap(SimulationSpeed.init) ?? setup.speed

        let accepted: ServerCredentials
        do throws(OCPConnectionError) {
            accepted = try Credentials.server(
                user: user, password: password, accessKey: accessKey, secretKey: secretKey, file: credentials,
                environment: ProcessInfo.processInfo.environment)
        } catch {
            // A credentials file that is not YAML is a located diagnostic that says `error:` itself.
            let located = error.description.contains(": error: ")
            Self.standardError("\(located ? "" : "runbook: error: ")\(error.description); nothing was served")
            throw ExitCode(2)
        }
        for (option, value, variable) in [
            ("--password", password, Credentials.servePasswordVariable),
            ("--secret-key", secretKey, Credentials.serveSecretVariable),
        ] where value != nil {
            Self.standardError(
                "runbook serve: warning: \(option) on the command line is visible to other local users; set \(variable) or use --credentials FILE instead"
            )
        }
        if accepted.isOpen, !["127.0.0.1", "::1", "localhost"].contains(host) {
            Self.standardError(
                "runbook serve: warning: \(host) is not loopback and no credentials are set: anyone who can reach it may call it"
            )
        }
        let idle = DurationText.parse(idleTimeout) ?? ServeConfiguration.defaultIdleTimeout
        let configuration = ServeConfiguration(
            host: host, port: port, credentials: accepted, rateLimit: rateLimit, idleTimeout: idle)
        // Standard output is written from a thread of its own: a slow, unread or closed output never
        // holds up a request, and never ends the server (SIGPIPE is ignored from here on).
        let log = OutputWriter(descriptor: STDOUT_FILENO, name: "runbook serve: the request log", noun: "request-log line")
        let server = OCPServer.simulator(
            configuration: configuration, setup: setup, speed: pace, requestLog: { record in log.write(record.line) })

        let clusters = setup.clusters?.count ?? SimulationSetup.defaultClusters.count
        let tenants = setup.effectiveTenants.count
        let host = self.host
        let limit = rateLimit.map { "\($0) requests/s per caller" } ?? "none"
        let faults = setup.faults.count
        let auth = accepted.summary
        let idleText = DurationText.format(idle)
        var failed = false
        do {
            try await server.runUntilSignalled { boundPort in
                let shown = host.contains(":") ? "[\(host)]" : host
                log.write(
                    "runbook serve: listening on http://\(shown):\(boundPort) (speed \(pace), \(clusters) clusters, "
                        + "\(tenants) tenants, \(faults) faults, auth \(auth), rate limit \(limit), idle timeout \(idleText))")
            }
            log.write("runbook serve: stopped")
        } catch {
            Self.standardError("runbook: error: cannot serve on \(host):\(port): \(Self.words(error))")
            failed = true
        }
        // Waits a little for the last lines; an output nobody reads does not keep the server from exiting.
        if let lost = log.finish(within: .seconds(2)).summary { Self.standardError("runbook serve: \(lost)") }
        if failed { throw ExitCode(1) }
    }

    /// Why the server could not listen, in words (not a library's type name).
    static func words(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("UnknownHost") { return "the address cannot be resolved" }
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "the port is in use" }
        if text.contains("Cannot assign requested address") { return "this machine has no such address" }
        if text.contains("Permission denied") { return "permission denied (ports below 1024 need privileges)" }
        return text
    }

    /// Writes `message` to standard error; a closed or failing standard error is ignored.
    static func standardError(_ message: String) {
        OutputWriter.standardErrorNotice(message)
    }
}
