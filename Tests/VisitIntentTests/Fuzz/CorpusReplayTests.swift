import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

/// Replays the fuzzers' seed corpora (`Fuzz/Corpus/<target>/`) and every input
/// they ever crashed on (`Fuzz/Crashes/<target>/`) through the same
/// `FuzzHarness` functions the libFuzzer targets call, without sanitizers.
/// A thrown error is fine; a crash is not. Each replay runs in a child
/// process (an exit test), so a crash fails one test and names the input
/// instead of ending the whole run. A crash input stays failing here until
/// the bug is fixed (see Fuzz/README.md).
@Suite struct CorpusReplayTests {
    static let fuzzDirectory = TestSupport.repositoryRoot + "/Fuzz"

    /// The input files of `Fuzz/<folder>/<target>/`, sorted; READMEs and hidden files are not inputs.
    static func inputs(_ folder: String, _ target: String) -> [String] {
        let directory = "\(fuzzDirectory)/\(folder)/\(target)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { "\(directory)/\($0)" }
    }

    static func subdirectories(_ folder: String) -> [String] {
        let directory = "\(fuzzDirectory)/\(folder)"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(directory)/\(name)", isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    /// `<target>/<file>` for every saved crash, timeout and OOM input.
    static let crashInputs: [String] = subdirectories("Crashes").flatMap { target in
        inputs("Crashes", target).map { "\(target)/\(($0 as NSString).lastPathComponent)" }
    }

    /// Feeds each file to the target's harness.
    static func replay(target: String, files: [String]) {
        guard let harness = FuzzHarness.targets[target] else { fatalError("no FuzzHarness target \(target)") }
        for file in files { harness([UInt8](FileManager.default.contents(atPath: file) ?? Data())) }
    }

    /// Replays one file in a child process; a crash fails the test, naming the file.
    static func expectNoCrash(target: String, file: String) async {
        await #expect(processExitsWith: .success, "\(target) crashed on \(file)") { [target, file] in
            CorpusReplayTests.replay(target: target, files: [file])
        }
    }

    @Test func everyFuzzTargetHasASeedCorpusAndEveryCrashATarget() {
        #expect(Self.subdirectories("Corpus") == FuzzHarness.targets.keys.sorted())
        #expect(Set(Self.subdirectories("Crashes")).isSubset(of: FuzzHarness.targets.keys))
    }

    @Test(arguments: FuzzHarness.targets.keys.sorted())
    func seedCorpusReplaysWithoutCrashing(target: String) async {
        let files = Self.inputs("Corpus", target)
        #expect(!files.isEmpty)
        // One child for the whole corpus; only if it crashes, one per file to name the culprits.
        let replayed = await #expect(processExitsWith: .success, "\(target) crashed on its seed corpus") { [target] in
            CorpusReplayTests.replay(target: target, files: CorpusReplayTests.inputs("Corpus", target))
        }
        if replayed == nil {
            for file in files { await Self.expectNoCrash(target: target, file: file) }
        }
    }

    @Test(arguments: crashInputs)
    func pastFuzzerCrashNoLongerCrashes(input: String) async {
        await Self.expectNoCrash(target: String(input.prefix { $0 != "/" }), file: "\(Self.fuzzDirectory)/Crashes/\(input)")
    }
}
