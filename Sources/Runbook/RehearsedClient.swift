import OCPHTTP
import OCPModel
import OCPSimulation
import RunbookSupport

/// The embedded simulator as a run against a real OCP meets it: a call it answers with an error
/// that the HTTP client sends again is sent again here too, by the same policy and on the
/// simulator's clock, so that a rehearsal with `simulate: faults` of `endpoint:` rides out a flaky
/// API as the real run would.
///
/// A read or a pre-check answered 502, 503 or 504 is sent again, up to the policy's attempts in
/// all; any call answered 429 (OCP did not take it) is sent again, up to the policy's rate-limited
/// attempts. A state-changing call answered 500 or more is not sent again: the simulator's
/// injected failure of a POST starts no task, so looking for its effect, as the HTTP client would,
/// can only find none. Each retry is noted on the record of the attempt it follows.
struct RehearsedClient: OCPClient {
    let base: OCPSimulator<SimulationClock>
    let clock: SimulationClock
    var policy = OCPConnection.RetryPolicy()

    func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        let call = operation.request.call
        let changes = operation.request.endpoint.changesState
        var attempt = 1
        var failures = 0
        var rateLimited = 0
        while true {
            let result: Result<Response, OCPError> = await OCPCallLog.$attempt.withValue(attempt) {
                do throws(OCPError) {
                    return .success(try await base.send(operation))
                } catch {
                    return .failure(error)
                }
            }
            let error: OCPError
            switch result {
            case .success(let value): return value
            case .failure(let e): error = e
            }
            let status = error.httpStatus ?? 0
            var wait: Duration?
            if status == 429, rateLimited + 1 < policy.maxRateLimitedAttempts {
                rateLimited += 1
                wait = policy.backoff(before: rateLimited + 1)
            } else if !changes, [502, 503, 504].contains(status), failures + 1 < policy.maxAttempts {
                failures += 1
                wait = policy.backoff(before: failures + 1)
            }
            guard let wait else { throw error }
            OCPCallLog.current?.annotate(
                method: call.method, path: call.path, attempt: attempt,
                note: "HTTP \(status): \(status == 429 ? "OCP did not take the call; " : "")sending it again in \(DurationText.format(wait))")
            do {
                try await clock.sleep(for: wait)
            } catch {
                throw OCPError(.cancelled, call: call, message: "stopped (the step's deadline passed, or the run was interrupted)")
            }
            attempt += 1
        }
    }
}
