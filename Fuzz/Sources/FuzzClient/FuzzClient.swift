import TallyFuzzing
import TallyConnectionFuzzing

// libFuzzer's entry point; the work is in TallyConnectionFuzzing.ClientFuzzing.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzMain.testOneInput(ClientFuzzing.self, start, count)
}
