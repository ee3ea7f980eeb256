/// The pace of simulated time.
public enum SimulationSpeed: Sendable, Hashable, CustomStringConvertible {
    /// Time jumps ahead whenever something waits: a whole drill takes milliseconds.
    case instant
    /// Simulated time runs `factor` times faster than the wall clock (`realtime` is 1).
    case factor(Double)

    /// Simulated time at the wall clock's pace: `.factor(1)`.
    public static let realtime = SimulationSpeed.factor(1)

    /// The slowest and the fastest factor: a thousandth of real time (a minute takes 17 hours),
    /// and a million times real time (beyond that, use `instant`).
    public static let factors: ClosedRange<Double> = 0.001...1_000_000

    /// Parses `instant`, `realtime` or `N` followed by `x` (`60x`, `2.5x`), N in ``factors``.
    public init?(_ text: String) {
        switch text {
        case "instant": self = .instant
        case "realtime": self = .realtime
        default:
            guard text.hasSuffix("x"), let f = Double(text.dropLast()), f.isFinite, Self.factors.contains(f) else {
                return nil
            }
            self = .factor(f)
        }
    }

    /// The spelling ``init(_:)`` reads back: `instant`, `realtime` for a factor of 1, else the
    /// factor followed by `x` (`60x`, `2.5x`).
    public var description: String {
        switch self {
        case .instant: "instant"
        case .factor(1): "realtime"
        case .factor(let f):
            f == f.rounded() && abs(f) < 1e15 ? "\(Int64(f))x" : "\(f)x"
        }
    }
}
