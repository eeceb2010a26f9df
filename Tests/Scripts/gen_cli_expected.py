"""Regenerates the CLI snapshots in Tests/MatCalcCLITests/Resources (derive_cli_expected.json,
check_cli_expected.json) from the built `matcalc` (`swift build` first). Review the diff before
committing: these are snapshots; the formulas and numbers in them are verified independently (the corpus
tests: finite differences, autograd, closed forms; PyTorch's printed gradients)."""
import json, pathlib, subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
M = str(ROOT / ".build/debug/matcalc")

DERIVE = [
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

ANCHOR = ["check", "||max(X W, 0) - Y||_F^2", "--var", "X: 10x4", "--var", "W: 4x4", "--var", "Y: 10x4"]
CHECK = [
    ("anchor_print", ANCHOR + ["--print"]),
    ("anchor_steps", ANCHOR + ["--steps"]),
    ("anchor_json", ANCHOR + ["--format", "json"]),
    ("anchor_claims", ANCHOR + ["--claim", "W = 2 X^T ((max(X W, 0) - Y) ⊙ (X W > 0))",
                                "--claim", "X = 2 ((max(X W, 0) - Y) ⊙ (X W > 0)) W",
                                "--claim", "Y = -(max(X W, 0) - Y)"]),
    ("correct_claim", ANCHOR + ["--wrt", "W", "--claim", "∂f/∂W = 2 X^T ((max(X W, 0) - Y) ⊙ (X W > 0))"]),
    ("hessian_logistic", ["check", "1^T log(1 + exp(-y ⊙ X w))", "--var", "X: n×m", "--var", "w: m", "--var", "y: n",
                          "--init", "y=pm1", "--wrt", "w", "--hessian", "--dtype", "float64"]),
    ("jacobian_softmax", ["check", "softmax(z)", "--var", "z: n", "--jacobian"]),
    ("numeric_log_of_negative", ["check", "1^T log(A x)", "--var", "A: n×m", "--var", "x: m", "--init", "A=gaussian", "--init", "x=gaussian"]),
    ("numeric_logdet_not_spd", ["check", "log det(S)", "--var", "S: n×n", "--init", "S=sym"]),
    ("numeric_singular_inverse", ["check", "tr(inv(X))", "--var", "X: 2x2", "--init", "X=01"]),
    ("claim_mask_on_wrong_factor", ANCHOR + ["--wrt", "W", "--claim", "W = 2 (X^T ⊙ (X W > 0)^T) (max(X W, 0) - Y)"]),
    ("claim_wrong_shape", ANCHOR + ["--wrt", "X", "--claim", "X = 2 W ((max(X W, 0) - Y) ⊙ (X W > 0))^T"]),
    ("cookbook_inverse", ["check", "tr(A X^{-1} B)", "--var", "A: p×n", "--var", "X: n×n", "--var", "B: n×p", "--wrt", "X", "--dtype", "float64"]),
    ("cookbook_logdet", ["check", "log det(S) + (x - mu)^T S^{-1} (x - mu)", "--var", "x: n", "--var", "mu: n", "--var", "S: n×n", "--dims", "n=4"]),
    ("vector_ridge", ["check", "||X w - y||^2 + lam ||w||^2", "--var", "X: n×m", "--var", "w: m", "--var", "y: n", "--var", "lam", "--dims", "n=6,m=3", "--init", "lam=positive", "--seed", "42"]),
    ("claim_json", ["check", "x^T A x", "--var", "x: n", "--var", "A: n×n", "--claim", "x = 2 A x", "--format", "json"]),
    ("parse_error", ["check", "||X w - y||^2 +", "--var", "X: n×m", "--var", "w: m", "--var", "y: n"]),
    ("shape_error", ["check", "||X w - y||^2", "--var", "X: n×m", "--var", "w: n", "--var", "y: n"]),
    ("claim_parse_error", ANCHOR + ["--claim", "W = 2 X^T ((max(X W, 0) - Y) ⊙ (X W > 0)"]),
    ("bad_init", ANCHOR + ["--init", "W=orthogonal"]),
    ("bad_dims", ["check", "x^T x", "--var", "x: n", "--dims", "m=3"]),
    ("non_scalar", ["check", "X W", "--var", "X: 10x4", "--var", "W: 4x4"]),
    ("missing_npy", ANCHOR + ["--load", "X=/nonexistent/X.npy"]),
]


def record(cases, resource):
    out = []
    for name, args in cases:
        r = subprocess.run([M] + args, capture_output=True, text=True)
        out.append({"name": name, "args": args, "status": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
    path = ROOT / "Tests/MatCalcCLITests/Resources" / resource
    path.write_text(json.dumps({"cases": out}, indent=1, ensure_ascii=False))
    print(f"wrote {len(out)} cases to {path}")


record(DERIVE, "derive_cli_expected.json")
record(CHECK, "check_cli_expected.json")
