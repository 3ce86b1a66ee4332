import ArgumentParser
import TallyClient

@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Query prosecution figures for refusal to serve, online or from a local snapshot.",
        discussion: "The subcommands arrive with the client issue.",
        version: "0.1.0"
    )
}
