// Shared bookkeeping for operations that apply a matrix kernel to every matrix of a batch with
// broadcast batch dimensions (matmul, solve).

enum BatchIndex {
    /// For each index of `batch`, in row-major order, the position (counted in matrices) of the
    /// matching matrix of an operand whose batch dimensions `own` broadcast to `batch`.
    static func matrixIndices(_ own: [Int], broadcastTo batch: [Int]) -> [Int] {
        let total = Shape.count(batch)
        if total == 0 { return [] }
        if own == batch { return Array(0..<total) }
        return Shape.offsets(of: batch, strides: Shape.broadcastStrides(own, to: batch))
    }
}
