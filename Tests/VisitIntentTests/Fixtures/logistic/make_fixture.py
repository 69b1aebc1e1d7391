#!/usr/bin/env python3
# Reference fixture for VisitIntent's logistic regression, made with scikit-learn.
#
# Regenerate (from the repository root):
#   python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 \
#     && /tmp/skvenv/bin/python Tests/VisitIntentTests/Fixtures/logistic/make_fixture.py
#
# Generated with scikit-learn 1.9.1, numpy 2.4.6 (scipy 1.17.1), Python 3.11.
# The versions actually used are also written to the JSON under "generator".
# Deterministic: the same versions give byte-identical output.
#
# Objective that the Swift side minimises, and that "objective" reports here:
#
#   f(W, b) = (1/n) Σᵢ sᵢ · (−log pᵢ[yᵢ]) + (λ/2)‖W‖²_F + α‖W‖₁,   b unpenalised,
#
# sᵢ = class weight of row i (1, or n / (K·n_k) when balanced). K ≥ 3: softmax
# over K logit columns; K = 2: one logit column, p(class 1) = σ(x·w + b).
# scikit-learn minimises C·Σᵢ sᵢ·lossᵢ + penalty, so C = 1/(λn) for L2 and
# C = 1/(αn) for L1. Every fit is on standardised data: training mean and
# population standard deviation (ddof = 0); a column whose std is 0 keeps scale
# 1 (it becomes all zeros). coef and intercept are in the standardised space.
#
# Each case also carries independent checks of scikit-learn's answer:
#   "kkt_violation"       max |∇f| (L2) or the L1 subgradient-optimality
#                         violation at scikit-learn's solution;
#   "reference_max_abs_diff"  max |Δcoef|, |Δcentred intercept| between
#                         scikit-learn and a solution polished here (Newton for
#                         L2, long FISTA for L1) in float64;
#   "tolerance_hint"      a safe absolute tolerance for comparing coefficients.
import json
import os
import platform
import sys
import warnings

# One BLAS thread: the same bits on every run and machine with these versions.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import scipy
import sklearn
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sklearn_reference.json")
SEED = 20240611


# --------------------------------------------------------------------------- data

def _round(x):
    """4 decimals, so that the JSON stores exactly the numbers that were fitted."""
    return np.round(np.asarray(x, dtype=np.float64), 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def _softmax_labels(rng, x, w, b):
    z = x @ w + b
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random(len(x))
    return np.minimum((p.cumsum(axis=1) < u[:, None]).sum(axis=1), w.shape[1] - 1)


def data_multinomial(rng, n=300):
    """6 columns: 3 informative, a near-duplicate of column 1, a constant, and a
    shifted, scaled column; classes from a softmax with moderate signal (overlap)."""
    z = rng.standard_normal((n, 3))
    x = np.empty((n, 6))
    x[:, 0] = 1.5 * z[:, 0] + 0.3
    x[:, 1] = z[:, 1]
    x[:, 2] = 100.0 + 20.0 * z[:, 2]
    x[:, 3] = x[:, 1] + 0.05 * rng.standard_normal(n)  # near-duplicate of column 1
    x[:, 4] = 2.5                                        # constant
    x[:, 5] = rng.exponential(3.0, n)                    # skewed, weakly informative
    x = _round(x)
    xs = (x - x.mean(0)) / np.where(x.std(0) > 1e-12, x.std(0), 1.0)
    w = np.array([[1.0, -0.5, -0.5],
                  [0.6, 0.4, -1.0],
                  [-0.4, 0.8, -0.4],
                  [0.3, 0.0, -0.3],
                  [0.0, 0.0, 0.0],
                  [0.0, 0.3, -0.3]])
    y = _softmax_labels(rng, xs, w, np.array([0.2, 0.0, -0.2]))
    return x, y


def data_binary(rng, n=250):
    z = rng.standard_normal((n, 5))
    x = np.empty((n, 5))
    x[:, 0] = z[:, 0]
    x[:, 1] = 3.0 * z[:, 1] - 1.0
    x[:, 2] = (rng.random(n) < 0.3).astype(float)        # 0/1 indicator
    x[:, 3] = rng.poisson(2.0, n).astype(float)          # counts
    x[:, 4] = 0.7 * z[:, 0] + 0.7 * z[:, 4]              # correlated with column 0
    x = _round(x)
    xs = (x - x.mean(0)) / x.std(0)
    logit = 0.2 + xs @ np.array([1.0, -0.7, 0.5, 0.3, 0.4])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    return x, y


def data_imbalanced(rng, counts=(180, 90, 30)):
    """Class-conditional Gaussians with overlapping means, 60/30/10."""
    means = np.array([[0.0, 0.0, 0.0, 0.0, 0.0],
                      [0.9, -0.4, 0.3, 0.0, 0.0],
                      [0.4, 0.9, -0.5, 0.2, 0.0]])
    xs, ys = [], []
    for k, c in enumerate(counts):
        xs.append(means[k] + rng.standard_normal((c, 5)) * np.array([1.0, 1.0, 1.0, 1.0, 1.0]))
        ys.append(np.full(c, k))
    x = np.vstack(xs)
    y = np.concatenate(ys)
    order = rng.permutation(len(y))  # interleave the classes
    x, y = x[order], y[order]
    x[:, 3] = 10.0 + 4.0 * x[:, 3]
    x[:, 4] = 0.5 * x[:, 4] - 2.0
    return _round(x), y


def data_l1(rng, n=300):
    """6 columns of which 3 carry signal, so that the L1 fit zeroes some weights."""
    z = rng.standard_normal((n, 6))
    x = np.empty((n, 6))
    x[:, 0] = z[:, 0]
    x[:, 1] = 2.0 * z[:, 1] + 5.0
    x[:, 2] = z[:, 2]
    x[:, 3] = 0.8 * z[:, 0] + 0.6 * z[:, 3]     # correlated with column 0
    x[:, 4] = z[:, 4]                           # noise
    x[:, 5] = rng.exponential(1.0, n)           # noise
    x = _round(x)
    xs = (x - x.mean(0)) / x.std(0)
    w = np.array([[1.2, -0.6, -0.6],
                  [-0.5, 1.0, -0.5],
                  [0.0, 0.7, -0.7],
                  [0.0, 0.0, 0.0],
                  [0.0, 0.0, 0.0],
                  [0.0, 0.0, 0.0]])
    y = _softmax_labels(rng, xs, w, np.zeros(3))
    return x, y


# ---------------------------------------------------------------------- objective

def standardise(x):
    mean = x.mean(axis=0)
    std = x.std(axis=0)  # population std, ddof = 0
    scale = np.where(std > 1e-12, std, 1.0)
    return (x - mean) / scale, mean, scale


def class_weights(y, k, balanced):
    if not balanced:
        return np.ones(len(y))
    counts = np.bincount(y, minlength=k).astype(float)
    return (len(y) / (k * counts))[y]


def logsumexp_rows(z):
    m = z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]


