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
        return try fromPairs(
            accessKeyId: environment["OCP_ACCESS_KEY_ID"], accessKeySecret: environment["OCP_ACCESS_KEY_SECRET"],
            user: environment["OCP_USER"], password: environment["OCP_PASSWORD"],
            names: ("OCP_ACCESS_KEY_ID", "OCP_ACCESS_KEY_SECRET", "OCP_USER", "OCP_PASSWORD"), place: "the environment")
            ?? .none
    }

    /// The credentials of one pair or the other; nil when neither is given. Half a pair, or a
    /// pair with an empty part, is refused: a run would otherwise go without credentials, or send
    /// an empty password, without a word.
    static func fromPairs(
        accessKeyId: String?, accessKeySecret: String?, user: String?, password: String?,
        names: (id: String, secret: String, user: String, password: String), place: String
    ) throws(OCPConnectionError) -> OCPConnection.Authentication? {
        func given(_ v: String?) -> Bool { v != nil }
        if given(accessKeyId) || given(accessKeySecret) {
            guard let ak = accessKeyId, let sk = accessKeySecret else {
                let (has, lacks) = given(accessKeyId) ? (names.id, names.secret) : (names.secret, names.id)
                throw OCPConnectionError("\(place) gives \(has) but not \(lacks): give both, or neither")
            }
            guard !ak.isEmpty, !sk.isEmpty else {
                throw OCPConnectionError("\(place) gives an empty \(ak.isEmpty ? names.id : names.secret)")
            }
            return .accessKey(AKSKSigner(accessKeyId: ak, accessKeySecret: sk))
        }
        if given(user) || given(password) {
            guard let user, let password else {
                let (has, lacks) = given(user) ? (names.user, names.password) : (names.password, names.user)
                throw OCPConnectionError("\(place) gives \(has) but not \(lacks): give both, or neither")
            }
            guard !user.isEmpty, !password.isEmpty else {
                throw OCPConnectionError("\(place) gives an empty \(user.isEmpty ? names.user : names.password)")
            }
            return .basic(user: user, password: password)
        }
        return nil
    }

    /// The keys a credentials file may hold.
    static let fileKeys = ["user", "password", "accessKeyId", "accessKeySecret", "target"]

    /// Reads a YAML credentials file: `user` and `password`, or `accessKeyId` and `accessKeySecret`.
    static func fromFile(_ path: String) throws(OCPConnectionError) -> OCPConnection.Authentication {
        let values = try readFile(path)
        for key in values.keys.sorted() where !fileKeys.contains(key) {
            throw OCPConnectionError(
                "the credentials file \(path) has an unknown key '\(key)'" + Suggestion.didYouMean(key, among: fileKeys))
        }
        if let auth = try fromPairs(
            accessKeyId: values["accessKeyId"], accessKeySecret: values["accessKeySecret"], user: values["user"],
            password: values["password"], names: ("accessKeyId", "accessKeySecret", "user", "password"),
            place: "the credentials file \(path)")
        {
            return auth
        }
        throw OCPConnectionError(
            "the credentials file \(path) holds neither `user` and `password` nor `accessKeyId` and `accessKeySecret`")
    }

    /// The secrets of a credentials file (its password, its key secret, and the Basic header's
    /// text), to hide wherever they could be shown; none when there is no file or it cannot be
    /// read (the run then refuses it where it is used).
    package static func secrets(inFile path: String?) -> [String] {
        guard let path, let values = try? readFile(path) else { return [] }
        var secrets = ["password", "accessKeySecret"].compactMap { values[$0] }.filter { !$0.isEmpty }
        if let user = values["user"], let password = values["password"], !password.isEmpty {
            secrets.append(Data("\(user):\(password)".utf8).base64EncodedString())
        }
        return secrets
    }

    /// The `target:` of a credentials file, when it has one and can be read: the operator's
    /// choice, which makes the runbook's own target unused.
    package static func target(inFile path: String?) -> String? {
        guard let path, let values = try? readFile(path) else { return nil }
        return values["target"]
    }

    /// The scalar values of a credentials file's top-level mapping, by key. Fails when the file
    /// cannot be read, is open to group or others (any permission bit beyond the owner's), or is
    /// not YAML. Errors name the file, never a value.
    static func readFile(_ path: String) throws(OCPConnectionError) -> [String: String] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw OCPConnectionError("the credentials file \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw OCPConnectionError("the credentials file \(path) is a directory, not a file")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw OCPConnectionError(
                "the credentials file \(path) is open to group or others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
            )
        }
        let node: Node?
        do throws(Diagnostic) {
            let bytes = try FileInput.read(path)
            node = try YAMLLoader().load(bytes: bytes, file: path)
        } catch {
            throw OCPConnectionError(error.description)
        }
        var values: [String: String] = [:]
        for pair in node?.mapping ?? [] {
            if let key = pair.key.scalar?.text, let value = pair.value.scalar?.text { values[key] = value }
        }
        return values
    }
}

// MARK: - `runbook serve`

