import Foundation
internal import CTallyBuildInfo
import TallyStore

/// Validators of the page and the downloads: one ETag per dataset version, question and build, so
/// a browser revalidates (`Cache-Control: no-cache`) and gets `304` until a publish changes the
/// dataset or a new tallyd renders the page differently.
enum EntityTag {
    /// `"page-v3-1a2b3c4d5e6f7a8b-00ff…"`: kind, version, the digest's first 16 hex digits, and a
    /// hash of the canonical query with the build's commit.
    static func make(_ kind: String, state: DatasetState, query: String) -> String {
        "\"\(kind)-v\(state.version)-\(state.digestHex.prefix(16))-\(fnv1a(query + "\u{0}" + build))\""
    }

    private static let build = String(cString: tally_version_line())

    /// FNV-1a, 64 bits: stable across processes and replicas (Swift's `Hasher` is seeded per
    /// process), and a validator needs no more: it is compared only with one URL's own earlier tag.
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `If-None-Match` against the current tag (RFC 9110, 13.1.2): `*`, or a list of tags compared
    /// weakly (a `W/` prefix is ignored).
    static func matches(ifNoneMatch header: String?, _ tag: String) -> Bool {
        guard let header else { return false }
        if header.trimmingCharacters(in: .whitespaces) == "*" { return true }
        return header.split(separator: ",").contains { candidate in
            var value = candidate.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("W/") { value.removeFirst(2) }
            return value == tag
        }
    }
}
