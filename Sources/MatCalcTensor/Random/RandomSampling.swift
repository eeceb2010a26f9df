/// The element-by-element recipes of `randn`, `rand` and `randint` on a generator's state
/// (SPEC §3, §4). Each consumes the stream in exactly PyTorch's order.
extension GeneratorState {
    /// `n` standard normals as float32 (`torch.randn(n)`).
    mutating func normalFloats(count n: Int, kernel: NormalKernel) -> [Float] {
        if n < 16 {
            // Small path: double Box–Muller, rounded to nearest float32.
            return (0..<n).map { _ in Float(nextNormalDouble()) }
        }
        return uninitializedBuffer(n) { buffer in
            switch kernel {
            case .avx2:
                fillVectorPath(buffer, draw: { $0.uniformFloat() }, chunk: NormalKernels.chunkAVX2)
            case .libm:
                fillVectorPath(buffer, draw: { $0.uniformFloat() }, chunk: NormalKernels.chunkLibm)
            }
        }
    }

    /// `n` standard normals as float64 (`torch.randn(n, dtype=torch.float64)`).
    mutating func normalDoubles(count n: Int) -> [Double] {
        if n < 16 {
            return (0..<n).map { _ in nextNormalDouble() }
        }
        return uninitializedBuffer(n) { buffer in
            fillVectorPath(buffer, draw: { $0.uniformDouble() }, chunk: NormalKernels.chunkDouble)
        }
    }

    /// The vector path (`n >= 16`): `n` uniforms, then one chunk transform per full block of 16;
    /// if `n % 16 != 0`, 16 *fresh* uniforms overwrite the last 16 slots and that block is
    /// transformed again (so `n + 16` draws, and the normals already at those slots are lost).
    /// The cached small-path normal is neither used nor cleared.
    @inline(__always)
    mutating func fillVectorPath<T>(
        _ d: UnsafeMutableBufferPointer<T>,
        draw: (inout GeneratorState) -> T,
        chunk: (UnsafeMutablePointer<T>) -> Void
    ) {
        let n = d.count
        guard n >= 16, let base = d.baseAddress else { preconditionFailure("vector path needs n >= 16") }
        for i in 0..<n { (base + i).initialize(to: draw(&self)) }
        var start = 0
        while start + 16 <= n {
            chunk(base + start)
            start += 16
        }
        if n % 16 != 0 {
            let tail = base + (n - 16)
            for i in 0..<16 { tail[i] = draw(&self) }
            chunk(tail)
        }
    }

    /// `n` float32 uniforms in `[0, 1)` (`torch.rand(n)`).
    mutating func uniformFloats(count n: Int) -> [Float] {
        (0..<n).map { _ in uniformFloat() }
    }

    /// `n` float64 uniforms in `[0, 1)` (`torch.rand(n, dtype=torch.float64)`).
    mutating func uniformDoubles(count n: Int) -> [Double] {
        (0..<n).map { _ in uniformDouble() }
    }

    /// `n` integers in `low ..< high` (`torch.randint(low, high, (n,))`): plain modulo of one
    /// 32-bit draw, or of one 64-bit draw when the range is at least 2^28 (the threshold measured
    /// on torch 2.13; older sources used 2^32). Requires `low < high`.
    mutating func integers(count n: Int, low: Int64, high: Int64) -> [Int64] {
        // high - low as UInt64 is exact for every low < high, even across the whole Int64 range.
        let range = UInt64(bitPattern: high &- low)
        let offset = UInt64(bitPattern: low)
        let wide = range >= 1 << 28
        return (0..<n).map { _ in
            let v = wide ? random64() : UInt64(random())
            // (v % range) + low, modulo 2^64: the result lies in low ..< high.
            return Int64(bitPattern: (v % range) &+ offset)
        }
    }
}
