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
    ],
    targets: [
        // Debian's libopenblas-dev and liblapacke-dev; only LinearAlgebra imports it.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
        .target(
            name: "VisitIntent",
            dependencies: [
                "LinearAlgebra",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "intent",
            dependencies: [
                "VisitIntent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "VisitIntentTestSupport", dependencies: ["VisitIntent", "LinearAlgebra"], path: "Tests/VisitIntentTestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "VisitIntentTestSupport"]),
        .testTarget(name: "VisitIntentTests", dependencies: ["VisitIntent", "LinearAlgebra", "VisitIntentTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "intentTests", dependencies: ["VisitIntentTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
