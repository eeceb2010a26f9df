// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MatCalc",
    products: [
        .library(name: "MatCalc", targets: ["MatCalc"]),
        .executable(name: "matcalc", targets: ["matcalc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // Test-only: random expressions for the property tests of the symbolic engine.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Dense tensors, PyTorch-identical random numbers and printing.
        .target(
            name: "MatCalcTensor",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")]
        ),
        // The symbolic engine: parse, shape-check, differentiate, simplify, print. Knows no numbers.
        .target(name: "MatCalcSymbolic"),
        // Reads the reference corpus (public.json) for the tests and the benchmark.
        .target(name: "MatCalcCorpus", dependencies: ["MatCalcSymbolic"]),
        // The library product: re-exports the layers below it, and joins them (evaluate, verify).
        .target(name: "MatCalc", dependencies: ["MatCalcTensor", "MatCalcSymbolic"]),
        // The command-line tool: thin commands over the library.
        .executableTarget(
            name: "matcalc",
            dependencies: [
                "MatCalc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `swift run homework`: the PyTorch homework program, written with MatCalc.
        .executableTarget(
            name: "homework",
            dependencies: ["MatCalc"],
            path: "Examples/homework",
            exclude: ["homework.py"]
        ),
        // `swift run -c release symbolic-bench`: parse + derive + simplify time per corpus case.
        .executableTarget(
            name: "symbolic-bench",
            dependencies: ["MatCalc", "MatCalcCorpus"],
            path: "Benchmarks/symbolic-bench"
        ),
        .testTarget(
            name: "MatCalcTensorTests",
            dependencies: ["MatCalcTensor"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "MatCalcSymbolicTests",
            dependencies: [
                "MatCalcSymbolic", "MatCalc", "MatCalcCorpus",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Resources")]
        ),
        // Whole-output tests of the executables (`matcalc`, `homework`).
        .testTarget(
            name: "MatCalcCLITests",
            dependencies: ["matcalc", "homework", "MatCalcCorpus"],
            resources: [.copy("Resources")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
