import Foundation

/// Which float32 kernel `randn` uses for tensors of 16 or more elements.
///
/// PyTorch picks this by CPU at run time, and the two disagree in the last bits of about 39 % of
/// values. Everything else (float64, fewer than 16 elements, `rand`, `randint`) is identical
/// under both. ``avx2`` is the default on **every** platform, so results are bit-exact with
/// PyTorch on x86-64 Linux (the usual reference machine) wherever this code runs.
public enum NormalKernel: Sendable, CaseIterable, Hashable {
    /// PyTorch's x86-64 AVX2/AVX-512 kernel: Cephes-style float32 `log` and `sincos` with the
    /// fused multiply-adds of the official Linux build. Needs no C library, so it is
    /// reproducible everywhere. The default.
    case avx2
    /// PyTorch's portable kernel (ARM64, Apple Silicon, x86 without AVX2, or
    /// `ATEN_CPU_CAPABILITY=default`): the C library's `logf`, `cosf`, `sinf`. It matches PyTorch
    /// on the same platform and C library (the golden data is glibc 2.36).
    case libm
}

/// The 16-element chunk transforms of the `randn` vector path (SPEC §3.3–§3.6).
///
/// Each one turns the 16 uniforms at `d[0 ..< 16]` into 16 normals in place: for `j` in 0..<8,
/// `u1 = 1 - d[j]` drives the radius `sqrt(-2·log u1)` and `u2 = d[j + 8]` the angle `2π·u2`;
/// `d[j]` receives the cosine and `d[j + 8]` the sine. The final `+ 0` stands for PyTorch's
/// `* std + mean` with std 1, mean 0, whose only effect is turning -0.0 into +0.0.
enum NormalKernels {
    /// The float32 AVX2 kernel (§3.5), one lane at a time.
    @inline(__always)
    static func chunkAVX2(_ d: UnsafeMutablePointer<Float>) {
        for j in 0..<8 {
            let a = d[j]
            let b = d[j + 8]
            let u1 = 1 - a  // exact
            let logU1 = Cephes.log(u1)
            let minus2Log = -2 * logU1  // exact
            let radius = minus2Log.squareRoot()
            let theta = Cephes.twoPi * b
            let (s, c) = Cephes.sinCos(theta)
            let n1 = radius * c
            let n2 = radius * s
            // fma(n, 1, 0) == n + 0: maps -0.0 to +0.0 (LLVM may not drop an addition of +0.0).
            d[j] = n1 + 0
            d[j + 8] = n2 + 0
        }
    }

    /// The float32 portable kernel (§3.6): C library `logf`/`cosf`/`sinf`, angle in double.
    @inline(__always)
    static func chunkLibm(_ d: UnsafeMutablePointer<Float>) {
        for j in 0..<8 {
            let a = d[j]
            let b = d[j + 8]
            let u1 = 1 - a  // exact
            let logU1 = logf(u1)
            let minus2Log = -2 * logU1  // exact
            let radius = minus2Log.squareRoot()
            // Product in double (2π as the double 6.283185307179586), then rounded to float.
            let theta = Float(6.283185307179586 * Double(b))
            let n1 = radius * cosf(theta)
            let n2 = radius * sinf(theta)
            d[j] = n1 + 0
            d[j + 8] = n2 + 0
        }
    }

    /// The float64 kernel (§3.4, every platform): C library `log`/`cos`/`sin`.
    @inline(__always)
    static func chunkDouble(_ d: UnsafeMutablePointer<Double>) {
        for j in 0..<8 {
            let a = d[j]
            let b = d[j + 8]
            let u1 = 1.0 - a  // exact
            let radius = (-2.0 * log(u1)).squareRoot()
            let theta = 6.283185307179586 * b
            let n1 = radius * cos(theta)
            let n2 = radius * sin(theta)
            d[j] = n1 + 0.0
            d[j + 8] = n2 + 0.0
        }
    }
}
