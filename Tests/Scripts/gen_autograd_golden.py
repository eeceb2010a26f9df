"""Writes Tests/MatCalcTensorTests/Resources/autograd_golden.json: PyTorch's values, gradients and
grad_fn names for every differentiable op, in float64. Needs torch (CI does not: the JSON is committed).

Each case: inputs (name -> shape, values), the op (a Python lambda here; the Swift test has the same
op under the same case name), out (values, shape), grad_fn, and grads of L = sum(out * weight).
"""
import json, pathlib
import numpy as np
import torch

rng = np.random.default_rng(7)

def randn(*shape): return rng.standard_normal(shape)
def positive(*shape): return rng.uniform(0.5, 2.0, shape)
def spd(n):
    a = rng.standard_normal((n, n)); return a @ a.T + n * np.eye(n)
def wellcond(n): return rng.standard_normal((n, n)) + 3 * np.eye(n)

F = torch.nn.functional
CASES = [
    # name, {input: array}, op
    ("neg", {"x": randn(3, 4)}, lambda x: -x),
    ("abs", {"x": randn(3, 4)}, lambda x: x.abs()),
    ("exp", {"x": randn(3, 4)}, lambda x: x.exp()),
    ("exp_rank0", {"x": np.array(0.7)}, lambda x: x.exp()),
    ("log", {"x": positive(3, 4)}, lambda x: x.log()),
    ("sqrt", {"x": positive(3, 4)}, lambda x: x.sqrt()),
    ("sin", {"x": randn(3, 4)}, lambda x: x.sin()),
    ("cos", {"x": randn(3, 4)}, lambda x: x.cos()),
    ("tanh", {"x": randn(3, 4)}, lambda x: x.tanh()),
    ("sigmoid", {"x": randn(3, 4)}, lambda x: x.sigmoid()),
    ("relu", {"x": randn(3, 4)}, lambda x: F.relu(x)),
    ("add_broadcast", {"x": randn(3, 4), "y": randn(4)}, lambda x, y: x + y),
    ("sub_outer", {"x": randn(3, 1), "y": randn(1, 4)}, lambda x, y: x - y),
    ("mul_rank0", {"x": randn(3, 4), "y": np.array(1.3)}, lambda x, y: x * y),
    ("div_column", {"x": randn(3, 4), "y": positive(3, 1)}, lambda x, y: x / y),
    ("rsub_scalar", {"x": randn(3, 4)}, lambda x: 1 - x),
    ("rdiv_scalar", {"x": positive(3, 4)}, lambda x: 2 / x),
    ("scale_shift", {"x": randn(3, 4)}, lambda x: x * 2.5 + 1),
    ("pow_tensor", {"x": positive(3, 4), "y": randn(4)}, lambda x, y: x ** y),
    ("pow_scalar", {"x": randn(3, 4)}, lambda x: x ** 3),
    ("square", {"x": randn(3, 4)}, lambda x: x ** 2),
    ("maximum", {"x": randn(3, 4), "y": randn(4)}, lambda x, y: torch.maximum(x, y)),
    ("minimum", {"x": randn(3, 4), "y": randn(4)}, lambda x, y: torch.minimum(x, y)),
    ("clamp", {"x": randn(3, 4)}, lambda x: x.clamp(-0.5, 0.5)),
    ("clamp_min", {"x": randn(3, 4)}, lambda x: x.clamp(min=0.1)),
    ("where", {"x": randn(3, 4), "y": randn(4)}, lambda x, y: torch.where(x > 0, x, y)),
    ("sum_all", {"x": randn(2, 3, 4)}, lambda x: x.sum()),
    ("sum_dim", {"x": randn(2, 3, 4)}, lambda x: x.sum(1)),
    ("sum_dims_keepdim", {"x": randn(2, 3, 4)}, lambda x: x.sum((0, 2), keepdim=True)),
    ("mean_all", {"x": randn(3, 4)}, lambda x: x.mean()),
    ("mean_dim", {"x": randn(3, 4)}, lambda x: x.mean(-1)),
    ("max_all", {"x": randn(3, 4)}, lambda x: x.max()),
    ("max_dim", {"x": randn(3, 4)}, lambda x: x.max(1)[0]),
    ("min_all", {"x": randn(3, 4)}, lambda x: x.min()),
    ("min_dim_keepdim", {"x": randn(3, 4)}, lambda x: x.min(0, keepdim=True)[0]),
    ("mm", {"x": randn(3, 4), "y": randn(4, 2)}, lambda x, y: x @ y),
    ("mv", {"x": randn(3, 4), "y": randn(4)}, lambda x, y: x @ y),
    ("dot", {"x": randn(4), "y": randn(4)}, lambda x, y: x @ y),
    ("vm", {"x": randn(4), "y": randn(4, 2)}, lambda x, y: x @ y),
    ("bmm_broadcast", {"x": randn(2, 3, 4), "y": randn(4, 5)}, lambda x, y: x @ y),
    ("matmul_batch_broadcast", {"x": randn(2, 1, 3, 4), "y": randn(5, 4, 2)}, lambda x, y: x @ y),
    ("t", {"x": randn(3, 4)}, lambda x: x.t()),
    ("T", {"x": randn(3, 4)}, lambda x: x.T),
    ("transpose", {"x": randn(2, 3, 4)}, lambda x: x.transpose(0, 2)),
    ("permute", {"x": randn(2, 3, 4)}, lambda x: x.permute(2, 0, 1)),
    ("reshape", {"x": randn(3, 4)}, lambda x: x.reshape(2, 6)),
    ("flatten", {"x": randn(2, 3, 4)}, lambda x: x.flatten()),
    ("unsqueeze", {"x": randn(3, 4)}, lambda x: x.unsqueeze(1)),
    ("squeeze", {"x": randn(3, 1, 4)}, lambda x: x.squeeze()),
    ("expand", {"x": randn(3, 1)}, lambda x: x.expand(3, 4)),
    ("select_row", {"x": randn(3, 4)}, lambda x: x[1]),
    ("select_column", {"x": randn(3, 4)}, lambda x: x[:, 2]),
    ("slice_rows", {"x": randn(4, 3)}, lambda x: x[1:3]),
    ("narrow", {"x": randn(3, 5)}, lambda x: x.narrow(1, 1, 3)),
    ("cat_rows", {"x": randn(2, 3), "y": randn(4, 3)}, lambda x, y: torch.cat([x, y])),
    ("cat_columns", {"x": randn(2, 3), "y": randn(2, 1)}, lambda x, y: torch.cat([x, y], 1)),
    ("stack", {"x": randn(2, 3), "y": randn(2, 3)}, lambda x, y: torch.stack([x, y], 1)),
    ("trace", {"x": randn(4, 4)}, lambda x: x.trace()),
    ("diag_of_matrix", {"x": randn(4, 4)}, lambda x: torch.diag(x)),
    ("diag_embed", {"x": randn(4)}, lambda x: torch.diag(x)),
    ("norm2", {"x": randn(3, 4)}, lambda x: x.norm()),
    ("norm1", {"x": randn(3, 4)}, lambda x: x.norm(p=1)),
    ("norm3", {"x": randn(3, 4)}, lambda x: x.norm(p=3)),
    ("norm_inf", {"x": randn(3, 4)}, lambda x: torch.linalg.vector_norm(x, float("inf"))),
    ("inverse", {"x": wellcond(4)}, lambda x: torch.inverse(x)),
    ("det", {"x": wellcond(4)}, lambda x: torch.det(x)),
    ("logdet", {"x": spd(4)}, lambda x: torch.logdet(x)),
    ("solve_vector", {"x": wellcond(4), "y": randn(4)}, lambda x, y: torch.linalg.solve(x, y)),
    ("solve_matrix", {"x": wellcond(4), "y": randn(4, 2)}, lambda x, y: torch.linalg.solve(x, y)),
    ("homework", {"x": randn(10, 4), "w": randn(4, 4), "y": randn(10, 4)},
     lambda x, w, y: torch.trace((F.relu(x @ w) - y).t() @ (F.relu(x @ w) - y))),
    ("least_squares", {"a": randn(6, 3), "x": randn(3), "b": randn(6)}, lambda a, x, b: ((a @ x - b) ** 2).sum()),
    ("logistic", {"x": randn(5, 3), "w": randn(3), "y": (rng.uniform(size=5) > 0.5).astype(float)},
     lambda x, w, y: -(y * (x @ w).sigmoid().log() + (1 - y) * (1 - (x @ w).sigmoid()).log()).mean()),
]

cases = []
for name, inputs, op in CASES:
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in inputs.items()}
    out = op(*tensors.values())
    weight = torch.tensor(rng.standard_normal(tuple(out.shape)), dtype=torch.float64)
    (out * weight).sum().backward()
    cases.append({
        "name": name,
        "inputs": [{"name": k, "shape": list(t.shape), "values": t.detach().flatten().tolist()} for k, t in tensors.items()],
        "out": {"shape": list(out.shape), "values": out.detach().flatten().tolist()},
        "grad_fn": type(out.grad_fn).__name__,
        "weight": weight.flatten().tolist(),
        "grads": [t.grad.flatten().tolist() for t in tensors.values()],
    })

path = pathlib.Path(__file__).resolve().parents[1] / "MatCalcTensorTests/Resources/autograd_golden.json"
path.write_text(json.dumps({"meta": {"torch": torch.__version__, "dtype": "float64"}, "cases": cases}, indent=1))
print(f"wrote {len(cases)} cases to {path}")
