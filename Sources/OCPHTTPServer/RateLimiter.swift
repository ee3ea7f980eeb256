import OCPModel
import RunbookSupport
import Synchronization

/// `--rate-limit N`: at most `limit` requests from each caller in each one-second window of the
/// server's clock; the others are answered 429 with `RateLimit-Limit`, `RateLimit-Remaining`,
/// `RateLimit-Reset` and `Retry-After` (reference section 7). Every answer to an authenticated
/// caller carries the `RateLimit-*` headers.
///
/// The server asks only once a request is authenticated, with its principal (`user admin`,
/// `key AK`, or ``openCaller`` when no credentials are configured): a flood of refused
/// credentials spends nobody's budget, and one caller cannot spend another's. The callers are the
/// configured principals, so the windows kept are few.
public final class RateLimiter: Sendable {
    /// Requests each caller may make in one window: the `N` of `--rate-limit N`, at least 1.
    public let limit: Int
    private let now: @Sendable () -> Duration
    private let windows = Mutex<[String: (start: Duration, count: Int)]>([:])

    /// The caller of a server with no credentials configured.
    public static let openCaller = "open"

    /// What the limiter decided for one request.
    public struct Decision: Sendable, Hashable {
        /// Whether the request may go on; false: it is answered 429.
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

    /// Counts one request of `caller` (an authenticated principal) and says whether it may go on.
    public func admit(_ caller: String) -> Decision {
        let t = now()
        return windows.withLock { windows in
            var w = windows[caller] ?? (.zero, 0)
            if t - w.start >= .seconds(1) || t < w.start {
                // A new window, aligned on whole seconds of the clock.
                let (seconds, _) = t.components
                w = (.seconds(seconds), 0)
            }
            let left = w.start + .seconds(1) - t
            // At most one second is left in a window: the conversion cannot overflow.
            let reset = max(1, Int((left.secondsDouble).rounded(.up)))
            guard w.count < limit else { return Decision(allowed: false, remaining: 0, resetSeconds: reset) }
            w.count += 1
            windows[caller] = w
            return Decision(allowed: true, remaining: limit - w.count, resetSeconds: reset)
        }
    }
}
