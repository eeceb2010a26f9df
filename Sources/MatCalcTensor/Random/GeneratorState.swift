import Foundation

/// The mutable state behind a ``Generator``: the engine, the seed it reports and the spare
/// Box–Muller value of the small `randn` path. Every draw of one tensor op happens on one
/// `inout` value of this type while the generator's lock is held.
struct GeneratorState: Sendable {
    /// The full 64-bit seed, as `torch.initial_seed()` reports it.
    var seed: UInt64
    var engine: MT19937
    /// The sine half of the last small-path Box–Muller pair, waiting to be used. Shared by
    /// float32 and float64 `randn`, ignored by the vector path, cleared only by seeding.
    var cachedNormalDouble: Double?

    init(seed: UInt64) {
        // Only the low 32 bits seed the engine; the full value is remembered.
        self.seed = seed
        engine = MT19937(seed: UInt32(truncatingIfNeeded: seed))
        cachedNormalDouble = nil
    }

    @inline(__always)
    mutating func random() -> UInt32 { engine.random() }

    @inline(__always)
    mutating func random64() -> UInt64 { engine.random64() }

    /// A float32 uniform in `[0, 1 - 2^-24]` from the low 24 bits of one `random()` (exact).
    @inline(__always)
    mutating func uniformFloat() -> Float {
        Float(random() & 0x00FF_FFFF) * 0x1p-24
    }

    /// A float64 uniform in `[0, 1 - 2^-53]` from the low 53 bits of one `random64()` (exact).
    @inline(__always)
    mutating func uniformDouble() -> Double {
        Double(random64() & 0x001F_FFFF_FFFF_FFFF) * 0x1p-53
    }

    /// One standard normal of the small path (`n < 16`): Box–Muller in double with a
    /// one-value cache.
    mutating func nextNormalDouble() -> Double {
        if let cached = cachedNormalDouble {
            cachedNormalDouble = nil
            // `* std + mean` with std 1, mean 0: the only effect is -0.0 -> +0.0.
            return cached + 0.0
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let (c, s) = Self.boxMuller(u1: u1, u2: u2)
        cachedNormalDouble = s
        return c + 0.0
    }

    /// The raw Box–Muller pair `(r·cos θ, r·sin θ)` of the small path. Here `u2` drives the
    /// radius through `log1p(-u2)` and `u1` the angle — the opposite roles of the vector path.
    @inline(__always)
    static func boxMuller(u1: Double, u2: Double) -> (cos: Double, sin: Double) {
        let r = (-2.0 * log1p(-u2)).squareRoot()
        // 2.0 * Double.pi == 6.283185307179586 exactly (multiplying by 2 is exact).
        let theta = 2.0 * Double.pi * u1
        return (r * cos(theta), r * sin(theta))
    }
}
