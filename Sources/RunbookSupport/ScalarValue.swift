/// A scalar resolved by the YAML 1.2 core schema.
package enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`, kept as its canonical decimal digits.
    case bigInt(String)
    case double(Double)
    case string(String)
}
