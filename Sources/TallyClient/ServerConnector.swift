import NIOCore
import NIOPosix
import NIOSSL
import TallyHTTP2

/// Makes HTTP/2 connections to one server: h2c for `http://`, TLS with ALPN h2 for `https://`
/// (the system's trust store, or a private CA).
struct ServerConnector: Sendable {
    let address: ServerAddress
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?
    private let connectTimeout: TimeAmount
    private let keepaliveInterval: TimeAmount?
    private let settings: HTTP2Settings

    init(address: ServerAddress, group: any EventLoopGroup, caCertificatePath: String?, connectTimeout: TimeAmount,
         keepaliveInterval: TimeAmount?, settings: HTTP2Settings) throws(TallyClientError) {
        self.address = address
        self.group = group
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        self.settings = settings
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

    /// Connects, with TLS and HTTP/2 installed by the channel initializer, i.e. before the first
    /// byte is read: the server's SETTINGS may arrive at once, and a handler added after the
    /// connect would miss them (nghttp2 then rejects the connection as a protocol error).
    /// Fails with a `TallyClientError`.
    func connect() -> EventLoopFuture<HTTP2ClientConnection> {
        let (tls, address, keepaliveInterval, settings) = (tls, address, keepaliveInterval, settings)
        // The channel is made on `loop`, where the initializer runs and the connect completes.
        let loop = group.next()
        let connection = NIOLoopBoundBox.makeEmptyBox(valueType: HTTP2ClientConnection.self, eventLoop: loop)
        return ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let hostname = address.host.first?.isNumber == true || address.host.contains(":") ? nil : address.host
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                    }
                    let made = try HTTP2ClientConnection.configure(channel, settings: settings, keepaliveInterval: keepaliveInterval)
                    connection.value = made
                }
            }
            .connect(host: address.host, port: address.port)
            .flatMapThrowing { _ in connection.value! }
            .flatMapErrorThrowing { error in
                if let tlsError = error as? NIOSSLError { throw TallyClientError.tls(address, "\(tlsError)") }
                throw TallyClientError.unreachable(address, Self.reason(error))
            }
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return io.description }
        if case ChannelError.connectTimeout = error { return "connection timed out" }
        return "\(error)"
    }
}
