"""Regenerates Tests/MatCalcCLITests/Resources/derive_cli_expected.json from the built `matcalc`
(`swift build` first). Review the diff before committing: these are snapshots, the numbers behind them
are checked by the corpus tests."""
import json, pathlib, subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
M = str(ROOT / ".build/debug/matcalc")
CASES = [
    ("anchor_steps", ["derive", "||max(X W, 0) - Y||_F^2", "--var", "X: n×d", "--var", "W: d×k", "--var", "Y: n×k", "--steps"]),
    ("quadratic_hessian", ["derive", "x^T B x", "--var", "x: n", "--var", "B: n×n", "--hessian", "--wrt", "x"]),
    ("softmax_jacobian", ["derive", "softmax(z)", "--var", "z: n", "--jacobian"]),
    ("gauss_nll", ["derive", "log det(S) + (x - mu)^T S^{-1} (x - mu)", "--var", "x: n", "--var", "mu: n", "--var", "S: n×n"]),
    ("trace_latex_steps", ["derive", "tr(A X B)", "--var", "A: p×n", "--var", "X: n×m", "--var", "B: m×p", "--wrt", "X", "--format", "latex", "--steps"]),
    ("ridge_numpy", ["derive", "||X w - y||^2 + lam ||w||^2", "--var", "X: n×m", "--var", "w: m", "--var", "y: n", "--var", "lam", "--wrt", "w,lam", "--format", "numpy"]),
    ("ridge_pytorch", ["derive", "||X w - y||^2 + lam ||w||^2", "--var", "X: n×m", "--var", "w: m", "--var", "y: n", "--var", "lam", "--wrt", "w", "--format", "pytorch"]),
    ("logdet_swift", ["derive", "log det(S)", "--var", "S: n×n", "--format", "swift"]),
    ("aXb_json", ["derive", "a^T X b", "--var", "a: n", "--var", "X: n×m", "--var", "b: m", "--wrt", "X", "--steps", "--format", "json"]),
    ("parse_error", ["derive", "tr(X", "--var", "X: n×d"]),
    ("shape_error", ["derive", "X Y", "--var", "X: n×d", "--var", "Y: n×k"]),
    ("unknown_name", ["derive", "tr(Z)", "--var", "X: n×n"]),
    ("unknown_function", ["derive", "trc(X)", "--var", "X: n×n"]),
    ("non_scalar", ["derive", "X", "--var", "X: n×d"]),
    ("unsupported", ["derive", "vec(X)^T vec(X)", "--var", "X: n×d"]),
    ("bad_declaration", ["derive", "x", "--var", "x: n×"]),
    ("unknown_wrt", ["derive", "tr(X)", "--var", "X: n×n", "--wrt", "Q"]),
    ("bad_format", ["derive", "tr(X)", "--var", "X: n×n", "--format", "yaml"]),
    ("conflicting_declarations", ["derive", "tr(X)", "--var", "X: n×n", "--var", "X: n×m"]),
]
out = []
for name, args in CASES:
    r = subprocess.run([M] + args, capture_output=True, text=True)
    out.append({"name": name, "args": args, "status": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
path = ROOT / "Tests/MatCalcCLITests/Resources/derive_cli_expected.json"
path.write_text(json.dumps({"cases": out}, indent=1, ensure_ascii=False))
print(f"wrote {len(out)} cases to {path}")
