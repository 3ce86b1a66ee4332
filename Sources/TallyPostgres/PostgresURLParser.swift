import Foundation

/// Reads a PostgreSQL URL part by part, so an error can say which part is wrong (a general URL
/// parser only says "invalid"). Percent-escapes are decoded in the user, password, database and
/// query values, as libpq does.
enum PostgresURLParser {
    static func parse(_ url: String) throws(PostgresSettingsError) -> PostgresSettings {
        guard PostgresSettings.isPostgresURL(url), let schemeEnd = url.range(of: "://") else { throw .notPostgresURL }
        var rest = Substring(url[schemeEnd.upperBound...])

        var queryPart: Substring?
        if let mark = rest.firstIndex(of: "?") {
            queryPart = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.contains("#") { throw .malformed(part: "end", problem: "has a fragment (#...), which means nothing to PostgreSQL") }
        var databasePart: Substring?
        if let slash = rest.firstIndex(of: "/") {
            databasePart = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var userPart: Substring?
        if let at = rest.lastIndex(of: "@") {
            userPart = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }

        let (host, port) = try hostAndPort(rest)
        guard let userPart, !userPart.isEmpty else {
            throw .malformed(part: "user", problem: "is missing: write the user before the host, as postgres://USER@\(host)/DATABASE")
        }
        let user: String, password: String?
        if let colon = userPart.firstIndex(of: ":") {
            user = try decode(userPart[..<colon], part: "user")
            password = try decode(userPart[userPart.index(after: colon)...], part: "password")
        } else {
            user = try decode(userPart, part: "user")
            password = nil
        }
        guard !user.isEmpty else { throw .malformed(part: "user", problem: "is empty") }

        let database = try databasePart.map { part throws(PostgresSettingsError) in try decode(part, part: "database name") } ?? ""
        if database.contains("/") { throw .malformed(part: "database name", problem: "'\(database)' contains '/'") }
        var settings = PostgresSettings(host: host, port: port, user: user, password: password, database: database.isEmpty ? user : database)
        if let queryPart { try apply(query: queryPart, to: &settings) }
        return settings
    }

    private static func hostAndPort(_ text: Substring) throws(PostgresSettingsError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .malformed(part: "host", problem: "'\(text)' opens '[' without closing it") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .malformed(part: "host", problem: "'\(text)' has '\(after)' after ']'") }
                portText = after.dropFirst()
            }
        } else {
            host = text
            if let colon = text.lastIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
        }
        if host.contains(",") { throw .malformed(part: "host", problem: "'\(host)' lists several hosts, and tallyd takes one (the writable one)") }
        guard !host.isEmpty else { throw .malformed(part: "host", problem: "is missing: write it after '@', as postgres://USER@HOST/DATABASE") }
        guard let portText else { return (String(host), PostgresSettings.defaultPort) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw .malformed(part: "port", problem: "'\(portText)' is not a number from 1 to 65535")
        }
        return (String(host), port)
    }

    private static func apply(query: Substring, to settings: inout PostgresSettings) throws(PostgresSettingsError) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else { throw .malformed(part: "query", problem: "has '\(pair)' without a value") }
            let key = String(pair[..<equals])
            let value = try decode(pair[pair.index(after: equals)...], part: "'\(key)' value")
            switch key {
            case "sslmode":
                guard let mode = PostgresSettings.TLSMode(rawValue: value) else {
                    let known = PostgresSettings.TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .malformed(part: "sslmode", problem: "'\(value)' is not one of \(known)")
                }
                settings.tls = mode
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw .malformed(part: "connect_timeout", problem: "'\(value)' is not a whole number of seconds above 0")
                }
                settings.connectTimeout = .seconds(seconds)
            case "sslrootcert":
                settings.rootCertificatePath = value
            case "application_name":
                settings.applicationName = value
            case "user", "password", "host", "port", "dbname":
                throw .malformed(part: "query", problem: "sets '\(key)', which belongs in the URL itself (postgres://USER@HOST:PORT/DATABASE)")
            default:
                throw .malformed(part: "query", problem: "has the parameter '\(key)', which tallyd does not know "
                                 + "(it knows sslmode, connect_timeout, sslrootcert, application_name)")
            }
        }
    }

    private static func decode(_ text: Substring, part: String) throws(PostgresSettingsError) -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw .malformed(part: part, problem: "has a '%' that does not start a valid escape (write '%25' for '%')")
        }
        return decoded
    }

    /// Escapes what would end a URL part, for `PostgresSettings.url(password:)`.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
