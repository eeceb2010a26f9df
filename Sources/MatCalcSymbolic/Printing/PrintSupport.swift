// Pieces shared by the printers: compact numbers, superscripts, pulling a leading minus sign out
// of a term, and the size test for dimensions.

/// A finite, nonnegative number in scientific form: `digits[0].digits[1…] × 10^exponent`, with the
/// shortest digits that round-trip (Swift's own shortest representation).
struct DecimalDigits {
    var digits: [Character]
    var exponent: Int

    init(_ magnitude: Double) {
        precondition(magnitude.isFinite && magnitude >= 0)
        if magnitude == 0 {
            digits = ["0"]
            exponent = 0
            return
        }
        let described = "\(magnitude)"
        let parts = described.split(separator: "e", maxSplits: 1)
        var mantissa = String(parts[0])
        var exponent = parts.count > 1 ? Int(parts[1])! : 0
        if !mantissa.contains(".") { mantissa += "." }
        let point = mantissa.firstIndex(of: ".")!
        let integerPart = Array(mantissa[..<point])
        var all = integerPart + Array(mantissa[mantissa.index(after: point)...])
        exponent += integerPart.count - 1
        while all.count > 1, all.first == "0" {
            all.removeFirst()
            exponent -= 1
        }
        while all.count > 1, all.last == "0" { all.removeLast() }
        self.digits = all
        self.exponent = exponent
    }

    /// Whether the number is an integer.
    var isInteger: Bool { exponent >= digits.count - 1 }

    /// Positional notation: `0.001`, `2`, `12.5`.
    var plain: String {
        if exponent >= 0 {
            if digits.count <= exponent + 1 {
                return String(digits) + String(repeating: "0", count: exponent + 1 - digits.count)
            }
            return String(digits[...exponent]) + "." + String(digits[(exponent + 1)...])
        }
        return "0." + String(repeating: "0", count: -exponent - 1) + String(digits)
    }

    /// The mantissa of scientific notation: `1`, `1.5`.
    var mantissa: String {
        digits.count == 1 ? String(digits) : String(digits[0]) + "." + String(digits[1...])
    }

    /// Scientific notation as code writes it: `1e-3`, `1.5e20`.
    var scientific: String { mantissa + "e" + String(exponent) }

    /// Whether positional notation is preferred: integers below 10¹⁶, and whatever is not longer
    /// than scientific notation.
    var prefersPlain: Bool {
        if isInteger && exponent < 16 { return true }
        return plain.count <= scientific.count
    }
}

/// A number as compact text: integers without `.0`, the shorter of positional and scientific
/// notation (`0.5`, `1e-3`), ASCII `-` for negatives unless `minus` says otherwise.
public func compactNumber(_ x: Double, minus: String = "-") -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? minus + "inf" : "inf" }
    let d = DecimalDigits(Swift.abs(x))
    let body = d.prefersPlain ? d.plain : d.scientific
    return (x < 0 ? minus : "") + body
}

/// Unicode superscript of an integer: `²`, `⁻¹`.
func superscript(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return (n < 0 ? "⁻" : "") + String(String(n.magnitude).map { digits[$0.wholeNumberValue!] })
}

extension Dim {
    /// Whether the dimension is 1 whatever its names stand for.
    var isOne: Bool { size(in: [:]) == 1 }
}

extension MatrixShape {
    /// 1×1, with dimensions compared by value.
    var isOneByOne: Bool { rows.isOne && cols.isOne }
    /// n×1 (n ≠ 1): a column vector.
    var isProperColumn: Bool { cols.isOne && !rows.isOne }
    /// 1×n (n ≠ 1): a row vector.
    var isProperRow: Bool { rows.isOne && !cols.isOne }
}

extension Expr {
    /// The expression as `−` times something when its printed form would start with a minus sign
    /// (a negative number, a scale by a negative number, a product, quotient or entrywise product
    /// led by one): `(true, B)` for −B. Sums use it to print `A − 2 B` instead of `A + −2 B`.
    var negationSplit: (negated: Bool, positive: Expr) {
        switch self {
        case .number(let c) where c < 0:
            return (true, .number(-c))
        case .scale(.number(let c), let b) where c < 0:
            return (true, c == -1 ? b : .scale(.number(-c), b))
        case .scale(let s, let b):
            let (negated, positive) = s.negationSplit
            return negated ? (true, .scale(positive, b)) : (false, self)
        case .product(let factors):
            guard let first = factors.first else { return (false, self) }
            let (negated, positive) = first.negationSplit
            return negated ? (true, .product([positive] + factors.dropFirst())) : (false, self)
        case .divide(let a, let s):
            let (negated, positive) = a.negationSplit
            return negated ? (true, .divide(positive, s)) : (false, self)
        case .hadamard(let a, let b):
            let (negated, positive) = a.negationSplit
            return negated ? (true, .hadamard(positive, b)) : (false, self)
        case .hadamardDivide(let a, let b):
            let (negated, positive) = a.negationSplit
            return negated ? (true, .hadamardDivide(positive, b)) : (false, self)
        case .kronecker(let a, let b):
            let (negated, positive) = a.negationSplit
            return negated ? (true, .kronecker(positive, b)) : (false, self)
        default:
            return (false, self)
        }
    }
}
