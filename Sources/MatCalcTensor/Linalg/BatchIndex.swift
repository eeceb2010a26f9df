// Shared bookkeeping for operations that apply a matrix kernel to every matrix of a batch with
// broadcast batch dimensions (matmul, solve).

enum BatchIndex {
    /// For each index of `batch`, in row-major order, the position (counted in matrices) of the
    /// matching matrix of an operand whose batch dimensions `own` broadcast to `batch`.
    static func matrixIndices(_ own: [Int], broadcastTo batch: [Int]) -> [Int] {
        let total = Shape.count(batch)
        if total == 0 { return [] }
        if own == batch { return Array(0..<total) }
        let strides = Shape.broadcastStrides(own, to: batch)
        var out = [Int](repeating: 0, count: total)
        var index = [Int](repeating: 0, count: batch.count)
        var position = 0
        for flat in 0..<total {
            out[flat] = position
            // Advance the multi-index like an odometer, keeping `position` in step.
            var d = batch.count - 1
            while d >= 0 {
                index[d] += 1
                position += strides[d]
                if index[d] < batch[d] { break }
                position -= strides[d] * index[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }
}
