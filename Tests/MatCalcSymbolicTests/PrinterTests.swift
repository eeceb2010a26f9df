import Foundation
import MatCalcSymbolic
import Testing

/// Expressions shared by the printer and evaluator tests. Dimensions: X n×d, W d×k, Y n×k,
/// A and S n×n, B d×d, N n×n, x and y n, w d, λ (and lam) scalars.
enum Fixtures {
    static let n = Dim.named("n"), d = Dim.named("d"), k = Dim.named("k")
    static let X = Expr.variable("X", MatrixShape(n, d))
    static let W = Expr.variable("W", MatrixShape(d, k))
    static let Y = Expr.variable("Y", MatrixShape(n, k))
    static let A = Expr.variable("A", MatrixShape(n, n))
    static let S = Expr.variable("S", MatrixShape(n, n))
    static let B = Expr.variable("B", MatrixShape(d, d))
    static let N = Expr.variable("N", MatrixShape(n, n))
    static let x = Expr.variable("x", .vector(n))
    static let y = Expr.variable("y", .vector(n))
    static let w = Expr.variable("w", .vector(d))
    static let λ = Expr.variable("λ", .scalar)
    static let lam = Expr.variable("lam", .scalar)
    static let ones = Expr.ones(.vector(n))

    static func t(_ e: Expr) -> Expr { .transpose(e) }
    static func neg(_ e: Expr) -> Expr { .scale(.number(-1), e) }
    static let XW = Expr.product([X, W])
    /// The relu residual max(X W, 0) − Y.
    static let residual = Expr.sum([.maximum(XW, 0), neg(Y)])
    /// ∂/∂W ‖max(X W, 0) − Y‖²_F = 2 Xᵀ ((max(X W, 0) − Y) ⊙ 1{X W > 0}).
    static let anchor = Expr.scale(
        .number(2), .product([t(X), .hadamard(residual, .indicator(XW, .greater, .number(0)))]))
    /// ‖max(X W, 0) − Y‖²_F, whose W-gradient is `anchor`.
    static let reluLoss = Expr.power(.norm(residual, .frobenius), 2)
    /// log det(S) + (x − y)ᵀ S⁻¹ (x − y).
    static let gaussian = Expr.sum([
        .logdet(S, absolute: false), .product([t(.sum([x, neg(y)])), .inverse(S), .sum([x, neg(y)])]),
    ])
}

@Suite struct PrinterTests {
    typealias F = Fixtures

