import Testing
import TallyWeb

/// The URL's query as a form sends it, read within limits.
@Suite struct QueryStringTests {
    @Test func formEncodingIsDecoded() throws {
        let pairs = try QueryString.parse("a=1+2&b=%C3%A9t%C3%A9&c=&d&&e=x%3Dy")
        #expect(pairs.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(pairs.map(\.value) == ["1 2", "été", "", "", "x=y"])
        #expect(try QueryString.parse(nil).isEmpty)
        #expect(try QueryString.parse("").isEmpty)
    }

    @Test func encodingRoundTrips() throws {
        let pairs = [("measure", "cases received & more"), ("q", "été=1")]
        let decoded = try QueryString.parse(QueryString.encode(pairs))
        #expect(decoded.map(\.name) == pairs.map(\.0))
        #expect(decoded.map(\.value) == pairs.map(\.1))
        #expect(QueryString.encode([("a", "b c")]) == "a=b+c")
    }

    @Test func badEncodingIsAClearError() {
        #expect(throws: PageRequestError([.init(field: "from", problem: "malformed percent-encoding")])) { try QueryString.parse("from=%2") }
        #expect(throws: PageRequestError([.init(field: "from", problem: "malformed percent-encoding")])) { try QueryString.parse("from=%zz") }
        #expect(throws: PageRequestError([.init(field: "to", problem: "not UTF-8")])) { try QueryString.parse("to=%FF") }
    }

    @Test func limits() {
        let long = "a=" + String(repeating: "x", count: QueryString.maxLength)
        #expect(throws: PageRequestError(status: 414, [.init(field: "query", problem: "longer than \(QueryString.maxLength) bytes")])) { try QueryString.parse(long) }
        let many = (0...QueryString.maxPairs).map { "a\($0)=1" }.joined(separator: "&")
        #expect(throws: PageRequestError.self) { try QueryString.parse(many) }
        let wide = "measure=" + String(repeating: "m", count: QueryString.maxValueLength + 1)
        #expect(throws: PageRequestError([.init(field: "measure", problem: "longer than \(QueryString.maxValueLength) characters")])) { try QueryString.parse(wide) }
    }
}
