import Crypto
import Foundation
import TallyCodec

/// Checks a publish's bearer token against the configured one in constant time: both are hashed
/// first, so neither the comparison's duration nor the tokens' lengths leak through timing.
struct PublishAuthorizer: Sendable {
    private let expectedDigest: [UInt8]?

    init(token: String?) {
        expectedDigest = token.map { Array(SHA256.hash(data: Data($0.utf8))) }
    }

    func authorize(_ authorization: String?) throws(CallError) {
        guard let expectedDigest else {
            throw CallError(.unauthenticated, "publishing is disabled: the server has no publish token configured")
        }
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw CallError(.unauthenticated, "publish requires 'authorization: Bearer <token>'")
        }
        let presented = Array(SHA256.hash(data: Data(authorization.dropFirst("bearer ".count).utf8)))
        var difference: UInt8 = 0
        for (a, b) in zip(presented, expectedDigest) { difference |= a ^ b }
        guard difference == 0 else { throw CallError(.permissionDenied, "publish token is not valid") }
    }
}
