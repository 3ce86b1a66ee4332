import TallyFuzzing

// libFuzzer's entry point; the work is in TallyFuzzing.DatasetFuzzing.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzMain.testOneInput(DatasetFuzzing.self, start, count)
}