    /// (expression, text, LaTeX).
    static let cases: [(Expr, String, String)] = [
        (F.anchor, "2 Xᵀ ((max(X W, 0) − Y) ⊙ 1{X W > 0})",
         #"2 X^\top \left( (\max(X W, 0) - Y) \odot \mathbb{1}\{X W > 0\} \right)"#),
        (.inverse(F.A), "A⁻¹", "A^{-1}"),
        (.transpose(.inverse(F.A)), "A⁻ᵀ", #"A^{-\top}"#),
        (.inverse(.transpose(F.A)), "A⁻ᵀ", #"A^{-\top}"#),
        (.norm(F.X, .frobenius), "‖X‖_F", #"\|X\|_F"#),
        (.power(.norm(F.w, .frobenius), 2), "‖w‖²", #"\|w\|^2"#),
        (.power(.norm(F.X, .frobenius), 2), "‖X‖_F²", #"\|X\|_F^2"#),
        (F.reluLoss, "‖max(X W, 0) − Y‖_F²", #"\|\max(X W, 0) - Y\|_F^2"#),
        (.trace(F.X), "tr(X)", #"\operatorname{tr}(X)"#),
        (.det(F.A), "det(A)", #"\det(A)"#),
        (.logdet(F.S, absolute: false), "log det(S)", #"\log\det(S)"#),
        (.logdet(F.S, absolute: true), "log |det(S)|", #"\log\lvert \det(S) \rvert"#),
        (.apply(.sigmoid, .product([F.X, F.w])), "σ(X w)", #"\sigma(X w)"#),
        (.softmax(F.x), "softmax(x)", #"\operatorname{softmax}(x)"#),
        (.product([F.t(F.ones), .apply(.log, .product([F.A, F.x]))]), "1ᵀ log(A x)", #"\mathbf{1}^\top \log(A x)"#),
        (.identity(F.n), "I", "I"),
        (.hadamardDivide(F.x, F.y), "x ⊘ y", #"x \oslash y"#),
        (.kronecker(F.A, F.S), "A ⊗ S", #"A \otimes S"#),
        (.number(-0.001), "−1e-3", "-10^{-3}"),
        (.number(2), "2", "2"),
        (.number(0.5), "0.5", "0.5"),
        (.number(1.5e-7), "1.5e-7", #"1.5 \cdot 10^{-7}"#),
        (.number(1000), "1000", "1000"),
        (.scale(.number(-2), .sum([F.A, F.neg(F.S)])), "−2 (A − S)", "-2 (A - S)"),
        (.scale(F.λ, F.w), "λ w", #"\lambda w"#),
        (.sum([F.A, .scale(.number(-3), F.S), F.neg(F.A)]), "A − 3 S − A", "A - 3 S - A"),
        (.sum([F.A, .product([.scale(.number(-2), F.S), F.A])]), "A − 2 S A", "A - 2 S A"),
        (.product([F.t(F.x), F.A, F.x]), "xᵀ A x", #"x^\top A x"#),
        (.product([F.x, F.t(F.y)]), "x yᵀ", #"x y^\top"#),
        (.product([F.X, .product([F.W, F.t(F.W)])]), "X (W Wᵀ)", #"X (W W^\top)"#),
        (.product([.scale(.number(2), F.X), F.W]), "2 X W", "2 X W"),
        (.product([F.X, .scale(.number(-2), F.W)]), "X (−2 W)", "X (-2 W)"),
        (.diag(F.x), "diag(x)", #"\operatorname{diag}(x)"#),
        (.vec(F.X), "vec(X)", #"\operatorname{vec}(X)"#),
        (.sumEntries(F.X), "1ᵀ X 1", #"\mathbf{1}^\top X \mathbf{1}"#),
        (.sumEntries(F.x), "1ᵀ x", #"\mathbf{1}^\top x"#),
        (.norm(F.x, .one), "‖x‖₁", #"\|x\|_1"#),
        (.logsumexp(F.x), "logsumexp(x)", #"\operatorname{logsumexp}(x)"#),
        (.divide(F.X, .norm(F.X, .frobenius)), "X / ‖X‖_F", #"\frac{X}{\|X\|_F}"#),
        (.product([.divide(F.X, F.λ), F.W]), "(X / λ) W", #"\frac{X}{\lambda} W"#),
        (.transpose(.sum([F.A, F.S])), "(A + S)ᵀ", #"(A + S)^\top"#),
        (.transpose(.divide(F.X, F.λ)), "(X / λ)ᵀ", #"\left( \frac{X}{\lambda} \right)^\top"#),
        (.matrixPower(F.A, 3), "A³", "A^3"),
        (.transpose(.matrixPower(F.A, 3)), "(A³)ᵀ", #"(A^3)^\top"#),
        (.power(F.X, 2), "X^∘2", #"X^{\circ 2}"#),
        (.power(F.λ, -1), "λ⁻¹", #"\lambda^{-1}"#),
        (.power(F.λ, 0.5), "√λ", #"\sqrt{\lambda}"#),
        (.apply(.relu, F.XW), "max(X W, 0)", #"\max(X W, 0)"#),
        (.apply(.step, F.XW), "1{X W > 0}", #"\mathbb{1}\{X W > 0\}"#),
        (.indicator(F.x, .lessOrEqual, F.y), "1{x ≤ y}", #"\mathbb{1}\{x \leq y\}"#),
        (.scale(.number(2), .apply(.step, F.x)), "2 · 1{x > 0}", #"2 \mathbb{1}\{x > 0\}"#),
        (.minimum(F.A, 1.5), "min(A, 1.5)", #"\min(A, 1.5)"#),
        (.maximum(F.A, -1), "max(A, −1)", #"\max(A, -1)"#),
        (F.gaussian, "log det(S) + (x − y)ᵀ S⁻¹ (x − y)", #"\log\det(S) + (x - y)^\top S^{-1} (x - y)"#),
        (.scale(.logdet(F.S, absolute: false), F.A), "(log det(S)) A", #"(\log\det(S)) A"#),
        (.scale(.sumEntries(F.y), .softmax(F.x)), "(1ᵀ y) softmax(x)", #"(\mathbf{1}^\top y) \operatorname{softmax}(x)"#),
        (.hadamard(F.neg(F.y), F.product2(F.A, F.x)), "−y ⊙ A x", #"-y \odot A x"#),
        (.hadamard(F.X, .hadamard(F.X, F.X)), "X ⊙ (X ⊙ X)", #"X \odot (X \odot X)"#),
        (.hadamard(.hadamard(F.X, F.X), F.X), "X ⊙ X ⊙ X", #"X \odot X \odot X"#),
        (.kronecker(.hadamard(F.A, F.S), F.B), "(A ⊙ S) ⊗ B", #"(A \odot S) \otimes B"#),
        (.product([F.A, .hadamard(F.A, F.S)]), "A (A ⊙ S)", #"A (A \odot S)"#),
        (.apply(.abs, F.λ), "|λ|", #"\lvert \lambda \rvert"#),
        (.apply(.abs, F.x), "abs(x)", #"\operatorname{abs}(x)"#),
        (.apply(.sqrt, .sum([F.λ, .number(1)])), "√(λ + 1)", #"\sqrt{\lambda + 1}"#),
        (.apply(.sign, F.x), "sign(x)", #"\operatorname{sign}(x)"#),
        (.apply(.exp, F.x), "exp(x)", #"\exp(x)"#),
        (.ones(MatrixShape(F.n, F.d)), "1_{n×d}", #"\mathbf{1}_{n \times d}"#),
        (.zeros(.vector(F.n)), "0", "0"),
        (.differential(F.X), "dX", #"\mathrm{d}X"#),
        (.product([F.A, .differential(F.X), F.B]), "A dX B", #"A \mathrm{d}X B"#),
        (.differential(F.XW), "d(X W)", #"\mathrm{d}(X W)"#),
    ]

    @Test(arguments: cases.indices)
    func textAndLaTeX(_ i: Int) {
        let (e, text, latex) = Self.cases[i]
        #expect(e.text == text)
        #expect(e.latex == latex)
    }

    @Test func latexNames() {
        #expect(Expr.variable("lambda", .scalar).latex == #"\lambda"#)
        #expect(Expr.variable("Sigma", MatrixShape(F.n, F.n)).latex == #"\Sigma"#)
        #expect(Expr.variable("μ", .vector(F.n)).latex == #"\mu"#)
        #expect(Expr.product([.variable("W1", MatrixShape(F.d, F.k)), .variable("W2", MatrixShape(F.k, F.k))]).latex == "W_{1} W_{2}")
        #expect(Expr.transpose(.variable("x_i", .vector(F.n))).latex == #"x_{i}^\top"#)
        #expect(Expr.variable("lam", .scalar).latex == #"\mathit{lam}"#)
        #expect(Expr.variable("sigma_1", .scalar).latex == #"\sigma_{1}"#)
    }

    @Test func latexBracesAndSizedDelimitersBalance() {
        for (e, _, latex) in Self.cases {
            var depth = 0
            var previous: Character = " "
            for c in latex {
                if previous != "\\" {
                    if c == "{" { depth += 1 }
                    if c == "}" { depth -= 1 }
                }
                #expect(depth >= 0, "\(e.text): \(latex)")
                previous = c
            }
            #expect(depth == 0, "unbalanced braces in \(latex)")
            #expect(latex.components(of: #"\left"#) == latex.components(of: #"\right"#), "\(latex)")
        }
    }
}

@Suite struct CodeEmitterStringTests {
    typealias F = Fixtures

    /// (expression, NumPy, PyTorch, Swift).
    static let cases: [(Expr, String, String, String)] = [
        (F.anchor, "2 * X.T @ ((np.maximum(X @ W, 0) - Y) * (X @ W > 0))",
         "2 * X.T @ ((torch.relu(X @ W) - Y) * (X @ W > 0))",
         "2 * X.t().matmul((X.matmul(W).relu() - Y) * (X.matmul(W) > 0))"),
        (.product([F.t(F.x), F.A, F.x]), "x @ A @ x", "x @ A @ x", "x.matmul(A).matmul(x)"),
        (.product([F.x, F.t(F.y)]), "np.outer(x, y)", "torch.outer(x, y)", "x.unsqueeze(1).matmul(y.unsqueeze(0))"),
        (.product([F.t(F.ones), .apply(.log, .product([F.A, F.x]))]), "np.sum(np.log(A @ x))",
         "torch.sum(torch.log(A @ x))", "A.matmul(x).log().sum()"),
        (.product([F.t(F.ones), F.X]), "np.sum(X, axis=0)", "torch.sum(X, dim=0)", "X.sum(dim: 0)"),
        (.product([F.A, F.ones]), "np.sum(A, axis=1)", "torch.sum(A, dim=1)", "A.sum(dim: 1)"),
        (.product([F.t(F.x), F.ones]), "np.sum(x)", "torch.sum(x)", "x.sum()"),
        (.product([F.t(F.x), F.y, F.t(F.w)]), "x @ y * w", "x @ y * w", "x.matmul(y) * w"),
        (.product([F.t(F.X), F.x]), "X.T @ x", "X.T @ x", "X.t().matmul(x)"),
        (.product([F.t(F.x), F.X]), "x @ X", "x @ X", "x.matmul(X)"),
        (.transpose(F.x), "x", "x", "x"),
        (F.gaussian, "np.linalg.slogdet(S)[1] + (x - y) @ np.linalg.inv(S) @ (x - y)",
         "torch.logdet(S) + (x - y) @ torch.linalg.inv(S) @ (x - y)",
         "try S.logdet() + (x - y).matmul(S.inverse()).matmul(x - y)"),
        (F.reluLoss, "np.linalg.norm(np.maximum(X @ W, 0) - Y) ** 2", "torch.linalg.norm(torch.relu(X @ W) - Y) ** 2",
         "(X.matmul(W).relu() - Y).norm().pow(2)"),
        (.scale(.number(-2), .sum([F.A, F.neg(F.S)])), "-2 * (A - S)", "-2 * (A - S)", "-2 * (A - S)"),
        (.sum([F.A, .scale(.number(-3), F.S), F.neg(F.A)]), "A - 3 * S - A", "A - 3 * S - A", "A - 3 * S - A"),
        (F.neg(.product([F.X, F.W])), "-X @ W", "-X @ W", "-X.matmul(W)"),
        (.scale(F.λ, F.w), "λ * w", "λ * w", "λ * w"),
        (.hadamard(F.X, .product([F.X, F.B])), "X * (X @ B)", "X * (X @ B)", "X * X.matmul(B)"),
        (.divide(F.X, .product([F.t(F.x), F.y])), "X / (x @ y)", "X / (x @ y)", "X / x.matmul(y)"),
        (.power(.sum([F.x, F.y]), 2), "(x + y) ** 2", "(x + y) ** 2", "(x + y).pow(2)"),
        (.identity(F.n), "np.eye(n)", "torch.eye(n)", "Tensor.eye(n)"),
        (.sum([F.A, .identity(F.n)]), "A + np.eye(n)", "A + torch.eye(n, dtype=A.dtype)", "A + Tensor.eye(n, dtype: A.dtype)"),
        (.product([F.ones, F.t(F.x)]), "np.outer(np.ones(n), x)", "torch.outer(torch.ones(n, dtype=x.dtype), x)",
         "Tensor.ones([n], dtype: x.dtype).unsqueeze(1).matmul(x.unsqueeze(0))"),
        (.sum([F.X, .ones(MatrixShape(F.n, F.d))]), "X + np.ones((n, d))", "X + torch.ones(n, d, dtype=X.dtype)",
         "X + Tensor.ones([n, d], dtype: X.dtype)"),
        (.inverse(F.A), "np.linalg.inv(A)", "torch.linalg.inv(A)", "try A.inverse()"),
        (.transpose(.inverse(F.A)), "np.linalg.inv(A).T", "torch.linalg.inv(A).T", "try A.inverse().t()"),
        (.matrixPower(F.A, 3), "np.linalg.matrix_power(A, 3)", "torch.linalg.matrix_power(A, 3)", "try A.matrixPower(3)"),
        (.apply(.sigmoid, .product([F.X, F.w])), "sigmoid(X @ w)", "torch.sigmoid(X @ w)", "X.matmul(w).sigmoid()"),
        (.apply(.step, F.XW), "step(X @ W)", "(X @ W > 0).to(X.dtype)", "(X.matmul(W) > 0).to(X.dtype)"),
        (.indicator(F.x, .lessOrEqual, F.y), "(x <= y).astype(float)", "(x <= y).to(x.dtype)", "(x <= y).to(x.dtype)"),
        (.softmax(F.X), "softmax(X)", "torch.softmax(X, dim=-1)", "X.softmax(dim: -1)"),
        (.logsumexp(F.x), "logsumexp(x)", "torch.logsumexp(x, dim=-1)", "x.logsumexp()"),
        (.logdet(F.S, absolute: true), "np.linalg.slogdet(S)[1]", "torch.linalg.slogdet(S)[1]", "S.slogdet().logAbsDet"),
        (.vec(F.X), "X.reshape(-1, order='F')", "X.T.reshape(-1)", "X.t().reshaped([-1])"),
        (.diag(F.x), "np.diag(x)", "torch.diag(x)", "x.diag()"),
        (.sumEntries(F.X), "np.sum(X)", "torch.sum(X)", "X.sum()"),
        (.norm(F.x, .one), "np.sum(np.abs(x))", "torch.sum(torch.abs(x))", "x.norm(p: 1)"),
        (.kronecker(F.A, F.x), "np.kron(A, x[:, None])", "torch.kron((A).contiguous(), (x[:, None]).contiguous())", "Tensor.kron(A, x.unsqueeze(1))"),
        (.kronecker(F.x, F.w), "np.kron(x, w)", "torch.kron((x).contiguous(), (w).contiguous())", "Tensor.kron(x, w)"),
        (.maximum(F.A, -1), "np.maximum(A, -1)", "torch.clamp(A, min=-1)", "A.clamp(min: -1)"),
        (.minimum(F.A, 1.5), "np.minimum(A, 1.5)", "torch.clamp(A, max=1.5)", "A.clamp(max: 1.5)"),
        (.number(-0.001), "-1e-3", "-1e-3", "Tensor(-1e-3)"),
        (.scale(.number(2), .number(3)), "2 * 3", "2 * 3", "Tensor(2.0) * 3"),
        (.trace(.product([F.t(F.X), F.Y])), "np.trace(X.T @ Y)", "torch.trace(X.T @ Y)", "X.t().matmul(Y).trace()"),
        (.power(F.λ, 0.5), "λ ** 0.5", "λ ** 0.5", "λ.pow(0.5)"),
        (.sum([F.λ, .number(1)]), "λ + 1", "λ + 1", "λ + 1"),
    ]

    @Test(arguments: cases.indices)
    func emittedCode(_ i: Int) throws {
        let (e, numpy, pytorch, swift) = Self.cases[i]
        #expect(try e.numpy() == numpy)
        #expect(try e.pytorch() == pytorch)
        #expect(try e.swift() == swift)
    }

    @Test func differentialsAreUnsupported() {
        let e = Expr.product([F.A, .differential(F.X)])
        let emitters: [() throws(SymbolicError) -> String] = [e.numpy, e.pytorch, e.swift]
        for emit in emitters {
            do {
                let code = try emit()
                Issue.record("expected an error, got \(code)")
            } catch {
                #expect(error.kind == .unsupported)
                #expect(error.message.contains("dX"))
            }
        }
    }

    @Test func preludeDefinesTheHelpers() {
        for helper in ["def sigmoid(", "def softmax(", "def softmax_rows(", "def logsumexp(", "def step(", "def relu(", "inv = "] {
            #expect(Expr.numpyPrelude.contains(helper))
        }
    }
}

extension Fixtures {
    static func product2(_ a: Expr, _ b: Expr) -> Expr { .product([a, b]) }
}

extension String {
    /// How many times `s` occurs.
    func components(of s: String) -> Int {
        var count = 0
        var rest = Substring(self)
        while let r = rest.range(of: s) {
            count += 1
            rest = rest[r.upperBound...]
        }
        return count
    }
}
