import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

/// Where the credentials for a real OCP come from: a credentials file (`--credentials FILE`) or
/// the environment (`OCP_ACCESS_KEY_ID`/`OCP_ACCESS_KEY_SECRET`, `OCP_USER`/`OCP_PASSWORD`).
/// AK/SK wins over Basic when both are given; the file wins over the environment.
package enum Credentials {
    /// The authentication to use. Fails when a credentials file cannot be read, is open to group
    /// or others (any permission bit beyond the owner's), or names neither a user and password nor
    /// a key pair.
    package static func authentication(environment: [String: String], file: String?) throws(OCPConnectionError)
        -> OCPConnection.Authentication
    {
        if let file { return try fromFile(file) }
        return fromPairs(
            accessKeyId: environment["OCP_ACCESS_KEY_ID"], accessKeySecret: environment["OCP_ACCESS_KEY_SECRET"],
            user: environment["OCP_USER"], password: environment["OCP_PASSWORD"]) ?? .none
    }

    static func fromPairs(accessKeyId: String?, accessKeySecret: String?, user: String?, password: String?)
        -> OCPConnection.Authentication?
    {
        if let ak = accessKeyId, let sk = accessKeySecret, !ak.isEmpty, !sk.isEmpty {
            return .accessKey(AKSKSigner(accessKeyId: ak, accessKeySecret: sk))
        }
        if let user, let password, !user.isEmpty {
            return .basic(user: user, password: password)
        }
        return nil
    }

    /// Reads a YAML credentials file: `user` and `password`, or `accessKeyId` and `accessKeySecret`.
    static func fromFile(_ path: String) throws(OCPConnectionError) -> OCPConnection.Authentication {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw OCPConnectionError("the credentials file \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw OCPConnectionError(
                "the credentials file \(path) is open to group or others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
            )
        }
        let bytes: [UInt8]
        let node: Node?
        do throws(Diagnostic) {
            bytes = try FileInput.read(path)
            node = try YAMLLoader().load(bytes: bytes, file: path)
        } catch {
            throw OCPConnectionError(error.description)
        }
        var values: [String: String] = [:]
        for pair in node?.mapping ?? [] {
            if let key = pair.key.scalar?.text, let value = pair.value.scalar?.text { values[key] = value }
        }
        if let auth = fromPairs(
            accessKeyId: values["accessKeyId"], accessKeySecret: values["accessKeySecret"], user: values["user"],
            password: values["password"])
        {
            return auth
        }
        throw OCPConnectionError(
            "the credentials file \(path) holds neither `user` and `password` nor `accessKeyId` and `accessKeySecret`")
    }
}
