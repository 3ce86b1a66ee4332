import ArgumentParser
internal import CTallyBuildInfo

@main
struct Tally: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Prosecutions for refusal to serve: totals with their sources, online or from a local snapshot.",
        discussion: """
            The server comes from --server, TALLY_SERVER, or 'server = URL' in ~/.config/tally/config \
            (default http://127.0.0.1:8080). Query commands answer offline from the snapshot 'tally sync' keeps \
            with --offline, and on their own, with a note, when the server cannot be reached. The options below \
            may come before the command (tally --server URL totals) or after it.
            Exit codes: 0 ok, 64 bad arguments, 65 invalid input file, 66 no local snapshot, 69 server unreachable, \
            70 server error status, 71 PNG renderer missing or failed, 73 output file or local snapshot not writable, \
            74 the local snapshot's disk full or failing (it keeps its version), 75 no answer within the timeout, 76 protocol error, 77 TLS failure.
            """,
        version: String(cString: tally_version_line()),
        subcommands: [TotalsCommand.self, ChartCommand.self, FiguresCommand.self, SourcesCommand.self, CheckCommand.self,
                      SyncCommand.self, WatchCommand.self, PublishCommand.self, HealthCommand.self]
    )

    /// Parsed wherever they appear on the command line; each subcommand's `@OptionGroup` of the
    /// same type receives these values (swift-argument-parser hands a group already decoded by a
    /// parent command to its children), so there is one definition and either position works.
    @OptionGroup var global: GlobalOptions
}
