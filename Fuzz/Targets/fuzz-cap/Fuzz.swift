import BeredskabFuzz

/// libFuzzer's entry: one input, run through the same code the replay test runs (FuzzEntries.cap).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzEntries.cap(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
