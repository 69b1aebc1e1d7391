#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A progress line on stderr for long work: shown only when stderr is a
/// terminal and the user did not ask for `--quiet`, so logs and pipes stay clean.
public final class Progress: @unchecked Sendable {
    let label: String
    let enabled: Bool
    private var lastPercent = -1
    private let lock = NSLock()

    public init(label: String, quiet: Bool) {
        self.label = label
        self.enabled = !quiet && isatty(2) == 1
    }

    /// `fraction` of the work is done (0…1).
    public func update(_ fraction: Double) {
        guard enabled else { return }
        let percent = Int(max(0, min(1, fraction)) * 100)
        lock.lock(); defer { lock.unlock() }
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)%".utf8))
        if percent == 100 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    public func finish() { update(1) }
}
