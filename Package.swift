// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "VisitIntent",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "VisitIntent", targets: ["VisitIntent"]),
        .executable(name: "intent", targets: ["intent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Debian's libopenblas-dev and liblapacke-dev; only LinearAlgebra imports it.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
        // One inline function: a prefetch hint (Swift has none), for the tree learner's gather and the id memos.
        .target(name: "CPrefetch"),
        // SHA-256's compression function (SHA extensions, portable C otherwise): pseudonyms continue
        // saved HMAC states, which swift-crypto's API cannot do without allocating.
        .target(name: "CSHA256"),
        // The JSON string scan, sixteen bytes a step (SSE2), inlined into the decoder.
        .target(name: "CByteScan"),
        // Sets the Swift runtime's global-enqueue hook by a linked reference: `intent serve` runs its
        // tasks on NIO's event loops, which NIO's `dlsym`-based installer cannot do in a static binary.
        .target(name: "CExecutorHook"),
        .target(
            name: "VisitIntent",
            dependencies: [
                "LinearAlgebra",
                "CPrefetch",
                "CSHA256",
                "CByteScan",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The HTTP service (Hummingbird 2): kept apart so the engine builds without a server stack.
        .target(
            name: "VisitIntentServer",
            dependencies: [
                "VisitIntent",
                "LinearAlgebra",
                "CExecutorHook",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "intent",
            dependencies: [
                "VisitIntent",
                "VisitIntentServer",
                "LinearAlgebra",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "VisitIntentTestSupport", dependencies: ["VisitIntent", "LinearAlgebra"], path: "Tests/VisitIntentTestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "VisitIntentTestSupport"]),
        .testTarget(name: "VisitIntentTests", dependencies: ["VisitIntent", "LinearAlgebra", "CSHA256", "VisitIntentTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "intentTests", dependencies: ["VisitIntentTestSupport"]),
        .testTarget(name: "VisitIntentServerTests", dependencies: ["VisitIntentServer", "VisitIntentTestSupport",
                                                                   .product(name: "HummingbirdTesting", package: "hummingbird")]),
    ],
    swiftLanguageModes: [.v5]
)
