"""Writes Tests/MatCalcCLITests/Resources/randn_cli_golden.json: for each `matcalc randn` argument list,
what PyTorch prints for the equivalent program. Needs torch; CI does not (the JSON is committed)."""
import json, os, pathlib, subprocess, sys

CASES = [
    (["10", "4", "--seed", "0"], "torch.randn(10, 4)", None),
    (["4", "4", "--seed", "0"], "torch.randn(4, 4)", None),
    (["2", "3", "5", "--seed", "42", "--dtype", "float64"], "torch.randn(2, 3, 5, dtype=torch.float64)", None),
    (["3", "--seed", "-1"], "torch.randn(3)", None),
    (["100", "--seed", "4294967301"], "torch.randn(100)", None),
    (["40", "50", "--seed", "0"], "torch.randn(40, 50)", None),
    (["1001", "--seed", "3"], "torch.randn(1001)", None),
    (["0", "3"], "torch.randn(0, 3)", None),
    (["--seed", "7"], "torch.randn(())", None),
    (["5", "7", "--seed", "18446744073709551615", "--dtype", "float64"], "torch.randn(5, 7, dtype=torch.float64)", None),
    (["6", "6", "--seed", "0", "--kernel", "libm"], "torch.randn(6, 6)", "default"),
]

out = []
for args, expr, capability in CASES:
    seed = args[args.index("--seed") + 1] if "--seed" in args else "0"
    program = f"import torch\ntorch.manual_seed({seed})\nprint({expr})\n"
    env = dict(os.environ)
    if capability:
        env["ATEN_CPU_CAPABILITY"] = capability
    text = subprocess.run([sys.executable, "-c", program], env=env, check=True, capture_output=True, text=True).stdout
    out.append({"args": args, "python": program, "stdout": text})

path = pathlib.Path(__file__).resolve().parents[1] / "MatCalcCLITests/Resources/randn_cli_golden.json"
path.write_text(json.dumps({"cases": out}, indent=1))
print(f"wrote {len(out)} cases to {path}")
