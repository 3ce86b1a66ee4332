import TallyFuzzing

// libFuzzer's entry points; the work is in TallyFuzzing.ClientFuzzing.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzMain.testOneInput(ClientFuzzing.self, start, count)
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzMain.writeSeedsIfAsked(ClientFuzzing.self)
    return 0
}
