// Allocations per call on tallyd's event-loop path: a cached Totals answered by the real router
// through a real server connection (nghttp2 included), on an EmbeddedChannel, one thread, no
// sockets. The client is raw frames built once (HPACK literals, no dynamic table), so the count is
// the server's, plus the in-memory channel's own bookkeeping. Run with the interposer preloaded:
//   LD_PRELOAD=.build/release/libMallocInterposerSwift.so .build/release/HTTP2Allocations [calls]
import Foundation
import Logging
import MallocInterposerSwift
import NIOCore
import NIOEmbedded
import TallyCodec
import TallyModel
import TallyDataset
import TallyHTTP2
@_spi(InMemory) import TallyServer
import TallyStore

func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8], into buffer: inout ByteBuffer) {
    buffer.writeInteger(UInt32(payload.count) << 8 | UInt32(type), as: UInt32.self)
    buffer.writeInteger(flags)
    buffer.writeInteger(stream)
    buffer.writeBytes(payload)
}

func literal(nameIndex: Int, _ value: String) -> [UInt8] {
    // Literal header field without indexing, indexed name (RFC 7541 §6.2.2); values < 127 bytes.
    let name: [UInt8] = nameIndex < 15 ? [UInt8(nameIndex)] : [0x0F, UInt8(nameIndex - 15)]
    return name + [UInt8(value.utf8.count)] + Array(value.utf8)
}

typealias Backtrace = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, Int32) -> Int32
typealias BacktraceSymbols = @convention(c) (UnsafePointer<UnsafeMutableRawPointer?>, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
let backtrace = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "backtrace")!, to: Backtrace.self)
let backtrace_symbols = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "backtrace_symbols")!, to: BacktraceSymbols.self)
nonisolated(unsafe) var traceBuffer = [UnsafeMutableRawPointer?](repeating: nil, count: 32)
nonisolated(unsafe) var traces: [(Int, [UnsafeMutableRawPointer?])] = []
nonisolated(unsafe) var inHook = false

/// The whole measurement, in one function: its state is local, so nothing is shared across tasks.
func measure() async throws {
    let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
    var request = TotalsRequest()
    request.jurisdiction = "RU"
    request.measure = "cases_received_by_courts"
    request.window = Period(start: Day(daysSinceEpoch: 19236), end: Day(daysSinceEpoch: 20239))
    request.breakdown = .article
    let payload = request.wireBytes()
    let envelope = EnvelopeFramer().frame(payload)
    let headerBlock: [UInt8] = [0x83, 0x86] + literal(nameIndex: 4, "/tally.v1.Tally/Totals") + literal(nameIndex: 1, "localhost")
        + literal(nameIndex: 31, "application/tally+proto")

    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let store = try SQLiteFigureStore(inMemoryWith: try EmbeddedDataset.load())
    let responder = try await TallyResponder(configuration: ServerConfiguration(), store: store, logger: logger)
    try await responder.prime(method: "Totals", request: payload)

    let channel = EmbeddedChannel()
    _ = try HTTP2ServerConnection.configure(channel, configuration: HTTP2ServerConfiguration(), responder: responder)
    try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()

    var input = ByteBufferAllocator().buffer(capacity: 4096)
    input.writeBytes(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
    // SETTINGS: the largest stream window, no push; ACK of the server's; the largest connection window.
    frame(type: 0x4, flags: 0, stream: 0, [0, 4, 0x7F, 0xFF, 0xFF, 0xFF, 0, 2, 0, 0, 0, 0], into: &input)
    frame(type: 0x4, flags: 0x1, stream: 0, [], into: &input)
    frame(type: 0x8, flags: 0, stream: 0, [0x7F, 0xFF, 0x00, 0x00], into: &input)
    try channel.writeInbound(input)

    var received = 0
    func drain() throws {
        while let output = try channel.readOutbound(as: ByteBuffer.self) { received += output.readableBytes }
    }

    func call(_ index: Int) throws {
        input.clear()
        let stream = UInt32(2 * index + 1)
        frame(type: 0x1, flags: 0x4, stream: stream, headerBlock, into: &input)
        frame(type: 0x0, flags: 0x1, stream: stream, envelope, into: &input)
        try channel.writeInbound(input)
        try drain()
    }

    try drain()
    let warmUp = 2_000
    for index in 0..<warmUp { try call(index) }
    received = 0
    if ProcessInfo.processInfo.environment["ALLOCATION_SITES"] != nil {
        // Where the allocations of one call come from: a backtrace per allocation.
        _ = backtrace(&traceBuffer, 32)  // resolve the unwinder before the hook needs it
        MallocInterposerSwift.setAllocationHook { size in
            guard !inHook, traces.count < 64 else { return }
            inHook = true
            let depth = backtrace(&traceBuffer, 32)
            traces.append((size, Array(traceBuffer[0..<Int(depth)])))
            inHook = false
        }
        traces.reserveCapacity(64)
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        try call(warmUp + calls + 1)
        MallocInterposerSwift.unhook()
        MallocInterposerSwift.setAllocationHook(nil)
        for (size, trace) in traces {
            let symbols = backtrace_symbols(trace, Int32(trace.count))!
            let frames = (2..<min(trace.count, 9)).map { String(cString: symbols[$0]!).split(separator: "(").dropFirst().first.map(String.init) ?? "?" }
            print("\(size) bytes: " + frames.joined(separator: " < "))
        }
    }
    MallocInterposerSwift.initialize()
    MallocInterposerSwift.hook()
    for index in warmUp..<(warmUp + calls) { try call(index) }
    MallocInterposerSwift.unhook()
    let statistics = MallocInterposerSwift.getStatistics()
    guard statistics.mallocCount > 0 else {
        print("no allocation was counted: run with LD_PRELOAD of libMallocInterposerSwift.so")
        exit(1)
    }
    print(String(format: "allocations per cached Totals call: %.2f (%.0f bytes), frees %.2f; %d calls, %.0f response bytes per call",
                 Double(statistics.mallocCount) / Double(calls), Double(statistics.mallocBytesCount) / Double(calls),
                 Double(statistics.freeCount) / Double(calls), calls, Double(received) / Double(calls)))
}

try await measure()
