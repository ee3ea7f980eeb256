import Crypto

/// Content digests for the step log.
package enum Digest {
    /// Lower-case hex SHA-256 of `bytes`.
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }
}

/// Hexadecimal spellings of bytes.
package enum Hex {
    private static let upper = Array("0123456789ABCDEF".utf8)
    private static let lower = Array("0123456789abcdef".utf8)

    /// Two upper-case hex digits: `0A`.
    package static func byte(_ byte: UInt8) -> String {
        String(decoding: [upper[Int(byte >> 4)], upper[Int(byte & 0xF)]], as: UTF8.self)
    }

    /// Lower-case hex of every byte, two digits each: `0a1b`.
    package static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(lower[Int(b >> 4)])
            out.append(lower[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
