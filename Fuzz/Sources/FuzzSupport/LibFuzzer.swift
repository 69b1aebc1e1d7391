import Foundation
import LibFuzzerDriver

/// Runs libFuzzer's driver on this process's command line with `test` as the
/// per-input callback, then exits with the driver's status.
///
/// SwiftPM links every executable target's entry point under a renamed
/// symbol (`--defsym main=<Module>_main`, so that tests can link the
/// executable), which hides the `main` libFuzzer brings. Each fuzz target
/// therefore has a `@main` that calls this — libFuzzer's documented
/// `LLVMFuzzerRunDriver` — instead of relying on libFuzzer's own `main`.
public func runLibFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let callback = unsafeBitCast(test, to: (@convention(c) (UnsafePointer<UInt8>?, Int) -> CInt).self)
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}
