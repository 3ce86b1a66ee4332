import Testing
@testable import TallyCodec
import TallyModel

@Suite struct WireReaderTests {
    private func decode<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8], limits: WireLimits = .default) -> Result<M, WireError> {
        Result { () throws(WireError) -> M in try M(wireBytes: bytes, limits: limits) }
    }

    private func failure<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8], limits: WireLimits = .default) -> WireError? {
        if case .failure(let error) = decode(type, bytes, limits: limits) { return error }
        return nil
    }

    @Test func decodesKnownBytes() throws {
        // id "a", revision 300, category CONTEXT, period {start -1, end 1}
        let figure = try Figure(wireBytes: [0x0A, 0x01, 0x61, 0x10, 0xAC, 0x02, 0x18, 0x02, 0x3A, 0x04, 0x08, 0x01, 0x10, 0x02])
        #expect(figure.id == "a")
        #expect(figure.revision == 300)
        #expect(figure.category == .context)
        #expect(figure.period == Period(start: Day(daysSinceEpoch: -1), end: Day(daysSinceEpoch: 1)))
    }

    @Test func truncatedVarintIsNamedWithItsOffset() {
        let error = failure(Figure.self, [0x10, 0xAC])
        #expect(error == WireError(.truncated, offset: 1, path: ["tally.v1.Figure.2"]))
    }

    @Test func overlongVarintIsMalformed() {
        let error = failure(Figure.self, [0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01])
        #expect(error?.reason == .malformedVarint)
        // The 10th byte may carry only the 64th bit.
        #expect(failure(Figure.self, [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x02])?.reason == .malformedVarint)
        #expect((try? Figure(wireBytes: [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01]))?.revision == UInt64.max)
    }

    @Test func fieldZeroAndGroupsAndUndefinedWireTypesAreRejected() {
        #expect(failure(Figure.self, [0x00, 0x00])?.reason == .invalidFieldNumber(0))
        #expect(failure(Figure.self, [0x0B])?.reason == .unsupportedWireType(3))
        #expect(failure(Figure.self, [0x0C])?.reason == .unsupportedWireType(4))
        #expect(failure(Figure.self, [0x0E])?.reason == .unsupportedWireType(6))
        #expect(failure(Figure.self, [0x0F])?.reason == .unsupportedWireType(7))
    }

    @Test func knownFieldWithWrongWireTypeIsNamed() {
        let error = failure(Figure.self, [0x08, 0x01])  // id (string) sent as a varint
        #expect(error == WireError(.wrongWireType(expected: .lengthDelimited, actual: .varint), offset: 1, path: ["tally.v1.Figure.1"]))
    }

    @Test func lengthPastTheEnclosingMessageIsRejected() {
        #expect(failure(Figure.self, [0x0A, 0x05, 0x61])?.reason == .lengthOutOfBounds(5))
        // The nested message's length is checked against the nested message, not the whole buffer.
        let error = failure(Figure.self, [0x5A, 0x02, 0x0A, 0x05, 0x61, 0x61, 0x61, 0x61, 0x61])
        #expect(error == WireError(.lengthOutOfBounds(5), offset: 3, path: ["tally.v1.Figure.11", "tally.v1.Citation.1"]))
    }

    @Test func invalidUTF8IsRejectedWithThePath() {
        let error = failure(Figure.self, [0x5A, 0x04, 0x0A, 0x02, 0xC3, 0x28])
        #expect(error == WireError(.invalidUTF8, offset: 4, path: ["tally.v1.Figure.11", "tally.v1.Citation.1"]))
        #expect(error?.description == "invalidUTF8 in tally.v1.Figure.11 > tally.v1.Citation.1 at byte 4")
    }

    @Test func unknownFieldsAreSkippedOrRejectedInStrictMode() throws {
        // field 99 varint, field 100 fixed64, field 101 bytes, field 102 fixed32, then id "a"
        let bytes: [UInt8] = [0x98, 0x06, 0x05, 0xA1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0xAA, 0x06, 0x01, 0xFF,
                              0xB5, 0x06, 1, 2, 3, 4, 0x0A, 0x01, 0x61]
        let figure = try Figure(wireBytes: bytes)
        #expect(figure == Figure(id: "a"))
        #expect(figure.wireBytes() == [0x0A, 0x01, 0x61])  // dropped, as documented
        #expect(failure(Figure.self, bytes, limits: .strict)?.reason == .unknownField)
    }

    @Test func unknownEnumValuesSurviveARoundTrip() throws {
        let bytes: [UInt8] = [0x18, 0x09, 0x40] + [UInt8](repeating: 0xFF, count: 9) + [0x01]
        let figure = try Figure(wireBytes: bytes)
        #expect(figure.category == .unrecognized(9))
        #expect(figure.kind == .unrecognized(-1))
        #expect(figure.wireBytes() == bytes)
    }

    @Test func lastValueWinsAndRepeatedFieldsAppend() throws {
        let figure = try Figure(wireBytes: [0x0A, 0x01, 0x61, 0x0A, 0x01, 0x62, 0x32, 0x01, 0x31, 0x32, 0x01, 0x32])
        #expect(figure.id == "b")
        #expect(figure.articles == ["1", "2"])
    }

    @Test func packedAndUnpackedRepeatedScalarsBothDecode() throws {
        let packed = try Total(wireBytes: [0x1A, 0x03, 0x01, 0xAC, 0x02])
        let unpacked = try Total(wireBytes: [0x18, 0x01, 0x18, 0xAC, 0x02])
        #expect(packed.figureIndexes == [1, 300])
        #expect(unpacked.figureIndexes == [1, 300])
    }

    @Test func repeatedFieldsAreBounded() {
        let limits = WireLimits(maxRepeatedCount: 3)
        let four = [UInt8](repeating: 0, count: 4).flatMap { _ in [0x32, 0x00] as [UInt8] }
        #expect(failure(Figure.self, four, limits: limits)?.reason == .tooManyElements(limit: 3))
        #expect((try? Figure(wireBytes: Array(four.prefix(6)), limits: limits))?.articles.count == 3)
        let packed: [UInt8] = [0x1A, 0x04, 1, 2, 3, 4]
        #expect(failure(Total.self, packed, limits: limits)?.reason == .tooManyElements(limit: 3))
    }

    @Test func messagesOverTheSizeLimitAreRefusedBeforeDecoding() {
        let limits = WireLimits(maxMessageSize: 4)
        #expect(failure(Figure.self, [0x0A, 0x03, 0x61, 0x62, 0x63], limits: limits)?.reason == .messageTooLarge(size: 5, limit: 4))
    }

    @Test func emptyBufferIsTheDefaultMessage() throws {
        #expect(try Figure(wireBytes: []) == Figure())
        #expect(try Status(wireBytes: []) == Status())
    }

    @Test func oneofKeepsTheLastBranch() throws {
        // upsert {id "a"} then retracted_id "b"
        let change = try Change(wireBytes: [0x12, 0x03, 0x0A, 0x01, 0x61, 0x1A, 0x01, 0x62])
        #expect(change.kind == .retracted(id: "b"))
    }
}
