import Testing
@testable import TallyCodec
import TallyModel

@Suite struct WireWriterTests {
    private func bytes(_ write: (inout WireWriter) -> Void) -> [UInt8] {
        var writer = WireWriter(capacity: 1)
        write(&writer)
        return writer.finish()
    }

    @Test func varintsAreLittleEndianBase128() {
        #expect(bytes { $0.writeVarint(0) } == [0x00])
        #expect(bytes { $0.writeVarint(1) } == [0x01])
        #expect(bytes { $0.writeVarint(127) } == [0x7F])
        #expect(bytes { $0.writeVarint(300) } == [0xAC, 0x02])
        #expect(bytes { $0.writeVarint(UInt64.max) } == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func defaultsAreOmitted() {
        #expect(bytes {
            $0.uint64(1, 0); $0.int32(2, 0); $0.sint32(3, 0); $0.sint64(4, 0); $0.bool(5, false)
            $0.double(6, 0); $0.string(7, ""); $0.bytes(8, []); $0.packedUInt32(9, [])
        }.isEmpty)
    }

    @Test func zigzagMapsSmallMagnitudesToSmallVarints() {
        #expect(bytes { $0.sint32(1, -1) } == [0x08, 0x01])
        #expect(bytes { $0.sint32(1, 1) } == [0x08, 0x02])
        #expect(bytes { $0.sint32(1, Int32.min) } == [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(bytes { $0.sint64(1, -2) } == [0x08, 0x03])
        #expect(bytes { $0.sint64(1, Int64.min) } == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func negativeInt32IsSignExtendedToTenBytes() {
        #expect(bytes { $0.int32(1, -1) } == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func negativeZeroDoubleIsWritten() {
        #expect(bytes { $0.double(5, -0.0) } == [0x29, 0, 0, 0, 0, 0, 0, 0, 0x80])
        #expect(bytes { $0.double(5, 1.0) } == [0x29, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    @Test func stringsAreUTF8WithLength() {
        #expect(bytes { $0.string(2, "ё") } == [0x12, 0x02, 0xD1, 0x91])
        #expect(bytes { $0.writeString(2, "") } == [0x12, 0x00])
    }

    @Test func largeFieldNumbersUseMultiByteTags() {
        #expect(bytes { $0.uint64(FieldTag.maxFieldNumber, 1) } == [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01])
    }

    @Test func packedRepeatedUsesOneLengthDelimitedField() {
        #expect(bytes { $0.packedUInt32(3, [1, 300]) } == [0x1A, 0x03, 0x01, 0xAC, 0x02])
    }

    /// A nested body of 128 bytes or more needs a two-byte length: the body is moved up in place.
    @Test(arguments: [0, 1, 127, 128, 129, 16_383, 16_384, 70_000])
    func nestedMessagesOfEverySizeGetTheirLength(size: Int) throws {
        let citation = Citation(quote: String(repeating: "q", count: size))
        let figure = Figure(id: "x", citations: [citation])
        let encoded = figure.wireBytes()
        // id field (3 bytes), then tag 0x5A and the citation's length.
        let inner = citation.wireBytes()
        #expect(inner.count == (size == 0 ? 0 : 1 + WireWriter.varintSize(UInt64(size)) + size))
        #expect(Array(encoded[0..<4]) == [0x0A, 0x01, 0x78, 0x5A])
        var lengthBytes: [UInt8] = []
        var n = inner.count
        repeat { lengthBytes.append(UInt8(n & 0x7F) | (n >= 0x80 ? 0x80 : 0)); n >>= 7 } while n > 0
        #expect(Array(encoded[4..<(4 + lengthBytes.count)]) == lengthBytes)
        #expect(Array(encoded[(4 + lengthBytes.count)...]) == inner)
        #expect(try Figure(wireBytes: encoded) == figure)
    }

    /// A data submessage without presence (Figure.period) is not written when it is all defaults,
    /// and the tag it would have had is taken back, whatever its size.
    @Test func emptyDataSubmessagesAreOmitted() {
        #expect(Figure(id: "a").wireBytes() == [0x0A, 0x01, 0x61])
        #expect(Figure(id: "a", value: Quantity(qualifier: .exact)).wireBytes() == [0x0A, 0x01, 0x61, 0x52, 0x02, 0x08, 0x01])
    }

    @Test func optionalSubmessagesAreWrittenWhenPresentEvenIfEmpty() {
        #expect(TotalsRequest(jurisdiction: "", measure: "", window: .unset).wireBytes() == [0x22, 0x00])
        #expect(TotalsRequest(jurisdiction: "", measure: "", window: nil).wireBytes() == [])
    }

    @Test func varintSizeMatchesEncoding() {
        for shift in 0..<64 {
            let value = UInt64(1) << shift
            #expect(WireWriter.varintSize(value) == bytes { $0.writeVarint(value) }.count)
            #expect(WireWriter.varintSize(value - 1) == bytes { $0.writeVarint(value - 1) }.count)
        }
    }
}
