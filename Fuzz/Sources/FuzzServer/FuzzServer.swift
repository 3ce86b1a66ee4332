import TallyFuzzing
import TallyConnectionFuzzing

// libFuzzer's entry point; the work is in TallyConnectionFuzzing.ServerFuzzing.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzMain.testOneInput(ServerFuzzing.self, start, count)
}
