#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

// A CBLAS found at run time. The package links nothing and needs no flags: `dlopen` looks for
// OpenBLAS (Debian's `libopenblas0`, any `libopenblas.so`) or Apple's Accelerate, and `gemm` forwards
// large products to its `cblas_sgemm`/`cblas_dgemm`; without one, the built-in kernel runs. So the
// default build stays portable (the toolchain alone) and a machine with a BLAS gets BLAS speed.
// `MATCALC_BLAS=builtin` forces the built-in kernel; `MATCALC_BLAS=/path/to/libblas.so` loads that file.
// OpenBLAS's own settings (`OPENBLAS_NUM_THREADS`, `OPENBLAS_CORETYPE`, …) are left to it.

/// The matrix-multiply backend: a CBLAS found at run time, or the built-in kernel.
public struct BLASBackend: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case openBLAS = "OpenBLAS"
        case accelerate = "Accelerate"
        case builtin = "built-in"
    }

    /// Which backend runs.
    public let kind: Kind
    /// The library file loaded, if any.
    public let library: String?
    /// OpenBLAS's compute kernel (`openblas_get_corename`: `Haswell`, `Zen`, `SkylakeX`…), or a
    /// description of the built-in one.
    public let kernel: String
    /// The threads the library uses for one product (1 for the built-in kernel).
    public let threads: Int
    /// Why no library was loaded, when none was.
    public let note: String?

    /// `OpenBLAS 0.3.21 (Haswell kernel, 2 threads, libopenblas.so.0)`.
    public var description: String {
        switch kind {
        case .builtin: return "built-in Swift kernel (1 thread)" + (note.map { "; \($0)" } ?? "")
        default: return "\(kind.rawValue) (\(kernel) kernel, \(threads) thread\(threads == 1 ? "" : "s"), \(library ?? ""))"
        }
    }

    /// The backend of this process, chosen once.
    public static var current: BLASBackend { CBLAS.shared.backend }
}

/// The loaded library's entry points.
struct CBLAS: @unchecked Sendable {
    // cblas_?gemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) with 32-bit
    // integers (LP64 builds: Debian's libopenblas0, Accelerate's classic interface).
    typealias SGEMM = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias DGEMM = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32, UnsafePointer<Double>?, Int32,
        Double, UnsafeMutablePointer<Double>?, Int32
    ) -> Void

    let sgemm: SGEMM?
    let dgemm: DGEMM?
    let backend: BLASBackend

    static let shared = CBLAS.load()

    static let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112

    private static func builtin(_ note: String?) -> CBLAS {
        CBLAS(sgemm: nil, dgemm: nil, backend: BLASBackend(
            kind: .builtin, library: nil, kernel: "Swift, 4×4 register blocking", threads: 1, note: note))
    }

    private static func load() -> CBLAS {
        let setting = getenv("MATCALC_BLAS").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        if setting == "builtin" || setting == "none" { return builtin("MATCALC_BLAS=\(setting!)") }
        #if canImport(Darwin)
        let candidates = setting.map { [$0] } ?? ["/System/Library/Frameworks/Accelerate.framework/Accelerate", "libopenblas.dylib"]
        #else
        let candidates = setting.map { [$0] } ?? ["libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"]
        #endif
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let s = dlsym(handle, "cblas_sgemm"), let d = dlsym(handle, "cblas_dgemm") else {
                dlclose(handle)
                continue
            }
            var kind = BLASBackend.Kind.openBLAS
            var kernel = "unknown"
            var threads = 1
            if let corename = dlsym(handle, "openblas_get_corename") {
                let f = unsafeBitCast(corename, to: (@convention(c) () -> UnsafePointer<CChar>?).self)
                kernel = f().map { String(cString: $0) } ?? "unknown"
                if let getThreads = dlsym(handle, "openblas_get_num_threads") {
                    threads = Int(unsafeBitCast(getThreads, to: (@convention(c) () -> Int32).self)())
                }
            } else if name.contains("Accelerate") {
                kind = .accelerate
                kernel = "vecLib"
                threads = 0
            } else {
                // A CBLAS that is not OpenBLAS (often the slow reference BLAS): keep the built-in kernel.
                dlclose(handle)
                continue
            }
            return CBLAS(
                sgemm: unsafeBitCast(s, to: SGEMM.self), dgemm: unsafeBitCast(d, to: DGEMM.self),
                backend: BLASBackend(kind: kind, library: name, kernel: kernel, threads: threads, note: nil))
        }
        return builtin(setting.map { "could not load \($0)" } ?? "no OpenBLAS found (apt-get install libopenblas0)")
    }

    /// Forwards a row-major `gemm` to the library; false when there is none (or T is not a float type)
    /// or a dimension does not fit its 32-bit integers.
    func gemm<T: TensorFloat>(
        m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int, transA: Bool, b: UnsafePointer<T>, ldb: Int, transB: Bool,
        c: UnsafeMutablePointer<T>, ldc: Int, alpha: T, beta: T
    ) -> Bool {
        let limit = Int(Int32.max)
        guard m <= limit, n <= limit, k <= limit, lda <= limit, ldb <= limit, ldc <= limit else { return false }
        let ta = transA ? Self.trans : Self.noTrans, tb = transB ? Self.trans : Self.noTrans
        if T.self == Float.self, let sgemm {
            sgemm(Self.rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Float(alpha),
                  UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                  UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), Float(beta),
                  UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
            return true
        }
        if T.self == Double.self, let dgemm {
            dgemm(Self.rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Double(alpha),
                  UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                  UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), Double(beta),
                  UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
            return true
        }
        return false
    }
}
