import TallyFuzzing

// libFuzzer's entry point; the work is in TallyFuzzing.CodecFuzzing.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzMain.testOneInput(CodecFuzzing.self, start, count)
}
