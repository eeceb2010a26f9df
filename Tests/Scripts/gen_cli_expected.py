"""Regenerates the CLI snapshots in Tests/MatCalcCLITests/Resources (derive_cli_expected.json,
check_cli_expected.json, steps_cli_expected.json, error_catalog.json) from the built `matcalc` (`swift build` first). Review the diff before
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

S = "@steps/"  # a derivation file in Tests/MatCalcCLITests/Resources/steps (the test passes its path)
STEPS = [
    ("least_squares_latex", ["steps", S + "least_squares.tex"]),
    ("least_squares_transpose_lost", ["steps", S + "least_squares_transpose_lost.tex"]),
    ("relu_errors_cancel", ["steps", S + "relu_errors_cancel.tex"]),
    ("relu_errors_cancel_json", ["steps", S + "relu_errors_cancel.tex", "--format", "json"]),
    ("parse_error_in_block", ["steps", S + "parse_error_in_block.tex"]),
    ("relu_homework_text", ["steps", S + "relu_homework.txt", "--dims", "n=10,d=4,k=3"]),
    ("least_squares_explain", ["steps", S + "least_squares.tex", "--explain", "--points", "2", "--seed", "7"]),
]

XWY = ["--var", "X: n×d", "--var", "W: d×k", "--var", "Y: n×k"]
# Bad input of every kind, with the message each gets (docs/errors.md is generated from this).
ERRORS = [
    ("unbalanced '('", ["derive", "tr(X", "--var", "X: n×n"]),
    ("unbalanced ')'", ["derive", "tr(X))", "--var", "X: n×n"]),
    ("unbalanced norm bars", ["derive", "||X w - y", "--var", "X: n×m", "--var", "w: m", "--var", "y: n"]),
    ("unbalanced absolute value", ["derive", "sum(|X)", "--var", "X: n×n"]),
    ("missing right operand", ["derive", "tr(X) +", "--var", "X: n×n"]),
    ("missing left operand", ["derive", "* tr(X)", "--var", "X: n×n"]),
    ("empty expression", ["derive", "", "--var", "X: n×n"]),
    ("stray character", ["derive", "tr(X $ X)", "--var", "X: n×n"]),
    ("malformed number", ["derive", "1.2.3 tr(X)", "--var", "X: n×n"]),
    ("number out of range", ["derive", "1e999 tr(X)", "--var", "X: n×n"]),
    ("unknown identifier (did you mean)", ["derive", "lamda tr(X)", "--var", "X: n×n", "--var", "lam"]),
    ("undeclared identifier", ["derive", "tr(X Q)", "--var", "X: n×n"]),
    ("unknown function (did you mean)", ["derive", "trc(X W)"] + XWY),
    ("wrong arity", ["derive", "tr(X, X)", "--var", "X: n×n"]),
    ("max needs a constant", ["derive", "sum(max(X, Y))"] + XWY),
    ("product shape mismatch", ["derive", "tr(X Y)"] + XWY),
    ("sum shape mismatch", ["derive", "sum(X W + X)"] + XWY),
    ("Hadamard shape mismatch", ["derive", "sum(X ⊙ W)"] + XWY),
    ("trace of a non-square matrix", ["derive", "tr(X)"] + XWY),
    ("det of a non-square matrix", ["derive", "det(X)"] + XWY),
    ("inverse of a non-square matrix", ["derive", "sum(X^{-1})"] + XWY),
    ("power of a non-square matrix", ["derive", "sum(X^2)"] + XWY),
    ("division by a matrix", ["derive", "sum(X / Y)"] + XWY),
    ("non-scalar objective", ["derive", "X W"] + XWY),
    ("nested too deeply", ["derive", "(" * 300 + "tr(A)" + ")" * 300, "--var", "A: n×n"]),
    ("matrix function", ["derive", "tr(expm(A))", "--var", "A: n×n"]),
    ("unsupported: gradient through vec", ["derive", "vec(X)^T vec(X)", "--var", "X: n×d"]),
    ("unsupported: softmax of a matrix", ["derive", "sum(softmax(X))", "--var", "X: n×d"]),
    ("malformed declaration", ["derive", "tr(X)", "--var", "X: n×"]),
    ("declaration with a bad name", ["derive", "tr(X)", "--var", "2X: n×n"]),
    ("conflicting declarations", ["derive", "tr(X)", "--var", "X: n×n", "--var", "X: n×m"]),
    ("--wrt names an undeclared variable", ["derive", "tr(X)", "--var", "X: n×n", "--wrt", "Q"]),
    ("unknown --format", ["derive", "tr(X)", "--var", "X: n×n", "--format", "yaml"]),
    ("check: non-scalar objective", ["check", "X W", "--var", "X: 10x4", "--var", "W: 4x4"]),
    ("check: unknown --dtype", ["check", "tr(X)", "--var", "X: 3x3", "--dtype", "float16"]),
    ("check: malformed --seed", ["check", "tr(X)", "--var", "X: 3x3", "--seed", "zero"]),
    ("check: --seed out of range", ["check", "tr(X)", "--var", "X: 3x3", "--seed", "99999999999999999999"]),
    ("check: malformed --dims", ["check", "tr(X)", "--var", "X: n×n", "--dims", "n:3"]),
    ("check: --dims for an unknown dimension", ["check", "tr(X)", "--var", "X: n×n", "--dims", "m=3"]),
    ("check: conflicting --dims", ["check", "tr(X)", "--var", "X: n×n", "--dims", "n=3,n=4"]),
    ("check: --dims too large", ["check", "tr(X)", "--var", "X: n×n", "--dims", "n=100000"]),
    ("check: inputs too large", ["check", "tr(X)", "--var", "X: n×n", "--dims", "n=2000"]),
    ("check: Hessian too large", ["check", "x^T x", "--var", "x: n", "--dims", "n=2000", "--hessian"]),
    ("check: unknown --init construction", ["check", "tr(X)", "--var", "X: 3x3", "--init", "X=orthogonal"]),
    ("check: --init for an undeclared variable", ["check", "tr(X)", "--var", "X: 3x3", "--init", "Q=spd"]),
    ("check: --init spd of a non-square matrix", ["check", "sum(X)", "--var", "X: 3x2", "--init", "X=spd"]),
    ("check: malformed --init", ["check", "tr(X)", "--var", "X: 3x3", "--init", "X"]),
    ("check: --load of a missing file", ["check", "tr(X)", "--var", "X: 3x3", "--load", "X=/nonexistent/X.npy"]),
    ("check: --claim without '='", ["check", "tr(X)", "--var", "X: 3x3", "--claim", "I"]),
    ("check: --claim for an undeclared variable", ["check", "tr(X)", "--var", "X: 3x3", "--claim", "Q = I"]),
    ("check: --claim that does not parse", ["check", "tr(X)", "--var", "X: 3x3", "--claim", "X = (I"]),
    ("check: --claim of the wrong shape", ["check", "tr(X W)", "--var", "X: 3x4", "--var", "W: 4x3", "--wrt", "X", "--claim", "X = W"]),
    ("check: negative --rtol", ["check", "tr(X)", "--var", "X: 3x3", "--rtol", "-1"]),
    ("check: --jacobian with --hessian", ["check", "softmax(z)", "--var", "z: n", "--jacobian", "--hessian"]),
    ("randn: negative dimension", ["randn", "--", "-3"]),
    ("randn: dimension not a number", ["randn", "3", "x"]),
    ("randn: too many elements", ["randn", "100000", "100000"]),
    ("unknown subcommand", ["integrate", "x"]),
    ("steps: a file that does not exist", ["steps", "/nonexistent/derivation.tex"]),
    ("steps: no lines to check", ["steps", S + "error_no_lines.txt"]),
    ("steps: '= …' before 'df = …'", ["steps", S + "error_continuation_first.txt"]),
    ("steps: a variable declared twice", ["steps", S + "error_declared_twice.txt"]),
    ("steps: wrt names an undeclared variable", ["steps", S + "error_wrt_undeclared.txt"]),
    ("steps: a line that is not a number", ["steps", S + "error_line_not_scalar.txt"]),
    ("steps: unknown LaTeX command", ["steps", S + "error_unknown_latex_command.txt"]),
    ("steps: dZ/dU where Z is not entrywise in U", ["steps", S + "error_not_entrywise.txt"]),
    ("steps: LaTeX block with an unclosed \\left(", ["steps", S + "parse_error_in_block.tex"]),
    ("steps: --points out of range", ["steps", S + "least_squares.tex", "--points", "0"]),
]


def record(cases, resource):
    out = []
    for name, args in cases:
        resolved = [str(ROOT / "Tests/MatCalcCLITests/Resources" / a[1:]) if a.startswith("@") else a for a in args]
        r = subprocess.run([M] + resolved, capture_output=True, text=True)
        out.append({"name": name, "args": args, "status": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
    path = ROOT / "Tests/MatCalcCLITests/Resources" / resource
    path.write_text(json.dumps({"cases": out}, indent=1, ensure_ascii=False))
    print(f"wrote {len(out)} cases to {path}")


record(DERIVE, "derive_cli_expected.json")
record(CHECK, "check_cli_expected.json")
record(STEPS, "steps_cli_expected.json")
record(ERRORS, "error_catalog.json")

# docs/errors.md: the catalogue as a table.
catalog = json.loads((ROOT / "Tests/MatCalcCLITests/Resources/error_catalog.json").read_text())["cases"]
lines = [
    "# Bad input and the message it gets",
    "",
    "Every row is a whole-output test (`Tests/MatCalcCLITests/ErrorCatalogTests.swift`, data in",
    "`Resources/error_catalog.json`, regenerated with `python3 Tests/Scripts/gen_cli_expected.py`).",
    "Usage, parse, shape and unsupported errors exit with status 2 and print to stderr; a claim of the wrong",
    "shape is a failed check (status 1).",
    "",
    f"{len(catalog)} kinds of bad input:",
    "",
    "| # | bad input | command | exit | message |",
    "| --- | --- | --- | --- | --- |",
]
def cell(text):
    return text.replace("|", "\\|").replace("\n", "<br>").replace("`", "'")
for i, c in enumerate(catalog, 1):
    args = " ".join(("'" + a + "'") if (" " in a or a == "" or any(ch in a for ch in "|()*$<>")) else a for a in c["args"])
    if len(args) > 110:
        args = args[:107] + "…"
    message = c["stderr"] if c["stderr"] else c["stdout"].strip().splitlines()[-3] if c["stdout"] else ""
    if c["status"] == 1 and "WRONG SHAPE" in c["stdout"]:
        message = next(l for l in c["stdout"].splitlines() if "WRONG SHAPE" in l)
    lines.append(f"| {i} | {cell(c['name'])} | <code>matcalc {cell(args)}</code> | {c['status']} | <pre>{cell(message.rstrip())}</pre> |")
(ROOT / "docs/errors.md").write_text("\n".join(lines) + "\n")
print("wrote docs/errors.md")
