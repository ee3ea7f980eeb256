import OCPModel
import RunbookSupport
import Synchronization

/// `--rate-limit N`: at most `limit` requests in each one-second window of the server's clock; the
/// others are answered 429 with `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
/// `Retry-After` (reference section 7). Every answer carries the `RateLimit-*` headers.
public final class RateLimiter: Sendable {
    public let limit: Int
    private let now: @Sendable () -> Duration
    private let window = Mutex<(start: Duration, count: Int)>((.zero, 0))

    /// What the limiter decided for one request.
    public struct Decision: Sendable, Hashable {
        public var allowed: Bool
        /// Requests left in this window after this one.
        public var remaining: Int
        /// Whole seconds until the window resets (at least 1).
        public var resetSeconds: Int

        /// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, and `Retry-After` when refused.
        public func headers(limit: Int) -> [(String, String)] {
            var headers = [
                ("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(remaining)),
                ("RateLimit-Reset", String(resetSeconds)),
            ]
            if !allowed { headers.append(("Retry-After", String(resetSeconds))) }
            return headers
        }
    }

    /// - Parameter now: the server's clock as time since some fixed start (tests move it by hand).
    public init(limit: Int, now: @escaping @Sendable () -> Duration = RateLimiter.monotonicNow) {
        self.limit = max(1, limit)
        self.now = now
    }

    /// Time since the process's first use of the limiter's default clock.
    public static let monotonicNow: @Sendable () -> Duration = {
        let start = ContinuousClock.now
        return { start.duration(to: .now) }
    }()

    /// Counts one request and says whether it may go on.
    public func admit() -> Decision {
        let t = now()
        return window.withLock { w in
            if t - w.start >= .seconds(1) || t < w.start {
                // A new window, aligned on whole seconds of the clock.
                let (seconds, _) = t.components
                w = (.seconds(seconds), 0)
            }
            let left = w.start + .seconds(1) - t
            let reset = max(1, Int((left.secondsDouble).rounded(.up)))
            guard w.count < limit else { return Decision(allowed: false, remaining: 0, resetSeconds: reset) }
            w.count += 1
            return Decision(allowed: true, remaining: limit - w.count, resetSeconds: reset)
        }
    }
}
