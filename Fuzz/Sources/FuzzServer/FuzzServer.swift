import TallyFuzzing

// libFuzzer's entry points; the work is in TallyFuzzing.ServerFuzzing.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzMain.testOneInput(ServerFuzzing.self, start, count)
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzMain.writeSeedsIfAsked(ServerFuzzing.self)
    return 0
}
