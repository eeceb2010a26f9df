import Foundation
import Testing
@testable import MatCalcTensor

/// Every differentiable op, value and gradient, against two independent oracles: PyTorch's values,
/// gradients and grad_fn names (autograd_golden.json, made by Tests/Scripts/gen_autograd_golden.py)
/// and central finite differences in Float64 (gradcheck).
@Suite struct AutogradGoldenTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        struct Input: Decodable, Sendable { let name: String; let shape: [Int]; let values: [Double] }
        struct Output: Decodable, Sendable { let shape: [Int]; let values: [Double] }
        let name: String
        let inputs: [Input]
        let out: Output
        let grad_fn: String
        let weight: [Double]
        let grads: [[Double]]
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = Bundle.module.url(forResource: "autograd_golden", withExtension: "json", subdirectory: "Resources")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    /// The same ops as the generator's lambdas, by case name.
    static let ops: [String: @Sendable ([Tensor]) throws -> Tensor] = [
        "neg": { -$0[0] },
        "abs": { $0[0].abs() },
        "exp": { $0[0].exp() },
        "exp_rank0": { $0[0].exp() },
        "log": { $0[0].log() },
        "sqrt": { $0[0].sqrt() },
        "sin": { $0[0].sin() },
        "cos": { $0[0].cos() },
        "tanh": { $0[0].tanh() },
        "sigmoid": { $0[0].sigmoid() },
        "relu": { $0[0].relu() },
        "add_broadcast": { $0[0] + $0[1] },
        "sub_outer": { $0[0] - $0[1] },
        "mul_rank0": { $0[0] * $0[1] },
        "div_column": { $0[0] / $0[1] },
        "rsub_scalar": { 1 - $0[0] },
        "rdiv_scalar": { 2 / $0[0] },
        "scale_shift": { $0[0] * 2.5 + 1 },
        "pow_tensor": { $0[0].pow($0[1]) },
        "pow_scalar": { $0[0].pow(3) },
        "square": { $0[0].pow(2) },
        "maximum": { Tensor.maximum($0[0], $0[1]) },
        "minimum": { Tensor.minimum($0[0], $0[1]) },
        "clamp": { $0[0].clamp(min: -0.5, max: 0.5) },
        "clamp_min": { $0[0].clamp(min: 0.1) },
        "where": { Tensor.where($0[0] > 0, $0[0], $0[1]) },
        "sum_all": { $0[0].sum() },
        "sum_dim": { $0[0].sum(dim: 1) },
        "sum_dims_keepdim": { $0[0].sum(dims: [0, 2], keepdim: true) },
        "mean_all": { $0[0].mean() },
        "mean_dim": { $0[0].mean(dim: -1) },
        "max_all": { $0[0].max() },
        "max_dim": { $0[0].max(dim: 1).values },
        "min_all": { $0[0].min() },
        "min_dim_keepdim": { $0[0].min(dim: 0, keepdim: true).values },
        "mm": { $0[0].matmul($0[1]) },
        "mv": { $0[0].matmul($0[1]) },
        "dot": { $0[0].matmul($0[1]) },
        "vm": { $0[0].matmul($0[1]) },
        "bmm_broadcast": { $0[0].matmul($0[1]) },
        "matmul_batch_broadcast": { $0[0].matmul($0[1]) },
        "t": { $0[0].t() },
        "T": { $0[0].T },
        "transpose": { $0[0].transpose(0, 2) },
        "permute": { $0[0].permute(2, 0, 1) },
        "reshape": { $0[0].reshaped(2, 6) },
        "flatten": { $0[0].flatten() },
        "unsqueeze": { $0[0].unsqueeze(1) },
        "squeeze": { $0[0].squeeze() },
        "expand": { $0[0].expand([3, 4]) },
        "select_row": { $0[0][1] },
        "select_column": { $0[0][.all, 2] },
        "slice_rows": { $0[0][1..<3] },
        "narrow": { $0[0].narrow(dim: 1, start: 1, length: 3) },
        "cat_rows": { Tensor.cat([$0[0], $0[1]]) },
        "cat_columns": { Tensor.cat([$0[0], $0[1]], dim: 1) },
        "stack": { Tensor.stack([$0[0], $0[1]], dim: 1) },
        "trace": { $0[0].trace() },
        "diag_of_matrix": { $0[0].diag() },
        "diag_embed": { $0[0].diag() },
        "norm2": { $0[0].norm() },
        "norm1": { $0[0].norm(p: 1) },
        "norm3": { $0[0].norm(p: 3) },
        "norm_inf": { $0[0].norm(p: .infinity) },
        "inverse": { try $0[0].inverse() },
        "det": { $0[0].det() },
        "logdet": { $0[0].logdet() },
        "solve_vector": { try $0[0].solve($0[1]) },
        "solve_matrix": { try $0[0].solve($0[1]) },
        "homework": { x in
            let r = (x[0].matmul(x[1])).relu() - x[2]
            return r.t().matmul(r).trace()
        },
        "least_squares": { x in (x[0].matmul(x[1]) - x[2]).pow(2).sum() },
        "logistic": { x in
            let p = x[0].matmul(x[1]).sigmoid()
            return -(x[2] * p.log() + (1 - x[2]) * (1 - p).log()).mean()
        },
    ]

    static func leaves(_ c: Case) -> [Tensor] {
        c.inputs.map { Tensor(shape: $0.shape, scalars: $0.values).requiringGrad() }
    }

    @Test func everyGeneratedCaseHasAnOp() {
        #expect(Self.cases.count == 72)
        #expect(Set(Self.cases.map(\.name)) == Set(Self.ops.keys))
    }

    @Test(arguments: cases)
    func valueGradientAndNameMatchPyTorch(_ c: Case) throws {
        let inputs = Self.leaves(c)
        let out = try Self.ops[c.name]!(inputs)
        #expect(out.gradFnName == c.grad_fn)
        expectValues(out, c.out.values, shape: c.out.shape, tolerance: 1e-10)
        try (out * Tensor(shape: c.out.shape, scalars: c.weight)).sum().backward()
        for (input, expected) in zip(inputs, c.grads) {
            let grad = try #require(input.grad)
            expectValues(grad, expected, shape: input.shape, tolerance: 1e-9)
        }
    }

    @Test(arguments: cases)
    func gradientMatchesFiniteDifferences(_ c: Case) throws {
        let inputs = c.inputs.map { Tensor(shape: $0.shape, scalars: $0.values) }
        let report = try gradcheck(Self.ops[c.name]!, inputs: inputs)
        #expect(report.passed, "\(report)")
        #expect(report.entriesCompared == c.out.values.count * c.inputs.reduce(0) { $0 + $1.values.count })
    }
}
