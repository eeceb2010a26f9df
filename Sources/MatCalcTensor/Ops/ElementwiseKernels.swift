// The loops every elementwise op runs: one pass over contiguous buffers, with the op's closure
// specialised and inlined into the loop (no per-element dispatch or allocation). Large passes are
// split across the cores (`inChunks`).

import Foundation

/// The element count from which an elementwise pass is split across the cores: below it, waking a
/// second thread costs more than the pass (measured in BENCHMARKS.md).
@usableFromInline let parallelElementThreshold = 1 << 17

/// The cores elementwise passes use.
@usableFromInline let elementwiseThreads = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

/// Calls `body` on disjoint ranges covering 0..<n: one range below the threshold, one per core above it.
@inlinable
func inChunks(_ n: Int, _ body: (Range<Int>) -> Void) {
    let chunks = n >= parallelElementThreshold ? elementwiseThreads : 1
    guard chunks > 1 else { return body(0..<n) }
    let size = (n + chunks - 1) / chunks
    // The chunks write disjoint ranges of one output buffer and only read shared inputs, and the body
    // does not outlive this call: safe to share, though its captures are not Sendable.
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let chunk = body
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lower = c * size
            if lower < n { chunk(lower..<min(n, lower + size)) }
        }
    }
}

/// Applies `f` to each element of `x`.
@inlinable
func mapBuffer<A, R>(_ x: [A], _ f: (A) -> R) -> [R] {
    let n = x.count
    return [R](unsafeUninitializedCapacity: n) { out, initialized in
        x.withUnsafeBufferPointer { px in
            inChunks(n) { range in for i in range { out[i] = f(px[i]) } }
        }
        initialized = n
    }
}

/// Applies `f` to the elements of `a` and `b` broadcast to `shape` (which must be their broadcast).
@inlinable
func broadcastMap<A, B, R>(
    _ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], to shape: [Int], _ f: (A, B) -> R
) -> [R] {
    let n = Shape.count(shape)
    return [R](unsafeUninitializedCapacity: n) { out, initialized in
        defer { initialized = n }
        guard n > 0 else { return }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                if aShape == bShape {
                    inChunks(n) { range in for i in range { out[i] = f(pa[i], pb[i]) } }
                } else if pb.count == 1 {
                    let y = pb[0]
                    inChunks(n) { range in for i in range { out[i] = f(pa[i], y) } }
                } else if pa.count == 1 {
                    let x = pa[0]
                    inChunks(n) { range in for i in range { out[i] = f(x, pb[i]) } }
                } else {
                    broadcastLoop(pa, aShape, pb, bShape, shape, n, out, f)
                }
            }
        }
    }
}

/// The general broadcast walk: the innermost dimension is a strided loop, the outer ones an odometer.
@inlinable
func broadcastLoop<A, B, R>(
    _ pa: UnsafeBufferPointer<A>, _ aShape: [Int], _ pb: UnsafeBufferPointer<B>, _ bShape: [Int],
    _ shape: [Int], _ n: Int, _ out: UnsafeMutableBufferPointer<R>, _ f: (A, B) -> R
) {
    let sa = Shape.broadcastStrides(aShape, to: shape)
    let sb = Shape.broadcastStrides(bShape, to: shape)
    let rank = shape.count
    let inner = shape[rank - 1]
    let ia = sa[rank - 1]
    let ib = sb[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var offA = 0
    var offB = 0
    var o = 0
    while o < n {
        if ia == 1 && ib == 1 {
            for j in 0..<inner { out[o + j] = f(pa[offA + j], pb[offB + j]) }
        } else {
            for j in 0..<inner { out[o + j] = f(pa[offA + j * ia], pb[offB + j * ib]) }
        }
        o += inner
        var d = rank - 2
        while d >= 0 {
            index[d] += 1
            offA += sa[d]
            offB += sb[d]
            if index[d] < shape[d] { break }
            offA -= sa[d] * shape[d]
            offB -= sb[d] * shape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// Materialises `x` (of `xShape`) broadcast to `shape`.
@inlinable
func broadcastBuffer<A>(_ x: [A], _ xShape: [Int], to shape: [Int]) -> [A] {
    if xShape == shape { return x }
    let n = Shape.count(shape)
    let none: [Bool] = [false]
    return [A](unsafeUninitializedCapacity: n) { out, initialized in
        x.withUnsafeBufferPointer { px in
            none.withUnsafeBufferPointer { pn in
                if n > 0 { broadcastLoop(px, xShape, pn, [], shape, n, out) { v, _ in v } }
            }
        }
        initialized = n
    }
}
