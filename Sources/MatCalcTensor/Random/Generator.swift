import Foundation

/// A PyTorch-compatible CPU random number generator (`torch.Generator`): an MT19937 engine plus
/// the cached spare normal of the small `randn` path.
///
/// A generator is shared mutable state, like its PyTorch counterpart, so it is a class. It is
/// safe to use from several tasks or threads: an internal lock makes every draw — and every
/// whole tensor op such as `Tensor.randn` — atomic. Which of two
/// concurrent ops draws first is of course unspecified; seed a generator per task when a
/// reproducible order matters.
///
/// ```swift
/// let g = Generator(seed: 0)
/// let x = Tensor.randn([10, 4], generator: g)   // same bits as torch.randn(10, 4) after manual_seed(0)
/// ```
public final class Generator: @unchecked Sendable {
    // @unchecked: `state` is only read or written while `lock` is held.
    private let lock = NSLock()
    private var state: GeneratorState

    /// The seed of a freshly constructed `torch.Generator()`: 67280421310721.
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    /// The process-wide generator used when an op is given no generator (PyTorch's
    /// `torch.default_generator`). Like PyTorch's, it starts from a nondeterministic seed until
    /// the free function `manualSeed(_:)` or its own `manualSeed(_:)` is called.
    public static let `default` = Generator(seed: UInt64.random(in: .min ... .max))

    /// Creates a generator seeded with ``defaultSeed``, like `torch.Generator()`.
    public convenience init() { self.init(seed: Generator.defaultSeed) }

    /// Creates a generator seeded with `seed` (all 64 bits are reported by ``initialSeed``;
    /// only the low 32 bits seed the engine).
    public init(seed: UInt64) { state = GeneratorState(seed: seed) }

    /// Creates a generator seeded with `seed`; a negative seed means `seed + 2^64`, as in PyTorch.
    public convenience init(seed: Int64) { self.init(seed: UInt64(bitPattern: seed)) }

    /// Creates a generator seeded with any integer in `-2^63 ... 2^64 - 1` (traps outside).
    public convenience init<Seed: BinaryInteger>(seed: Seed) { self.init(seed: Generator.wrapSeed(seed)) }

    /// Reseeds the generator and clears the cached normal, like `Generator.manual_seed(seed)`.
    /// Returns the generator itself.
    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        withState { $0 = GeneratorState(seed: seed) }
        return self
    }

    /// Reseeds with `seed`; a negative seed means `seed + 2^64` (so `-1` and `2^32 - 1` give the
    /// same stream, while ``initialSeed`` reports `UInt64.max`).
    @discardableResult
    public func manualSeed(_ seed: Int64) -> Generator { manualSeed(UInt64(bitPattern: seed)) }

    /// Reseeds with any integer in `-2^63 ... 2^64 - 1` (traps outside, where PyTorch raises).
    @discardableResult
    public func manualSeed<Seed: BinaryInteger>(_ seed: Seed) -> Generator {
        manualSeed(Generator.wrapSeed(seed))
    }

    /// The seed last set, as a UInt64 (`Generator.initial_seed()`).
    public var initialSeed: UInt64 { withState { $0.seed } }

    /// One 32-bit output of the engine.
    public func random() -> UInt32 { withState { $0.random() } }

    /// One 64-bit value made of two 32-bit outputs, the first being the high half.
    public func random64() -> UInt64 { withState { $0.random64() } }

    /// A float32 uniform in `[0, 1)` from 24 random bits (one 32-bit draw).
    public func uniformFloat() -> Float { withState { $0.uniformFloat() } }

    /// A float64 uniform in `[0, 1)` from 53 random bits (one 64-bit draw).
    public func uniformDouble() -> Double { withState { $0.uniformDouble() } }

    /// Runs `body` on the state with the lock held: one tensor op is one call, so its draws are
    /// never interleaved with another thread's.
    func withState<R>(_ body: (inout GeneratorState) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    /// Converts an integer seed to PyTorch's UInt64: negative values wrap (`s + 2^64`).
    static func wrapSeed<Seed: BinaryInteger>(_ seed: Seed) -> UInt64 {
        if let unsigned = UInt64(exactly: seed) { return unsigned }
        guard let signed = Int64(exactly: seed) else {
            preconditionFailure("manualSeed: seed \(seed) is outside -2^63 ... 2^64 - 1")
        }
        return UInt64(bitPattern: signed)
    }
}

/// Seeds the process-wide ``Generator/default`` generator, like `torch.manual_seed(seed)`;
/// a negative seed means `seed + 2^64`. Returns that generator.
@discardableResult
public func manualSeed(_ seed: Int64) -> Generator { Generator.default.manualSeed(seed) }

/// Seeds the process-wide ``Generator/default`` generator with a seed in `0 ... 2^64 - 1`.
@discardableResult
public func manualSeed(_ seed: UInt64) -> Generator { Generator.default.manualSeed(seed) }

/// Seeds the process-wide ``Generator/default`` generator with any integer in
/// `-2^63 ... 2^64 - 1` (traps outside, where PyTorch raises); `manualSeed(0)` resolves here.
@discardableResult
public func manualSeed<Seed: BinaryInteger>(_ seed: Seed) -> Generator {
    Generator.default.manualSeed(seed)
}

/// The seed of the process-wide generator (`torch.initial_seed()`).
public func initialSeed() -> UInt64 { Generator.default.initialSeed }
