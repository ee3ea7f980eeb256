import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OCPHTTP
import Probes
import RunbookSupport
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Probes for real: HTTP(S) with AsyncHTTPClient (TLS checked as for the OCP target: its CA file,
/// or `--insecure`), TCP connections with SwiftNIO, programs with swift-subprocess (no shell, in a
/// process group of their own that a timeout kills whole, output bounded and kept in memory).
public final class LiveProbeClient: ProbeClient {
    private let http: HTTPClient
    /// Whether `shutdown()` has run (or begun), so that `deinit` does not shut the client twice.
    private let shutDown = Atomic<Bool>(false)
    /// Secrets that must not reach the step log through a program's output or an HTTP body.
    private let redact: @Sendable (String) -> String

    /// - Parameters:
    ///   - insecure: do not verify TLS certificates (as `--insecure` for the target).
    ///   - caFile: a PEM file of CA certificates to trust besides the system's (as `--ca-file`).
    ///   - redact: applied to every body and output kept.
    public init(
        insecure: Bool = false, caFile: String? = nil, redact: @escaping @Sendable (String) -> String = { $0 }
    ) throws(OCPConnectionError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecure { tls.certificateVerification = .none }
        if let caFile { tls.additionalTrustRoots = [.certificates(try HTTPOCPClient.certificates(inCAFile: caFile))] }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        // A probe measures the service: every attempt opens its own connection.
        configuration.connectionPool.idleTimeout = .milliseconds(1)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.redact = redact
    }

    /// Closes the HTTP client's connections. Call it once the probes are done with; a client
    /// dropped without it is shut down in the background by `deinit`, never blocking a thread.
    public func shutdown() async {
        guard !shutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await http.shutdown()
    }

    deinit {
        if !shutDown.exchange(true, ordering: .acquiringAndReleasing) { http.shutdown { _ in } }
    }

    /// Makes one attempt of `spec` for real: an HTTP request (no redirects followed), a TCP
    /// connection or a run of the program, each on a connection or process of its own and bounded
    /// by `spec.timeout`. Never throws: a failure is the observation's outcome, and `latency` is
    /// the attempt's wall-clock time.
    public func probe(_ spec: ProbeSpec) async -> ProbeObservation {
        let start = ContinuousClock.now
        let outcome: ProbeObservation.Outcome
        switch spec.target {
        case .http(let url): outcome = await httpProbe(url, spec)
        case .tcp(let host, let port): outcome = await tcpProbe(host, port, spec.timeout)
        case .command(let argv): outcome = await commandProbe(argv, spec.timeout)
        }
        return ProbeObservation(outcome, latency: start.duration(to: .now))
    }

    // MARK: - HTTP

    private func httpProbe(_ url: String, _ spec: ProbeSpec) async -> ProbeObservation.Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: spec.method)
        for header in spec.headers { request.headers.add(name: header.name, value: header.value) }
        let host = URL(string: url)?.host ?? url
        let timeout = TimeAmount.milliseconds(spec.timeout.milliseconds)
        var answered = false
        let began = ContinuousClock.now
        do {
            let response = try await http.execute(request, deadline: .now() + timeout)
            answered = true
            // The deadline bounds the whole answer: a body trickling in past it is no answer.
            let end = began.advanced(by: spec.timeout)
            let read = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask {
                    var body: [UInt8] = []
                    for try await chunk in response.body {
                        let room = ProbeObservation.capturedBytes - body.count
                        if room > 0 { body += chunk.readableBytesView.prefix(room) }
                    }
                    return body
                }
                group.addTask {
                    try await Task.sleep(until: end, clock: .continuous)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let body = read else { return .timedOut }
            return .answered(status: Int(response.status.code), body: redact(String(decoding: body, as: UTF8.self)))
        } catch {
            if let e = error as? HTTPClientError, e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout {
                return .timedOut
            }
            // An answer that began but did not come whole in time (a body trickling in) timed out.
            if answered, began.duration(to: .now) >= spec.timeout { return .timedOut }
            let failure = TransportFailure.classify(error, host: host, readTimeout: spec.timeout, answerStarted: answered)
            return .failed(failure.reason)
        }
    }

    // MARK: - TCP

    private func tcpProbe(_ host: String, _ port: Int, _ timeout: Duration) async -> ProbeObservation.Outcome {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeout.milliseconds))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return .connected
        } catch let error as ChannelError where error == .connectTimeout(.milliseconds(timeout.milliseconds)) {
            return .timedOut
        } catch {
            if case ChannelError.connectTimeout = error { return .timedOut }
            return .failed(TransportFailure.classify(error, host: host, readTimeout: timeout, answerStarted: false).reason)
        }
    }

    // MARK: - Programs

    private enum CommandEnd: Sendable {
        case drained([UInt8])
        case timedOut
    }

    /// A probe program's environment: runbook's, less the OCP credentials (`OCP_USER`,
    /// `OCP_PASSWORD`, `OCP_ACCESS_KEY_ID`, `OCP_ACCESS_KEY_SECRET`), which are for OCP alone.
    static let probeEnvironment = Environment.inherit.updating([
        "OCP_USER": nil, "OCP_PASSWORD": nil, "OCP_ACCESS_KEY_ID": nil, "OCP_ACCESS_KEY_SECRET": nil,
    ])

    private func commandProbe(_ argv: [String], _ timeout: Duration) async -> ProbeObservation.Outcome {
        guard let program = argv.first, !program.isEmpty else { return .failed("no program to run") }
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        var options = PlatformOptions()
        // A group of its own, so that a timeout kills what the program started as well.
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(100))]
        do {
            let result = try await run(
                executable, arguments: Arguments(Array(argv.dropFirst())), environment: Self.probeEnvironment,
                platformOptions: options, input: .none,
                output: .sequence, error: .combinedWithOutput
            ) { execution -> CommandEnd in
                await withTaskGroup(of: CommandEnd?.self, returning: CommandEnd.self) { group in
                    group.addTask {
                        var kept: [UInt8] = []
                        do {
                            for try await chunk in execution.standardOutput {
                                let room = ProbeObservation.capturedBytes - kept.count
                                if room > 0 { chunk.withUnsafeBytes { kept += $0.prefix(room) } }
                            }
                        } catch {}
                        return .drained(kept)
                    }
                    group.addTask {
                        do {
                            try await Task.sleep(for: timeout)
                        } catch {
                            return nil
                        }
                        try? execution.send(signal: .kill, toProcessGroup: true)
                        return .timedOut
                    }
                    // The timeout decides even when the output ends first because of the kill.
                    var drained: [UInt8]?
                    var timedOut = false
                    while let next = await group.next() {
                        switch next {
                        case .drained(let bytes)?:
                            drained = bytes
                            if !timedOut { group.cancelAll() }
                        case .timedOut?: timedOut = true
                        case nil: break
                        }
                    }
                    return timedOut ? .timedOut : .drained(drained ?? [])
                }
            }
            switch result.closureResult {
            case .timedOut: return .timedOut
            case .drained(let bytes):
                let output = redact(String(decoding: bytes, as: UTF8.self))
                switch result.terminationStatus {
                case .exited(let code): return .exited(code: code, output: output)
                case .signaled(let signal): return .signalled(signal)
                }
            }
        } catch let error as SubprocessError {
            if error.code == .executableNotFound { return .failed("\(program): no such program, or it cannot be run") }
            return .failed("\(program) could not be started")
        } catch {
            return .failed("\(program) could not be started")
        }
    }
}
