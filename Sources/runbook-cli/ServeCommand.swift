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
            tasks, subtasks), plus GET /api/v2/ob/clusters/{id}, with OCP's envelopes, error codes and \
            HTTP statuses. The clusters and faults come from --topology (the keys of a runbook's \
            `simulate:` block: speed, clusters, faults); without one, cluster 5 (PRIMARY, STOPPED) and \
            its standby 6.

            Time: at `--speed instant` (the default) simulated time moves with reads: each GET first \
            moves it to the next scheduled event, and at least 30 s ahead, so a client polling a \
            failover sees it end after about four reads; POSTs do not move time. `realtime` and `Nx` \
            run simulated time on the wall clock, N times faster.

            Authentication is open only when no credentials are given; with --user/--password and/or \
            --access-key/--secret-key, requests must carry HTTP Basic or an AK/SK signature (Date \
            within 15 minutes), else 401. A connection that sends no complete request part (a head, a \
            piece of body) for --idle-timeout is closed: one that sends nothing, trickles a head, or \
            idles between requests. Bodies over 1 MiB and heads over 32 KiB are answered 400. One \
            line per request goes to standard output. SIGINT or SIGTERM stops accepting connections \
            and lets the requests in flight finish.
            """
    )

    @Option(help: ArgumentHelp("The address to listen on (loopback by default).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(
        help: ArgumentHelp("The port to listen on (0: any free port; the first line says which).", valueName: "port"))
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "A YAML file with the keys of a runbook's `simulate:` block: speed, clusters, faults.", valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var topology: String?

    @Option(
        help: ArgumentHelp(
            "instant, realtime or a factor such as 60x (default: the topology's, else instant).", valueName: "speed"))
    var speed: String?

    @Option(help: ArgumentHelp("The user HTTP Basic requests must give.", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("The password of --user.", valueName: "password"))
    var password: String?

    @Option(help: ArgumentHelp("An access key id AK/SK-signed requests may use.", valueName: "id"))
    var accessKey: String?

    @Option(help: ArgumentHelp("The secret of --access-key.", valueName: "secret"))
    var secretKey: String?

    @Option(help: ArgumentHelp("Answer 429 past this many requests per second from one caller.", valueName: "n"))
    var rateLimit: Int?

    @Option(
        help: ArgumentHelp(
            "Close a connection that sends no complete request part for this long (500ms, 30s, 5m).",
            valueName: "duration"))
    var idleTimeout = "60s"

    func validate() throws {
        if (user == nil) != (password == nil) { throw ValidationError("--user and --password go together.") }
        if user?.isEmpty == true { throw ValidationError("--user cannot be empty.") }
        if user?.contains(":") == true {
            throw ValidationError("--user cannot contain ':' (HTTP Basic separates user and password with it).")
        }
        if (accessKey == nil) != (secretKey == nil) {
            throw ValidationError("--access-key and --secret-key go together.")
        }
        if accessKey?.isEmpty == true || secretKey?.isEmpty == true {
            throw ValidationError("--access-key and --secret-key cannot be empty.")
        }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1 request per second.") }
        if let speed, SimulationSpeed(speed) == nil {
            throw ValidationError("'\(speed)' is not a speed: write instant, realtime or a factor such as 60x.")
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
                Preparation.printError(error.rendered(source: nil))
                throw ExitCode(2)
            }
            let outcome = SimulateBlockDecoder.decodeTopology(bytes: bytes, file: topology)
            let source = SourceText(path: topology, text: String(decoding: bytes, as: UTF8.self))
            for diagnostic in outcome.diagnostics {
                FileHandle.standardError.write(Data((diagnostic.rendered(source: source) + "\n").utf8))
            }
            guard let decoded = outcome.block, !outcome.hasErrors else {
                Preparation.printError("\(topology) is invalid; nothing was served")
                throw ExitCode(2)
            }
            setup = SimulationSetup(decoded)
        }
        let pace = speed.flatMap(SimulationSpeed.init) ?? setup.speed

        var credentials = ServerCredentials()
        if let user, let password { credentials.basic = .init(user: user, password: password) }
        if let accessKey, let secretKey { credentials.accessKeys[accessKey] = secretKey }
        if credentials.isOpen, !["127.0.0.1", "::1", "localhost"].contains(host) {
            FileHandle.standardError.write(
                Data(
                    "runbook serve: warning: \(host) is not loopback and no credentials are set: anyone who can reach it may call it\n"
                        .utf8))
        }
        let idle = DurationText.parse(idleTimeout) ?? ServeConfiguration.defaultIdleTimeout
        let configuration = ServeConfiguration(
            host: host, port: port, credentials: credentials, rateLimit: rateLimit, idleTimeout: idle)
        let server = OCPServer.simulator(
            configuration: configuration, setup: setup, speed: pace,
            requestLog: { record in FileHandle.standardOutput.write(Data((record.line + "\n").utf8)) })

        let clusters = setup.clusters?.count ?? SimulationSetup.defaultClusters.count
        let host = self.host
        let limit = rateLimit.map { "\($0) requests/s per caller" } ?? "none"
        let faults = setup.faults.count
        let auth = credentials.summary
        let idleText = DurationText.format(idle)
        do {
            try await server.runUntilSignalled { boundPort in
                let shown = host.contains(":") ? "[\(host)]" : host
                FileHandle.standardOutput.write(
                    Data(
                        ("runbook serve: listening on http://\(shown):\(boundPort) (speed \(pace), \(clusters) clusters, "
                            + "\(faults) faults, auth \(auth), rate limit \(limit), idle timeout \(idleText))\n").utf8))
            }
        } catch {
            Preparation.printError("cannot serve on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data("runbook serve: stopped\n".utf8))
    }
}
