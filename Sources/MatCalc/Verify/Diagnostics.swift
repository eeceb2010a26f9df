import MatCalcSymbolic
import MatCalcTensor

/// Why an expression is not finite at some inputs: log or sqrt of non-positive entries, singular or
/// ill-conditioned matrices under an inverse, det or log det, non-finite inputs. Each finding names
/// the subexpression and the entry (or the condition number).
public func domainDiagnostics(
    of f: Expr, variables: [String: Tensor], sizes: [String: Int], dtype: DType
) -> [String] {
    var findings: [String] = []
    func note(_ text: String) { if !findings.contains(text) { findings.append(text) } }
    func value(_ e: Expr) -> Tensor? {
        try? evaluate(e, variables: variables, sizes: sizes, dtype: dtype).naturalShaped(as: e.shape)
    }
    func entry(_ t: Tensor, _ flat: Int) -> String {
        let strides = Shape.strides(t.shape)
        let index = zip(strides, t.shape).map { (flat / $0) % $1 }
        return index.isEmpty ? "" : "[" + index.map(String.init).joined(separator: ", ") + "]"
    }
    for name in variables.keys.sorted() {
        let values = variables[name]!.scalars(as: Double.self)
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            note("the input \(name) is not finite: \(name)\(entry(variables[name]!, i)) = \(values[i])")
        }
    }
    // 1-norm condition number ‖A‖₁ ‖A⁻¹‖₁ of a square matrix (∞ when singular).
    func conditionNumber(_ a: Tensor) -> Double {
        guard let inverse = try? a.to(.float64).inverse() else { return .infinity }
        func norm1(_ m: Tensor) -> Double { m.abs().sum(dim: 0).max().doubleValue }
        return norm1(a.to(.float64)) * norm1(inverse)
    }
    let illConditioned = dtype == .float64 ? 1e12 : 1e6
    func walk(_ e: Expr) {
        switch e {
        case .apply(.log, let a), .apply(.sqrt, let a):
            let isLog = { if case .apply(.log, _) = e { return true } else { return false } }()
            if let t = value(a) {
                let values = t.scalars(as: Double.self)
                if let i = values.firstIndex(where: { isLog ? $0 <= 0 : $0 < 0 }) {
                    note("\(isLog ? "log" : "sqrt") of a \(values[i] == 0 ? "zero" : "negative") entry: (\(a.text))\(entry(t, i)) = \(values[i])")
                }
            }
        case .inverse(let a), .det(let a), .logdet(let a, _):
            if let t = value(a), t.rank == 2 {
                let c = conditionNumber(t)
                if c == .infinity {
                    note("\(a.text) is singular")
                } else if c > illConditioned {
                    note("\(a.text) is ill-conditioned: condition number \(String(format: "%.1e", c)) (1-norm)")
                }
                if case .logdet(_, false) = e {
                    let d = t.to(.float64).det().doubleValue
                    if d <= 0 { note("det(\(a.text)) = \(String(format: "%.3g", d)) ≤ 0, so log det is undefined (use an spd input, e.g. --init \(a.variableNames.first ?? "S")=spd)") }
                }
            }
        default: break
        }
        e.children.forEach(walk)
    }
    walk(f)
    return findings
}