def data_loss_terms(xs, y, coef, intercept, k):
    """−log pᵢ[yᵢ] for every row, stable."""
    z = xs @ coef.T + intercept
    if k == 2:
        z = z[:, 0]
        # −log σ(z) = log(1 + e^{−z}); −log(1 − σ(z)) = log(1 + e^{z})
        return np.where(y == 1, np.logaddexp(0.0, -z), np.logaddexp(0.0, z))
    return logsumexp_rows(z) - z[np.arange(len(y)), y]


def objective(xs, y, s, coef, intercept, k, lam, alpha):
    n = len(y)
    loss = float(np.sum(s * data_loss_terms(xs, y, coef, intercept, k)) / n)
    return loss + 0.5 * lam * float(np.sum(coef * coef)) + alpha * float(np.sum(np.abs(coef)))


def probabilities(xs, coef, intercept, k):
    z = xs @ coef.T + intercept
    if k == 2:
        p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return np.column_stack([1.0 - p1, p1])
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def smooth_gradient(xs, y, s, coef, intercept, k, lam):
    """Gradient of the data term + L2 with respect to (coef, intercept)."""
    n = len(y)
    p = probabilities(xs, coef, intercept, k)
    if k == 2:
        r = (s * (p[:, 1] - (y == 1)))[:, None]
    else:
        onehot = np.eye(k)[y]
        r = s[:, None] * (p - onehot)
    gw = r.T @ xs / n + lam * coef
    gb = r.sum(axis=0) / n
    return gw, gb


def newton_polish(xs, y, s, coef, intercept, k, lam, steps=30):
    """Damped Newton on the smooth L2 objective, float64 (minimum-norm steps, so
    the unidentified softmax intercept shift does no harm)."""
    n, d = xs.shape
    m = coef.shape[0]
    xa = np.hstack([xs, np.ones((n, 1))])
    theta = np.hstack([coef, intercept[:, None]]).copy()  # m × (d+1)
    reg = np.diag(np.r_[np.full(d, lam), 0.0])

    def f(th):
        return objective(xs, y, s, th[:, :d], th[:, d], k, lam, 0.0)

    for _ in range(steps):
        gw, gb = smooth_gradient(xs, y, s, theta[:, :d], theta[:, d], k, lam)
        g = np.hstack([gw, gb[:, None]]).ravel()
        if np.max(np.abs(g)) < 1e-15:
            break
        p = probabilities(xs, theta[:, :d], theta[:, d], k)
        if k == 2:
            q = p[:, 1]
            h = (xa * (s * q * (1 - q))[:, None]).T @ xa / n + reg
        else:
            h = np.zeros((m * (d + 1), m * (d + 1)))
            for a in range(m):
                for c in range(m):
                    wgt = s * p[:, a] * ((a == c) - p[:, c])
                    blk = (xa * wgt[:, None]).T @ xa / n
                    if a == c:
                        blk = blk + reg
                    h[a * (d + 1):(a + 1) * (d + 1), c * (d + 1):(c + 1) * (d + 1)] = blk
        step = np.linalg.lstsq(h, g, rcond=None)[0].reshape(m, d + 1)
        f0, t = f(theta), 1.0
        while f(theta - t * step) > f0 and t > 1e-10:
            t *= 0.5
        theta = theta - t * step
    return theta[:, :d], theta[:, d]


