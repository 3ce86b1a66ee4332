import Testing
import TallyServer

/// Which address is the client's: X-Forwarded-For counts only from a trusted proxy, and only its
/// last entry (the one the proxy wrote).
struct TrustedProxiesTests {
    @Test func rangesMatchByPrefix() throws {
        let trusted = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.7 ,fd00::/8,172.16.0.0/12")
        #expect(trusted.contains(address: "10.89.0.5"))
        #expect(trusted.contains(address: "192.168.1.7"))
        #expect(!trusted.contains(address: "192.168.1.8"))
        #expect(trusted.contains(address: "172.31.255.255"))
        #expect(!trusted.contains(address: "172.32.0.1"))
        #expect(trusted.contains(address: "fd12:3456::1"))
        #expect(!trusted.contains(address: "fe80::1"))
        #expect(!trusted.contains(address: "11.0.0.1"))
        #expect(!trusted.contains(address: "not-an-address"))
        #expect(try TrustedProxies(parsing: "0.0.0.0/0").contains(address: "203.0.113.9"))
        #expect(!TrustedProxies.none.contains(address: "127.0.0.1"))
    }

    @Test func malformedEntriesAreNamed() {
        #expect(throws: TrustedProxiesError(entry: "10.0.0.0/33", problem: "prefix length must be 0 to 32")) {
            try TrustedProxies(parsing: "127.0.0.1,10.0.0.0/33")
        }
        #expect(throws: TrustedProxiesError(entry: "proxy.internal", problem: "not an IPv4 or IPv6 address")) {
            try TrustedProxies(parsing: "proxy.internal")
        }
        #expect(throws: TrustedProxiesError(entry: "10.0.0.0/8/8", problem: "not an IPv4 or IPv6 address")) {
            try TrustedProxies(parsing: "10.0.0.0/8/8")
        }
        #expect(throws: TrustedProxiesError(entry: "::/x", problem: "prefix length must be 0 to 128")) {
            try TrustedProxies(parsing: "::/x")
        }
    }

    @Test func clientAddressComesFromTheLastForwardedEntryOfATrustedPeer() throws {
        let trusted = try TrustedProxies(parsing: "10.0.0.0/8")
        // What the proxy appended is believed; what the client wrote before it is not.
        #expect(trusted.clientAddress(peer: "10.89.0.5", forwardedFor: "198.51.100.7, 203.0.113.9") == "203.0.113.9")
        #expect(trusted.clientAddress(peer: "10.89.0.5", forwardedFor: "2001:db8::1") == "2001:db8::1")
        // An untrusted peer's header is ignored.
        #expect(trusted.clientAddress(peer: "203.0.113.50", forwardedFor: "198.51.100.7") == "203.0.113.50")
        // No header, or a last entry that is not an address: the peer.
        #expect(trusted.clientAddress(peer: "10.89.0.5", forwardedFor: nil) == "10.89.0.5")
        #expect(trusted.clientAddress(peer: "10.89.0.5", forwardedFor: "198.51.100.7, unknown") == "10.89.0.5")
        #expect(trusted.clientAddress(peer: nil, forwardedFor: "198.51.100.7") == nil)
    }
}
