/// glibc's allocator raises its mmap threshold each time a large block is freed (up to 32 MiB), so
/// after the first few the snapshot's 256 KiB batches and their compressed frames come from the
/// heaps of whichever threads made them, and freed pieces between live ones cannot go back to the
/// system. Serving a million-figure snapshot then took tallyd from 127 MB to 210–231 MB at peak,
/// varying run to run; with the threshold fixed at glibc's initial 128 KiB, large blocks are
/// mapped and unmapped whole, and the peak was 133–151 MB in the same runs (Benchmarks/README.md).
enum MemoryTuning {
    static func apply() {
        #if os(Linux)
        // `M_MMAP_THRESHOLD` from glibc's <malloc.h>, which Swift's Glibc module does not export.
        _ = glibcMallopt(-3, 128 << 10)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
