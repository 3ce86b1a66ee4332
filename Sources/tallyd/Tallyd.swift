import ArgumentParser
import TallyServer

@main
struct Tallyd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tallyd",
        abstract: "Serves the Tally dataset over HTTP/2.",
        discussion: "The HTTP/2 server arrives with the server issue; this build only checks its libraries.",
        version: "0.1.0"
    )

    func run() throws {
        throw ValidationError("tallyd has no server yet: the HTTP/2 server is the subject of the server issue.")
    }
}
