import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
import NIOPosix

/// The benchmark's grpc-swift-2 server: h2c on loopback, one unary method, no logging.
struct Options: ParsableArguments {
    @Option(help: "Port to listen on, on 127.0.0.1.")
    var port: Int

    @Option(help: "File holding the TotalsResponse payload to answer with (no envelope).")
    var payload: String

    @Option(help: "Event-loop threads (tallyd runs one per core: 2 on the benchmark machine).")
    var threads: Int = 2

    @Option(help: "Where async handlers run: 'event-loops' (NIO's loops as Swift's global executor) or 'swift' (Swift's own thread pool).")
    var executor: Executor = .eventLoops

    @Flag(help: "Turn off the transport's flush coalescing (on by default, up to 100 µs delay).")
    var noFlushCoalescing = false

    enum Executor: String, ExpressibleByArgument {
        case eventLoops = "event-loops"
        case swift
    }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535.") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
        guard FileManager.default.isReadableFile(atPath: payload) else {
            throw ValidationError("--payload \(payload): no readable file there.")
        }
    }
}

let options = Options.parseOrExit()
let group: MultiThreadedEventLoopGroup
switch options.executor {
case .eventLoops:
    // Must happen on the main thread before any task runs; the singleton then has `threads` loops,
    // and handlers run on them instead of hopping to Swift's cooperative pool.
    NIOSingletons.groupLoopCountSuggestion = options.threads
    guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
        FileHandle.standardError.write(Data("could not install NIO as the global executor\n".utf8))
        exit(70)
    }
    group = .singleton
case .swift:
    group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
}

try await serve(options, on: group)

/// Serves until the process is killed (the benchmark's trap sends SIGTERM).
func serve(_ options: Options, on group: MultiThreadedEventLoopGroup) async throws {
    let payload = try [UInt8](Data(contentsOf: URL(fileURLWithPath: options.payload)))
    let config = HTTP2ServerTransport.Posix.Config.defaults { config in
        if options.noFlushCoalescing { config.connection.flushCoalescing = nil }
    }
    let transport = HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: options.port),
        transportSecurity: .plaintext,
        config: config,
        eventLoopGroup: group
    )
    let server = GRPCServer(transport: transport, services: [TotalsService(payload: payload)])
    try await withThrowingDiscardingTaskGroup { tasks in
        tasks.addTask { try await server.serve() }
        // Announce the port once bound, as tallyd does; stdout may be a pipe, so write it unbuffered.
        let address = try await transport.listeningAddress
        FileHandle.standardOutput.write(Data("listening on \(address)\n".utf8))
    }
}
