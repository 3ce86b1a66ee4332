import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TallyHTTP2

/// Keeps one HTTP/2 connection to the server and makes a new one when it is gone or the server
/// sent GOAWAY: many calls share a connection, and a restarted server is reconnected to.
actor ConnectionManager {
    let address: ServerAddress
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?
    private let connectTimeout: TimeAmount
    private let keepaliveInterval: TimeAmount?
    private var current: HTTP2ClientConnection?

    init(address: ServerAddress, group: any EventLoopGroup, caCertificatePath: String?, connectTimeout: TimeAmount,
         keepaliveInterval: TimeAmount?) throws(TallyClientError) {
        self.address = address
        self.group = group
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        guard address.secure else {
            tls = nil
            return
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["h2"]
        if let caCertificatePath {
            do {
                configuration.trustRoots = .file(caCertificatePath)
                _ = try NIOSSLCertificate.fromPEMFile(caCertificatePath)
            } catch {
                throw .badArguments("cannot read CA certificate \(caCertificatePath): \(error)")
            }
        }
        do {
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tls(address, "\(error)")
        }
    }

    /// A usable connection: the current one, or a new one.
    func connection() async throws(TallyClientError) -> HTTP2ClientConnection {
        if let current, await current.isUsable() { return current }
        if let current { await current.close() }
        current = nil
        let made = try await connect()
        current = made
        return made
    }

    /// Forgets the current connection (after it failed a call).
    func discard(_ connection: HTTP2ClientConnection) async {
        if current === connection {
            current = nil
            await connection.close()
        }
    }

    func close() async {
        if let current { await current.close() }
        current = nil
    }

    /// Connects, with TLS and HTTP/2 installed by the channel initializer, i.e. before the first
    /// byte is read: the server's SETTINGS may arrive at once, and a handler added after the
    /// connect would miss them (nghttp2 then rejects the connection as a protocol error).
    private func connect() async throws(TallyClientError) -> HTTP2ClientConnection {
        let (tls, address, keepaliveInterval) = (tls, address, keepaliveInterval)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
        do {
            return try await bootstrap.connect(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let hostname = address.host.first?.isNumber == true || address.host.contains(":") ? nil : address.host
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                    }
                    return try HTTP2ClientConnection.configure(channel, keepaliveInterval: keepaliveInterval)
                }
            }
        } catch let error as NIOSSLError {
            throw .tls(address, "\(error)")
        } catch {
            throw .unreachable(address, Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return io.description }
        if case ChannelError.connectTimeout = error { return "connection timed out" }
        return "\(error)"
    }
}
