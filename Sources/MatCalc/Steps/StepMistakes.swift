import MatCalcSymbolic

/// The usual slips in a derivation step, as rewrites of a line: when the rewritten previous line has
/// the value of the wrong line (or the rewritten wrong line the value of the previous one), the slip
/// explains the step, whatever valid rewrites were made along with it.
enum StepMistakes {
    /// Each rewrite of `e` by one slip, with its description. `reversed`: `e` is the wrong line and the
    /// rewrite undoes the slip (so the description reads from the previous line to `e`).
    static func candidates(_ e: Expr, reversed: Bool = false) -> [(Expr, String)] {
        var result: [(Expr, String)] = []
        for node in e.subexpressions {
            switch node {
            case .transpose(let x):
                let message = reversed
                    ? "a transpose appeared: \(x.text) became \(node.text)"
                    : "a transpose was lost: \(node.text) became \(x.text)"
                result.append((e.replacing(node, with: x), message))
            case .hadamard(let m, .product(let fs)) where !reversed && fs.count >= 2,
                 .hadamard(.product(let fs), let m) where !reversed && fs.count >= 2:
                // M ⊙ (A B) taken as (M ⊙ A) B or A (M ⊙ B).
                for moved in [[Expr.hadamard(m, fs[0])] + fs.dropFirst(), Array(fs.dropLast()) + [Expr.hadamard(m, fs[fs.count - 1])]] {
                    let candidate = Expr.product(moved)
                    result.append((e.replacing(node, with: candidate),
                                   "a Hadamard factor was moved across a matrix product: \(node.text) became \(candidate.text), "
                                       + "but M ⊙ (A B) ≠ (M ⊙ A) B"))
                }
            case .product(let fs) where !reversed:
                // A run of factors S replaced by Sᵀ: tr(Gᵀ dV) written tr(G dV), or (A B)ᵀ taken as A B.
                for i in fs.indices {
                    for j in i..<Swift.min(fs.count, i + 4) where !fs[i...j].contains(where: \.containsDifferential) {
                        let run = Expr.multiply(Array(fs[i...j]))
                        let flipped = Expr.transposed(run)
                        guard flipped != run else { continue }
                        var replaced = Array(fs[..<i])
                        replaced.append(flipped)
                        replaced.append(contentsOf: fs[(j + 1)...])
                        result.append((e.replacing(node, with: .product(replaced)),
                                       "a transpose was lost or added: \(run.text) became its transpose \(flipped.text)"))
                    }
                }
            case .product(let fs) where reversed:
                for (i, f) in fs.enumerated() {
                    guard case .hadamard(let m, let a) = f, i == 0 || i == fs.count - 1 else { continue }
                    var inner = fs
                    inner[i] = a
                    let outside = Expr.hadamard(m, .product(inner))
                    result.append((e.replacing(node, with: outside),
                                   "a Hadamard factor was moved across a matrix product: \(outside.text) became \(node.text), "
                                       + "but M ⊙ (A B) ≠ (M ⊙ A) B"))
                }
            default:
                break
            }
        }
        return result
    }
}

extension StepMistakes {
    /// A factor M of Hadamard products in both lines whose partner changed (M ⊙ dX on one, M ⊙ (Z − Y) on
    /// the other): when no single slip explains a wrong step, the likely one is a Hadamard factor moved
    /// past a matrix product on its way between the sides of ⟨A, M ⊙ B⟩ = ⟨M ⊙ A, B⟩.
    static func movedHadamardFactor(from old: Expr, to new: Expr) -> String? {
        func pairs(_ e: Expr) -> [(factor: Expr, partner: Expr)] {
            e.subexpressions.flatMap { node -> [(Expr, Expr)] in
                guard case .hadamard(let a, let b) = node else { return [] }
                return [(a, b), (b, a)]
            }
        }
        let before = pairs(old), after = pairs(new)
        for (m, partner) in before where !m.containsDifferential {
            guard let moved = after.first(where: { $0.factor == m && $0.partner != partner }) else { continue }
            return "the Hadamard factor \(m.text) multiplied \(partner.text) on the previous line and multiplies "
                + "\(moved.partner.text) here; ⟨A, M ⊙ B⟩ = ⟨M ⊙ A, B⟩ moves it between the two sides of an inner "
                + "product, but it cannot cross a matrix product"
        }
        return nil
    }
}

extension Expr {
    /// Every distinct subexpression, the expression first.
    var subexpressions: [Expr] {
        var seen = Set<Expr>()
        var order: [Expr] = []
        var stack = [self]
        while let e = stack.popLast() {
            guard seen.insert(e).inserted else { continue }
            order.append(e)
            stack.append(contentsOf: e.children.reversed())
        }
        return order
    }
}
