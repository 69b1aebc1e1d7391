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

    /// Work of unknown size: "label 1,250,000 events", at most every 100,000.
    public func count(_ n: Int, _ unit: String, final: Bool = false) {
        guard enabled, final || n % 100_000 == 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let grouped = String(n).reversed().enumerated().map { $0.offset > 0 && $0.offset % 3 == 0 ? ",\($0.element)" : "\($0.element)" }.joined()
        FileHandle.standardError.write(Data("\r\(label) \(String(grouped.reversed())) \(unit)\(final ? "\n" : "")".utf8))
    }
}