def fista_l1(xs, y, coef, intercept, k, alpha, iters=20000):
    """Accelerated proximal gradient for the L1 problem (unit weights), float64,
    warm-started at scikit-learn's solution, with restarts on objective increase."""
    n, d = xs.shape
    s = np.ones(n)
    # Lipschitz bound of the softmax loss gradient: ‖[X 1]‖₂² / n · 1/2 (K ≥ 3).
    xa = np.hstack([xs, np.ones((n, 1))])
    lip = 0.5 * np.linalg.norm(xa, 2) ** 2 / n
    step = 1.0 / lip
    w, b = coef.copy(), intercept.copy()
    vw, vb, t = w.copy(), b.copy(), 1.0
    fprev = objective(xs, y, s, w, b, k, 0.0, alpha)
    for _ in range(iters):
        gw, gb = smooth_gradient(xs, y, s, vw, vb, k, 0.0)
        uw = vw - step * gw
        nw = np.sign(uw) * np.maximum(np.abs(uw) - step * alpha, 0.0)
        nb = vb - step * gb
        fnew = objective(xs, y, s, nw, nb, k, 0.0, alpha)
        if fnew > fprev:  # adaptive restart
            vw, vb, t = w.copy(), b.copy(), 1.0
            continue
        tn = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        vw = nw + (t - 1) / tn * (nw - w)
        vb = nb + (t - 1) / tn * (nb - b)
        if np.max(np.abs(nw - w)) < 1e-16 and np.max(np.abs(nb - b)) < 1e-16:
            w, b = nw, nb
            break
        w, b, t, fprev = nw, nb, tn, fnew
    return w, b


def l1_kkt_violation(xs, y, coef, intercept, k, alpha):
    gw, gb = smooth_gradient(xs, y, np.ones(len(y)), coef, intercept, k, 0.0)
    nz = coef != 0
    v_nz = np.abs(gw + alpha * np.sign(coef))[nz]
    v_z = np.maximum(np.abs(gw) - alpha, 0.0)[~nz]
    return float(max(v_nz.max(initial=0.0), v_z.max(initial=0.0), np.abs(gb).max()))


# ----------------------------------------------------------------------- fitting

def make_lr(C, penalty, solver, tol, max_iter, class_weight):
    """LogisticRegression for penalty 'l1' or 'l2' across scikit-learn versions
    (1.8 deprecated `penalty` in favour of `l1_ratio`)."""
    import inspect
    params = inspect.signature(LogisticRegression).parameters
    # random_state fixes saga's sample order (lbfgs ignores it).
    kw = dict(C=C, solver=solver, tol=tol, max_iter=max_iter, class_weight=class_weight,
              random_state=0)
    if params["penalty"].default == "deprecated":
        kw["l1_ratio"] = 1.0 if penalty == "l1" else 0.0
    else:
        kw["penalty"] = penalty
    return LogisticRegression(**kw)


