public import Foundation

/// Where the local snapshot lives: `$TALLY_DATA_DIR`, else `$XDG_DATA_HOME/tally`, else
/// `~/.local/share/tally` (the XDG base directory default).
public enum DataDirectory {
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["TALLY_DATA_DIR"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return URL(fileURLWithPath: xdg).appendingPathComponent("tally") }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/tally")
    }

    /// The local copy: a SQLite database, through the same store code as the server's.
    public static func snapshotPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        resolve(environment: environment).appendingPathComponent("snapshot.sqlite").path
    }

    /// Where the first version of tally kept its snapshot (one file of envelopes): replaced by a
    /// full sync on first use.
    public static func legacySnapshotPath(besides path: String) -> String {
        (path as NSString).deletingLastPathComponent + "/snapshot.tally"
    }
}
