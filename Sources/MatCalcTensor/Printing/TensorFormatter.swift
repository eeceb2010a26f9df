#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// PyTorch's default print options (`torch.set_printoptions` defaults).
enum TorchPrintOptions {
    /// Digits after the decimal point in fixed and scientific notation.
    static let precision = 4
    /// Tensors with more elements than this are summarised.
    static let threshold = 1000
    /// Entries kept at each end of a summarised dimension.
    static let edgeItems = 3
    /// The line width that rows wrap at and suffixes are placed against.
    static let lineWidth = 80
}

/// How the floating-point elements of one tensor are written: PyTorch's `_Formatter` notation
/// choice, made from the values that will be shown.
struct TorchFloatNotation {
    /// Every finite non-zero value is integral: `%.0f` followed by a dot (`3.`).
    var intMode: Bool
    /// Scientific notation, `%.4e` (`1.0000e-05`); takes precedence over `intMode`.
    var sciMode: Bool

    /// Chooses the notation for `values` (the shown values, widened exactly to Double).
    init<C: Collection<Double>>(values: C) {
        var intMode = true
        var minMagnitude = Double.infinity
        var maxMagnitude = 0.0
        var any = false
        for v in values where v.isFinite && v != 0 {
            any = true
            if intMode && v.rounded(.up) != v { intMode = false }
            let m = v.magnitude
            minMagnitude = min(minMagnitude, m)
            maxMagnitude = max(maxMagnitude, m)
        }
        // NaN, ±inf and zeros never influence the notation; with nothing else left PyTorch keeps
        // its defaults (integer mode, no scientific notation).
        guard any else {
            self.intMode = true
            self.sciMode = false
            return
        }
        self.intMode = intMode
        // Strict comparisons in double, as PyTorch: a ratio of exactly 1000 or a maximum of
        // exactly 1e8 stays fixed. In integer mode `minMagnitude >= 1`, so the last test is moot.
        self.sciMode = maxMagnitude / minMagnitude > 1000.0 || maxMagnitude > 1.0e8 || minMagnitude < 1.0e-4
    }

    /// The unpadded text of `v` in this notation: `"0.5000"`, `"3."`, `"1.0000e-05"`, `"nan"`, `"-inf"`.
    func text(_ v: Double) -> String {
        if v.isNaN { return "nan" }  // glibc would write "-nan" for a negative NaN; PyTorch never does
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if sciMode { return CFormat.scientific(v, precision: TorchPrintOptions.precision) }
        if intMode { return CFormat.fixed(v, precision: 0) + "." }
        return CFormat.fixed(v, precision: TorchPrintOptions.precision)
    }
}

/// C `printf` conversions of a Double: exact decimal expansion of the binary value, rounded
/// half-to-even on exact ties (glibc), which is what Python and so PyTorch print.
enum CFormat {
    /// `%.<precision>f`, e.g. `fixed(0.03125, precision: 4) == "0.0312"`.
    static func fixed(_ v: Double, precision: Int) -> String {
        format("%.*f", precision, v)
    }

    /// `%.<precision>e`, e.g. `scientific(-200, precision: 4) == "-2.0000e+02"`.
    static func scientific(_ v: Double, precision: Int) -> String {
        format("%.*e", precision, v)
    }

    private static func format(_ spec: String, _ precision: Int, _ v: Double) -> String {
        // Fixed notation is only used for magnitudes up to 1e8 and scientific text is short, so
        // 64 bytes almost always suffice; the second pass covers a caller printing huge values.
        let args: [CVarArg] = [Int32(precision), v]
        if let s = render(spec, args, capacity: 64) { return s }
        let needed = withVaList(args) { vsnprintf(nil, 0, spec, $0) }
        return render(spec, args, capacity: Int(needed) + 1) ?? ""
    }

    private static func render(_ spec: String, _ args: [CVarArg], capacity: Int) -> String? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            let n = withVaList(args) { vsnprintf(buffer.baseAddress, capacity, spec, $0) }
            guard n >= 0 && Int(n) < capacity else { return nil }
            let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(n))
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// The unpadded texts of a tensor's shown elements and the column width they are aligned to.
struct TorchElementTexts {
    /// One text per shown element, in row-major order of the shown elements.
    var texts: [String]
    /// The width every text is right-aligned to (texts wider than this are printed unpadded).
    var width: Int

    /// Formats the elements of `storage` at the flat `indices` (the shown elements, §5.2).
    init(storage: TensorStorage, indices: [Int]) {
        switch storage {
        case .float32(let values):
            self.init(floating: indices.map { Double(values[$0]) })
        case .float64(let values):
            self.init(floating: indices.map { values[$0] })
        case .int64(let values):
            self.init(plain: indices.map { String(values[$0]) })
        case .bool(let values):
            self.init(plain: indices.map { values[$0] ? "True" : "False" })
        }
    }

    /// Floating-point elements: the width counts only finite non-zero values, so `-0.0000`,
    /// `nan` or `-inf` may stick out of the column (`tensor([-0.0000, 0.5000])`).
    init(floating values: [Double]) {
        let notation = TorchFloatNotation(values: values)
        var width = 1
        var texts: [String] = []
        texts.reserveCapacity(values.count)
        for v in values {
            let t = notation.text(v)
            if v.isFinite && v != 0 { width = max(width, t.utf8.count) }
            texts.append(t)
        }
        self.texts = texts
        self.width = width
    }

    /// Integer and bool elements: every value counts towards the width.
    init(plain texts: [String]) {
        self.texts = texts
        self.width = texts.reduce(1) { max($0, $1.utf8.count) }
    }

    /// Text `i` right-aligned to the column width.
    func padded(_ i: Int) -> String {
        let t = texts[i]
        let pad = width - t.utf8.count
        return pad > 0 ? String(repeating: " ", count: pad) + t : t
    }
}
