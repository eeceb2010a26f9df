/// The 32-bit Mersenne Twister (MT19937) exactly as PyTorch's CPU generator runs it.
///
/// The output stream is identical to C++ `std::mt19937` seeded with the same 32-bit value:
/// for seed 5489 the first ``random()`` is 3499211612.
public struct MT19937: Sendable, Equatable {
    // Standard MT19937 parameters.
    static let n = 624
    static let m = 397
    static let matrixA: UInt32 = 0x9908_B0DF
    static let upperMask: UInt32 = 0x8000_0000
    static let lowerMask: UInt32 = 0x7FFF_FFFF

    /// The 624-word state array.
    var state: [UInt32]
    /// Words still to be handed out before the next twist (PyTorch's `left_`).
    var left: Int
    /// Index of the next word of `state` to temper (PyTorch's `next_`).
    var next: Int

    /// Creates an engine seeded with `seed` (the standard MT19937 initialisation).
    public init(seed: UInt32) {
        var mt = [UInt32](repeating: 0, count: Self.n)
        mt[0] = seed
        for i in 1..<Self.n {
            let prev = mt[i - 1]
            mt[i] = 1_812_433_253 &* (prev ^ (prev >> 30)) &+ UInt32(i)
        }
        state = mt
        // left == 1 makes the very first draw twist the freshly seeded array.
        left = 1
        next = 0
    }

    /// The next tempered 32-bit output.
    @inline(__always)
    public mutating func random() -> UInt32 {
        left -= 1
        if left == 0 { twist() }
        var y = state[next]
        next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two consecutive outputs joined into 64 bits; the first draw is the high half.
    @inline(__always)
    public mutating func random64() -> UInt64 {
        let hi = UInt64(random())
        let lo = UInt64(random())
        return (hi << 32) | lo
    }

    /// Regenerates all 624 words in place, in increasing index order, so the wrapped reads
    /// (`k + 397 >= 624`, and word 0 for `k == 623`) see already-updated words — exactly the
    /// reference algorithm.
    mutating func twist() {
        state.withUnsafeMutableBufferPointer { mt in
            let n = Self.n
            for k in 0..<n {
                let k1 = k + 1 == n ? 0 : k + 1
                let km = k + Self.m < n ? k + Self.m : k + Self.m - n
                let y = (mt[k] & Self.upperMask) | (mt[k1] & Self.lowerMask)
                var v = mt[km] ^ (y >> 1)
                if mt[k1] & 1 != 0 { v ^= Self.matrixA }
                mt[k] = v
            }
        }
        left = Self.n
        next = 0
    }
}
