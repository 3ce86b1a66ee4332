import ArgumentParser

@main
struct Tally: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Prosecutions for refusal to serve: totals with their sources, online or from a local snapshot.",
        discussion: """
            The server comes from --server, TALLY_SERVER, or 'server = URL' in ~/.config/tally/config \
            (default http://127.0.0.1:8080). Query commands answer offline from the snapshot 'tally sync' keeps \
            with --offline, and on their own, with a note, when the server cannot be reached.
            Exit codes: 0 ok, 64 bad arguments, 65 invalid input file, 66 no local snapshot, 69 server unreachable, \
            70 server error status, 76 protocol error, 77 TLS failure.
            """,
        version: "0.1.0",
        subcommands: [TotalsCommand.self, FiguresCommand.self, SourcesCommand.self, CheckCommand.self,
                      SyncCommand.self, WatchCommand.self, PublishCommand.self, HealthCommand.self]
    )
}
