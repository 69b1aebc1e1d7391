import FuzzSupport
import VisitIntent

/// libFuzzer's per-input callback: one input to `FuzzHarness.labelRules`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.labelRules(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// Starts libFuzzer's driver (see `runLibFuzzer`).
@main enum Main { static func main() { runLibFuzzer(fuzz) } }
