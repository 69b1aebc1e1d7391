// swift-tools-version: 6.1
// libFuzzer targets for VisitIntent's readers, one executable per reader; each
// calls the matching `FuzzHarness` function of the library. Built and run by
// `Fuzz/run.sh` (`make fuzz`) with `-sanitize=fuzzer,address`; see Fuzz/README.md.
import PackageDescription

/// One executable per `FuzzHarness` function, with its source in `Sources/<name>/<name>.swift`.
let fuzzTargets = [
    "FuzzJSONLines", "FuzzCSV", "FuzzGA4", "FuzzTaxonomy", "FuzzLabelRules",
    "FuzzModelFile", "FuzzRedactor", "FuzzLabels", "FuzzFeatureTable",
]

/// The main package's identity is the name of the repository's directory (path dependency).
let mainPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "main")

let package = Package(
    name: "VisitIntentFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "LibFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["LibFuzzerDriver"]),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "VisitIntent", package: mainPackage)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    },
    swiftLanguageModes: [.v5]
)