extension Credentials {
    /// The password of `runbook serve --user`, when `--password` is not given.
    package static let servePasswordVariable = "RUNBOOK_SERVE_PASSWORD"
    /// The secret of `runbook serve --access-key`, when `--secret-key` is not given.
    package static let serveSecretVariable = "RUNBOOK_SERVE_ACCESS_KEY_SECRET"

    /// The credentials `runbook serve` accepts, from its options, the environment or a file.
    ///
    /// - With `file` (`--credentials FILE`): the file alone, of the same shape and the same 0600
    ///   rule as `run`'s: `user` and `password`, and/or `accessKeyId` and `accessKeySecret`. It
    ///   cannot be combined with the options.
    /// - Otherwise `user` (`--user`) takes its password from `password` (`--password`), else from
    ///   ``servePasswordVariable``; `accessKey` (`--access-key`) its secret from `secretKey`
    ///   (`--secret-key`), else from ``serveSecretVariable``. The variables are read only for a
    ///   user or key named on the command line.
    ///
    /// No user, password, key or secret may be empty, a user may not contain `:`, and a password
    /// or secret needs its user or key. Errors name the option, variable or file at fault, never
    /// a secret.
    package static func server(
        user: String?, password: String?, accessKey: String?, secretKey: String?, file: String?,
        environment: [String: String]
    ) throws(OCPConnectionError) -> ServerCredentials {
        if let file {
            let given = [("--user", user), ("--password", password), ("--access-key", accessKey), ("--secret-key", secretKey)]
                .filter { $0.1 != nil }.map(\.0)
            guard given.isEmpty else {
                throw OCPConnectionError(
                    "--credentials cannot be combined with \(given.joined(separator: ", ")): put the user, password, access key and secret in \(file)"
                )
            }
            return try serverFile(file)
        }
        var credentials = ServerCredentials()
        if let user {
            try checkUser(user, named: "--user")
            let secret = try secret(
                given: password, option: "--password", variable: servePasswordVariable, of: "--user \(user)",
                environment: environment)
            credentials.basic = .init(user: user, password: secret)
        } else if password != nil {
            throw OCPConnectionError("--password needs --user: the password is the user's")
        }
        if let accessKey {
            guard !accessKey.isEmpty else { throw OCPConnectionError("--access-key cannot be empty") }
            let secret = try secret(
                given: secretKey, option: "--secret-key", variable: serveSecretVariable,
                of: "--access-key \(accessKey)", environment: environment)
            credentials.accessKeys[accessKey] = secret
        } else if secretKey != nil {
            throw OCPConnectionError("--secret-key needs --access-key: the secret is the key's")
        }
        return credentials
    }

    private static func checkUser(_ user: String, named name: String) throws(OCPConnectionError) {
        if user.isEmpty { throw OCPConnectionError("\(name) cannot be empty") }
        if user.contains(":") {
            throw OCPConnectionError("\(name) cannot contain ':' (HTTP Basic separates user and password with it)")
        }
    }

    /// The secret given as an option, else in the environment.
    private static func secret(
        given: String?, option: String, variable: String, of owner: String, environment: [String: String]
    ) throws(OCPConnectionError) -> String {
        if let given {
            guard !given.isEmpty else { throw OCPConnectionError("\(option) cannot be empty") }
            return given
        }
        guard let value = environment[variable] else {
            throw OCPConnectionError(
                "\(owner) needs a secret: set \(variable), pass \(option), or use --credentials FILE")
        }
        guard !value.isEmpty else { throw OCPConnectionError("\(variable) is empty (it is the secret of \(owner))") }
        return value
    }

    /// `runbook serve --credentials FILE`.
    static func serverFile(_ path: String) throws(OCPConnectionError) -> ServerCredentials {
        let values = try readFile(path)
        // The keys of a run's credentials file, so that one file serves both (its `target` unused here).
        for key in values.keys.sorted() where !fileKeys.contains(key) {
            throw OCPConnectionError(
                "the credentials file \(path) has an unknown key '\(key)'" + Suggestion.didYouMean(key, among: fileKeys))
        }
        var credentials = ServerCredentials()
        func pair(_ first: String, _ second: String) throws(OCPConnectionError) -> (String, String)? {
            switch (values[first], values[second]) {
            case (nil, nil): return nil
            case (let a?, let b?):
                for (key, value) in [(first, a), (second, b)] where value.isEmpty {
                    throw OCPConnectionError("the credentials file \(path) has an empty `\(key)`")
                }
                return (a, b)
            case (nil, _): throw OCPConnectionError("the credentials file \(path) has `\(second)` but no `\(first)`")
            case (_, nil): throw OCPConnectionError("the credentials file \(path) has `\(first)` but no `\(second)`")
            }
        }
        if let (user, password) = try pair("user", "password") {
            try checkUser(user, named: "`user` in the credentials file \(path)")
            credentials.basic = .init(user: user, password: password)
        }
        if let (key, secret) = try pair("accessKeyId", "accessKeySecret") {
            credentials.accessKeys[key] = secret
        }
        guard !credentials.isOpen else {
            throw OCPConnectionError(
                "the credentials file \(path) holds neither `user` and `password` nor `accessKeyId` and `accessKeySecret`")
        }
        return credentials
    }
}
