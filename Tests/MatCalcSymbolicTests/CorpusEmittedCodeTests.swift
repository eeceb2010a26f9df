import Foundation
import Testing
import MatCalc
import MatCalcCorpus

/// The NumPy and PyTorch code that `derive` emits for every result of the corpus, run by python3 (one
/// process for the whole corpus) and compared with the Swift evaluator on the same inputs. Skipped,
/// with a message, where python3 with numpy (and torch, for the PyTorch half) is not installed.
@Suite struct CorpusEmittedCodeTests {
    struct Item {
        let label: String
        let numpy: String
        let pytorch: String
        let expected: [Double]
    }

    @Test func emittedNumPyAndPyTorchReproduceTheEvaluator() throws {
        guard PythonOracle.available else {
            print("skipped: python3 with numpy is not available, emitted code not executed")
            return
        }
        let hasTorch = (try? PythonOracle.run("import torch")) != nil
        if !hasTorch { print("note: torch is not installed; only the NumPy code is executed") }
        var program = "import json\n" + Expr.numpyPrelude + (hasTorch ? "import torch\n" : "") + "results = {}\n"
        var items: [Item] = []
        for c in CorpusTests.corpus.cases where c.id != "tr_sinm" {
            let check = try CaseCheck(c)
            var results: [(String, Expr)] = []
            let wrt = c.gradients.compactMap(\.wrt)
            if !wrt.isEmpty {
                for (v, g) in try differentiate(check.f, wrt: wrt).gradients { results.append(("\(c.id) ∂/∂\(v)", g)) }
            }
            for h in c.hessians { results.append(("\(c.id) H \(h.wrt!)", try hessian(of: check.f, wrt: h.wrt!).hessian)) }
            for j in c.jacobians { results.append(("\(c.id) J \(j.wrt!)", try jacobian(of: check.f, wrt: j.wrt!).jacobian)) }
            // Each case runs in its own function, so its variables do not leak into the next.
            program += "def case_\(items.count)():\n"
            for (name, size) in check.sizes { program += "    \(name) = \(size)\n" }
            for (name, t) in check.inputs {
                let values = t.scalars(as: Double.self).map { "\($0)" }.joined(separator: ", ")
                let shape = t.shape.map(String.init).joined(separator: ", ") + (t.rank == 1 ? "," : "")
                program += "    \(name) = np.array([\(values)]).reshape((\(shape)))\n"
                if t.rank == 0 { program += "    \(name) = float(\(name))\n" }
                if hasTorch { program += "    \(name)_t = torch.tensor(\(name), dtype=torch.float64)\n" }
            }
            program += "    out = {}\n"
            for (label, e) in results {
                let item = Item(label: label, numpy: try e.numpy(), pytorch: try e.pytorch(), expected: try check.value(e).scalars(as: Double.self))
                program += "    out[\(items.count)] = np.asarray(\(item.numpy), dtype=float).reshape(-1).tolist()\n"
                if hasTorch {
                    let names = check.inputs.keys.sorted()
                    let torchCall = "(lambda \(names.joined(separator: ", ")): \(item.pytorch))(\(names.map { "\($0)_t" }.joined(separator: ", ")))"
                    program += "    out['t\(items.count)'] = torch.as_tensor(\(torchCall), dtype=torch.float64).reshape(-1).tolist()\n"
                }
                items.append(item)
            }
            program += "    return out\nresults.update(case_\(items.count - results.count)())\n"
        }
        program += "print(json.dumps({str(k): v for k, v in results.items()}))\n"
        try? program.write(toFile: NSTemporaryDirectory() + "matcalc-emitted-corpus.py", atomically: true, encoding: .utf8)
        let output = try PythonOracle.run(program)
        let values = try JSONDecoder().decode([String: [Double]].self, from: Data(output.utf8))
        for (i, item) in items.enumerated() {
            for key in hasTorch ? ["\(i)", "t\(i)"] : ["\(i)"] {
                let got = try #require(values[key], "\(item.label): no value for \(key)")
                let scale = Swift.max(1, item.expected.map(Swift.abs).max() ?? 0)
                let worst = zip(got, item.expected).map { Swift.abs($0 - $1) }.max() ?? 0
                #expect(got.count == item.expected.count && worst <= 1e-9 * scale,
                        "\(item.label) (\(key.hasPrefix("t") ? "PyTorch: \(item.pytorch)" : "NumPy: \(item.numpy)")): error \(worst)")
            }
        }
        #expect(items.count == 51)
    }
}
