import ArgumentParser
import MatCalc

/// `matcalc randn 10 4 --seed 0`: prints what `torch.manual_seed(0); print(torch.randn(10, 4))` prints.
struct RandnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "randn",
        abstract: "Print a tensor of standard normal samples exactly as PyTorch does after manual_seed.",
        discussion: """
            Same bits and same text as `torch.manual_seed(S); print(torch.randn(D1, D2, …, dtype=…))` \
            on x86-64. The float32 kernel for 16 or more elements defaults to PyTorch's x86-64 (AVX2) \
            kernel on every platform; `--kernel libm` reproduces PyTorch on ARM and other CPUs.
            """
    )

    /// The largest tensor the command will draw (2^28 elements, 1 GiB of float32).
    static let maxElements = 1 << 28

    @Argument(help: "The dimensions, e.g. `10 4`; none gives a rank-0 tensor.")
    var dims: [String] = []

    @Option(name: .long, parsing: .unconditional, help: "The seed of torch.manual_seed, an integer in [-2^63, 2^64 - 1].")
    var seed: String = "0"

    @Option(name: .long, help: "float32 or float64.")
    var dtype: String = "float32"

    @Option(name: .long, help: "The float32 normal kernel: avx2 (PyTorch on x86-64) or libm (PyTorch elsewhere).")
    var kernel: String = "avx2"

    func run() throws {
        let shape = try Self.parseShape(dims)
        guard let dtype = DType(name: dtype), dtype.isFloatingPoint else {
            throw UsageError("--dtype must be float32 or float64, got '\(self.dtype)'")
        }
        guard let kernel = NormalKernel(name: kernel) else {
            throw UsageError("--kernel must be avx2 or libm, got '\(self.kernel)'")
        }
        let generator = try Generator(seed: Self.parseSeed(seed))
        print(Tensor.randn(shape, dtype: dtype, generator: generator, kernel: kernel))
    }

    /// Dimensions as non-negative integers whose product stays within ``maxElements``.
    static func parseShape(_ dims: [String]) throws -> [Int] {
        let shape = try dims.enumerated().map { i, text in
            guard let d = Int(text), d >= 0 else {
                throw UsageError("dimension \(i + 1) must be a non-negative integer, got '\(text)'")
            }
            return d
        }
        guard let n = Shape.checkedCount(shape), n <= maxElements else {
            throw UsageError("the shape \(shape.map(String.init).joined(separator: "×")) has more than \(maxElements) elements; refusing to allocate it")
        }
        return shape
    }

    /// A seed as PyTorch accepts it: any integer in [-2^63, 2^64 - 1]; negatives wrap to s + 2^64.
    static func parseSeed(_ text: String) throws -> UInt64 {
        if let s = UInt64(text) { return s }
        if let s = Int64(text) { return UInt64(bitPattern: s) }
        throw UsageError("--seed must be an integer in [-2^63, 2^64 - 1], got '\(text)'")
    }
}

extension NormalKernel {
    init?(name: String) {
        switch name {
        case "avx2": self = .avx2
        case "libm", "default": self = .libm
        default: return nil
        }
    }
}