def fit_case(name, x, y, k, lam=0.0, alpha=0.0, balanced=False, solver="lbfgs",
             tol=1e-12, max_iter=100000):
    n, d = x.shape
    xs, mean, scale = standardise(x)
    s = class_weights(y, k, balanced)
    if alpha > 0:
        penalty, C = "l1", 1.0 / (alpha * n)
    else:
        penalty, C = "l2", 1.0 / (lam * n)
    model = make_lr(C, penalty, solver, tol, max_iter, "balanced" if balanced else None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any ConvergenceWarning is a failure here
        model.fit(xs, y)
    n_iter = int(np.max(model.n_iter_))
    if n_iter >= max_iter:
        raise SystemExit(f"{name}: not converged in {max_iter} iterations")
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    assert coef.shape == ((1 if k == 2 else k), d)

    proba = model.predict_proba(xs)
    mine = probabilities(xs, coef, intercept, k)
    assert np.max(np.abs(proba - mine)) < 1e-12, "predict_proba disagrees with the formula"
    f = objective(xs, y, s, coef, intercept, k, lam, alpha)

    # Independent checks of scikit-learn's optimum.
    if alpha > 0:
        kkt = l1_kkt_violation(xs, y, coef, intercept, k, alpha)
        rw, rb = fista_l1(xs, y, coef, intercept, k, alpha)
        kkt_ref = l1_kkt_violation(xs, y, rw, rb, k, alpha)
    else:
        gw, gb = smooth_gradient(xs, y, s, coef, intercept, k, lam)
        kkt = float(max(np.abs(gw).max(), np.abs(gb).max()))
        rw, rb = newton_polish(xs, y, s, coef, intercept, k, lam)
        gw, gb = smooth_gradient(xs, y, s, rw, rb, k, lam)
        kkt_ref = float(max(np.abs(gw).max(), np.abs(gb).max()))
    f_ref = objective(xs, y, s, rw, rb, k, lam, alpha)
    centred = intercept - intercept.mean() if k > 2 else intercept
    rb_c = rb - rb.mean() if k > 2 else rb
    diff = float(max(np.abs(coef - rw).max(), np.abs(centred - rb_c).max()))
    hint = float(10.0 ** np.ceil(np.log10(max(diff, 1e-12) * 10)))
    print(f"{name:26s} n={n} d={d} K={k} n_iter={n_iter:6d} f={f:.15f} "
          f"kkt={kkt:.1e} |Δ| vs polished={diff:.1e} (ref kkt {kkt_ref:.1e}, Δf={f - f_ref:.1e})")

    return {
        "name": name,
        "lambda": lam,
        "alpha": alpha,
        "class_weight": "balanced" if balanced else None,
        "classes": ["a", "b", "c", "d", "e"][:k],
        "n": n,
        "d": d,
        "solver": solver,
        "C": C,
        "tol": tol,
        "max_iter": max_iter,
        "X": x.tolist(),
        "y": [int(v) for v in y],
        "mean": mean.tolist(),
        "std": scale.tolist(),
        "coef": coef.tolist(),
        "intercept": intercept.tolist(),
        "intercept_centered": centred.tolist(),
        "proba": proba.tolist(),
        "objective": f,
        "n_iter": n_iter,
        "kkt_violation": kkt,
        "reference_max_abs_diff": diff,
        "reference_objective": f_ref,
        "tolerance_hint": hint,
    }


def dump(value, indent=0):
    """JSON with one line per scalar field and per matrix row (compact but diffable).
    Floats are written with repr, which round-trips float64 exactly."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        items = [inner + dump(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


def main():
    rng = np.random.default_rng(SEED)
    x1, y1 = data_multinomial(rng)
    x2, y2 = data_binary(rng)
    x3, y3 = data_imbalanced(rng)
    x4, y4 = data_l1(rng)
    cases = [
        fit_case("multinomial_l2", x1, y1, 3, lam=0.01),
        fit_case("binary_l2", x2, y2, 2, lam=0.005),
        fit_case("multinomial_l2_balanced", x3, y3, 3, lam=0.01, balanced=True),
        fit_case("multinomial_l1", x4, y4, 3, alpha=0.02, solver="saga", max_iter=1000000),
    ]
    doc = {
        "description": (
            "scikit-learn reference solutions for f(W,b) = (1/n) sum_i s_i * (-log p_i[y_i]) "
            "+ (lambda/2)||W||_F^2 + alpha*||W||_1 (b unpenalised; s_i = 1, or n/(K*n_k) when "
            "class_weight is balanced). K>=3: softmax with K coef rows; K=2: one coef row, "
            "p(class 1) = sigmoid(x.w + b), proba gives both columns. Fits are on X standardised "
            "with 'mean' and 'std' (population std, 0 -> 1); coef/intercept are in that space. "
            "C = 1/(lambda*n) for L2, 1/(alpha*n) for L1. intercept_centered = intercept - "
            "mean(intercept) for K>=3 (softmax intercepts are defined up to a constant). "
            "kkt_violation: max |gradient| (L2) or L1 optimality violation at sklearn's "
            "solution; reference_max_abs_diff: max difference of coef and centred intercept "
            "against a float64 Newton (L2) / FISTA (L1) polish; tolerance_hint: a safe "
            "absolute tolerance on coefficients implied by that difference."
        ),
        "generator": {
            "script": "Tests/VisitIntentTests/Fixtures/logistic/make_fixture.py",
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "python": platform.python_version(),
            "seed": SEED,
        },
        "cases": cases,
    }
    text = dump(doc)
    json.loads(text)  # well-formed
    with open(OUT, "w") as fh:
        fh.write(text + "\n")
    print(f"wrote {OUT} ({len(text) // 1024} KB)")


if __name__ == "__main__":
    sys.exit(main())
