// The loops every elementwise op runs: one pass over contiguous buffers, with the op's closure
// specialised and inlined into the loop (no per-element dispatch or allocation).
//
// Only costly functions (exp, log, sin, a general power…) split large passes across the cores
// (`inChunks`). Measured on the 2-core machine (BENCHMARKS.md): a cheap pass (relu, +, −, ×) is bound
// by memory bandwidth, so a second thread gains nothing, and the closure it runs is an opaque call
// per element (4–8× slower than the inlined serial loop); it also competes with OpenBLAS's threads,
// which spin for a while after every GEMM.

import Foundation

/// The element count from which an elementwise pass is split across the cores: below it, waking a
/// second thread costs more than the pass (measured in BENCHMARKS.md).
@usableFromInline let parallelElementThreshold = 1 << 17

/// The cores elementwise passes use.
@usableFromInline let elementwiseThreads = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

/// Calls `body` on disjoint ranges covering 0..<n: one range below the threshold or when not
/// `parallel` (then `body` inlines into the caller's loop), one per core above it.
@inlinable
func inChunks(_ n: Int, parallel: Bool, _ body: (Range<Int>) -> Void) {
    let chunks = parallel && n >= parallelElementThreshold ? elementwiseThreads : 1
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

/// A new buffer of `count` elements that `initialize` fills completely.
///
/// Buffers of 4 MiB or more ask the kernel for transparent huge pages, as NumPy does: a fresh 16 MB
/// output then costs 8 page faults instead of 4,096 (measured: ~20,000 faults per forward + backward
/// at 4096×1024×1024 without it).
@inlinable
func uninitializedBuffer<T>(_ count: Int, _ initialize: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
    [T](unsafeUninitializedCapacity: count) { out, initialized in
        adviseHugePages(UnsafeMutableRawBufferPointer(out))
        initialize(out)
        initialized = count
    }
}

/// madvise(MADV_HUGEPAGE) on the whole pages inside `buffer`, when it spans 4 MiB or more (Linux).
@usableFromInline
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    guard buffer.count >= 1 << 22, let base = buffer.baseAddress else { return }
    let page = 4096
    let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    #endif
}

/// Applies `f` to each element of `x`; `costly` passes of many elements run on all cores.
@inlinable
func mapBuffer<A, R>(_ x: [A], costly: Bool = false, _ f: (A) -> R) -> [R] {
    let n = x.count
    return uninitializedBuffer(n) { out in
        x.withUnsafeBufferPointer { px in
            inChunks(n, parallel: costly) { range in for i in range { out[i] = f(px[i]) } }
        }
    }
}

/// Applies `f` to the elements of `a` and `b` broadcast to `shape` (which must be their broadcast);
/// `costly` passes of many elements run on all cores.
@inlinable
func broadcastMap<A, B, R>(
    _ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], to shape: [Int], costly: Bool = false, _ f: (A, B) -> R
) -> [R] {
    let n = Shape.count(shape)
    return uninitializedBuffer(n) { out in
        guard n > 0 else { return }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                if aShape == bShape {
                    inChunks(n, parallel: costly) { range in for i in range { out[i] = f(pa[i], pb[i]) } }
                } else if pb.count == 1 {
                    let y = pb[0]
                    inChunks(n, parallel: costly) { range in for i in range { out[i] = f(pa[i], y) } }
                } else if pa.count == 1 {
                    let x = pa[0]
                    inChunks(n, parallel: costly) { range in for i in range { out[i] = f(x, pb[i]) } }
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
    return uninitializedBuffer(n) { out in
        x.withUnsafeBufferPointer { px in
            none.withUnsafeBufferPointer { pn in
                if n > 0 { broadcastLoop(px, xShape, pn, [], shape, n, out) { v, _ in v } }
            }
        }
    }
}
