/// The named functions of the expression language.
enum BuiltinFunction: String, CaseIterable, Sendable {
    case tr, det, logdet, inv, diag, vec, sum
    case exp, log, sin, cos, tanh, sigmoid, relu, abs, sqrt, step, sign
    case softmax, softmaxRows = "softmax_rows", logsumexp
    case max, min
    case norm, norm1, norm2
    case eye, ones, zeros
    case kron
    /// The Frobenius inner product ⟨A, B⟩ = tr(Aᵀ B) of two operands of one shape.
    case inner

    /// Other spellings of the same functions.
    static let aliases: [String: BuiltinFunction] = ["σ": .sigmoid, "trace": .tr, "ln": .log]

    init?(named name: String) {
        if let f = BuiltinFunction(rawValue: name) ?? BuiltinFunction.aliases[name] {
            self = f
        } else {
            return nil
        }
    }

    /// Every spelling, for "did you mean" suggestions.
    static let allNames: [String] = allCases.map(\.rawValue) + aliases.keys.sorted()

    /// The number of arguments it takes (`ones` and `zeros` take one or two).
    var arity: ClosedRange<Int> {
        switch self {
        case .max, .min, .kron, .inner: 2...2
        case .ones, .zeros: 1...2
        default: 1...1
        }
    }

    /// The entrywise function it applies, for those that apply one.
    var elementwise: ElementwiseFunction? {
        switch self {
        case .exp: .exp
        case .log: .log
        case .sin: .sin
        case .cos: .cos
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .relu: .relu
        case .abs: .abs
        case .sqrt: .sqrt
        case .step: .step
        case .sign: .sign
        default: nil
        }
    }
}

/// The Levenshtein distance between two names (for "did you mean" suggestions).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// The closest candidate to a misspelled name, if one is close enough to be a plausible typo:
/// a different capitalisation always is; otherwise at most 1 edit for names of up to 3 characters,
/// 2 for longer ones. Ties go to the earlier candidate.
func suggestion(for name: String, among candidates: [String]) -> String? {
    if let sameLetters = candidates.first(where: { $0.lowercased() == name.lowercased() && $0 != name }) {
        return sameLetters
    }
    guard name.count > 1 else { return nil }
    let limit = name.count <= 3 ? 1 : 2
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name && abs(candidate.count - name.count) <= limit {
        let d = editDistance(name, candidate)
        if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    return best?.name
}
