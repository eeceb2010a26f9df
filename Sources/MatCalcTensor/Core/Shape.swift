/// Shape arithmetic shared by every op: element counts, strides, broadcasting, dim wrapping.
public enum Shape {
    /// The number of elements of `shape`, or nil when it overflows `Int` or a dimension is negative.
    public static func checkedCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// The number of elements of a valid shape.
    @inlinable
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major (C-order) strides of `shape`.
    @inlinable
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// The NumPy/PyTorch broadcast of two shapes: align on the right; each pair of sizes must be
    /// equal or one of them 1. Nil when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Strides for reading a tensor of `shape` as if it had the broadcast shape `target`:
    /// 0 along dimensions that are broadcast.
    public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + offset] == 1 {
            out[i + offset] = shape[i] == 1 ? 0 : own[i]
        }
        return out
    }

    /// For each index of `shape` in row-major order, Σ index[d]·strides[d]: where that element
    /// lives in a buffer read with `strides` (a permutation's or a broadcast's).
    public static func offsets(of shape: [Int], strides: [Int]) -> [Int] {
        let total = count(shape)
        var out = [Int](repeating: 0, count: total)
        var index = [Int](repeating: 0, count: shape.count)
        var position = 0
        for flat in 0..<total {
            out[flat] = position
            // Advance the multi-index like an odometer, keeping `position` in step.
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                position += strides[d]
                if index[d] < shape[d] { break }
                position -= strides[d] * index[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// Wraps a possibly negative dimension index into `0..<rank` (PyTorch's `dim=-1`).
    /// A rank-0 tensor accepts dims 0 and -1, as in PyTorch.
    public static func wrapDim(_ dim: Int, rank: Int, op: String) -> Int {
        let r = max(rank, 1)
        precondition(dim >= -r && dim < r, "\(op): dimension \(dim) out of range for a tensor of rank \(rank)")
        return dim < 0 ? dim + r : dim
    }

    /// `[2, 3]` → `"[2, 3]"`, the spelling of shapes in error messages.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
