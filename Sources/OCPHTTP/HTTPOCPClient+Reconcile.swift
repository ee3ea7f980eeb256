import Foundation
import OCPModel
import RunbookSupport

/// What the client found when it looked for the effect of a call after an ambiguous outcome.
struct Lookup<T: Sendable>: Sendable {
    /// The value the call would have answered, and what was found.
    var found: (value: T, what: String)?
    /// How many looks were made.
    var looks = 0
    /// Time spent looking: the pauses between looks and the looks themselves.
    var spent: Duration = .zero
    /// The error of the last look, when it failed.
    var lastError: OCPError?
    /// The window ended while a look was still out.
    var cutShort = false

    /// `found on look 3, 1.5s after the first`, `5 looks over the 40s reconciliation window`.
    func summary(window: Duration) -> String {
        if found != nil {
            return looks <= 1
                ? "found on the first look"
                : "found on look \(looks), \(DurationText.format(spent)) after the first"
        }
        let n = HTTPOCPClient.count(looks, "look")
        let w = "the \(DurationText.format(window)) reconciliation window"
        if cutShort { return "\(n); \(w) ended during a look" }
        return spent >= window ? "\(n) over \(w)" : "\(n) in \(DurationText.format(spent)) of \(w)"
    }
}

extension HTTPOCPClient {
    /// Looks for the effect of a call that changes state, after an ambiguous outcome: now, then
    /// again with backoff (the retry policy's, without the server's headers) until the effect is
    /// found or the reconciliation window ends. The window counts the pauses asked of `sleep:`
    /// and the time the looks take; a look still out when the window, on the real clock, has
    /// passed by a connect and a read timeout is cut short. Call it from a task that the caller's
    /// cancellation does not reach.
    func lookForEffect<T: Sendable>(_ request: OCPRequest, as: T.Type, sentAt: Date) async -> Lookup<T> {
        let window = connection.reconciliationWindow
        let limit = window + connection.connectTimeout + connection.readTimeout
        return await withTaskGroup(of: Lookup<T>?.self) { group in
            group.addTask { await self.looks(request, as: T.self, sentAt: sentAt, window: window) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            var result: Lookup<T>?
            while let next = await group.next() {
                if let next {
                    result = next
                } else if result == nil {
                    // The real clock says the window is over: stop the look that is out.
                    group.cancelAll()
                    continue
                }
                group.cancelAll()
            }
            return result ?? Lookup(cutShort: true)
        }
    }

    private func looks<T: Sendable>(_ request: OCPRequest, as: T.Type, sentAt: Date, window: Duration) async
        -> Lookup<T>
    {
        var lookup = Lookup<T>()
        while true {
            lookup.looks += 1
            let started = ContinuousClock.now
            do throws(OCPError) {
                if let (value, what) = try await reconcile(request, sentAt: sentAt) {
                    guard let typed = value as? T else { return lookup }
                    lookup.found = (typed, what)
                    return lookup
                }
                lookup.lastError = nil
            } catch {
                lookup.lastError = error
                if error.kind == .cancelled {
                    lookup.cutShort = true
                    return lookup
                }
            }
            lookup.spent += started.duration(to: .now)
            // Refused credentials will not be accepted on the next look either.
            if lookup.lastError?.kind == .unauthorized || lookup.spent >= window { return lookup }
            let pause = min(Self.backoff(before: lookup.looks + 1, policy: connection.retry), window - lookup.spent)
            do {
                try await sleeper(pause)
            } catch {
                lookup.cutShort = true
                return lookup
            }
            lookup.spent += pause
            if Task.isCancelled {
                lookup.cutShort = true
                return lookup
            }
        }
    }

    /// The value the call would have answered and what was found, or nil when there is no sign
    /// of the call's effect (yet): ``OCPClient/effect(of:sentSince:)``.
    private func reconcile(_ request: OCPRequest, sentAt: Date) async throws(OCPError) -> (any Sendable, String)? {
        try await effect(of: request, sentSince: sentAt)
    }

}
