#!/usr/bin/env python3
"""Peer side of the VisitIntent benchmarks: runs inside bench/.venv, where
numpy, scikit-learn, LightGBM and XGBoost are installed by bench/run.py.

    bench/.venv/bin/python bench/peers.py TASK --out result.json [options]

Each task writes one JSON object to --out (and a one-line summary to stdout).
Tasks are entries of TASKS: a later benchmark adds one function and one entry.

Inputs written by `intent features --out X.npy`:
    X.npy          float32 matrix, rows × columns, C order
    X.columns.tsv  one line per column: name<TAB>transform (none | log1p)
    X.rows.csv     header session_id,intent; one line per row, same order

Preprocessing is the one VisitIntent's linear models use: signed log1p on the
`log1p` columns, then (v − mean) / std with the training mean and population
std (ddof = 0); a column whose std is 0 keeps scale 1.

Objective reported for a logistic fit (the same f as the Swift side):
    f(W, b) = (1/n) Σᵢ −log pᵢ[yᵢ] + (λ/2)‖W‖²_F,   b unpenalised,
softmax over K columns for K ≥ 3, one sigmoid column for K = 2.

Gradient-boosted trees (tasks gbdt-data, gbdt-speed, split, folds, gbdt-eval,
uci-cv, metrics): a seeded synthetic binary matrix, seeded stratified splits and
folds written as files both sides read (npy + rows.csv + columns.tsv, or CSV
tables with the original header), LightGBM / XGBoost / HistGradientBoosting
fits, and one metric code path (`classification_metrics`) applied to the
peers' probabilities and to `intent score` CSVs alike.
"""
import argparse
import csv
import json
import os
import platform
import sys
import time

import numpy as np

BLOCK = 4096  # rows per chunk: bounds temporaries and stays cache-friendly


# ----------------------------------------------------------------------- inputs

def sidecar(npy_path, suffix):
    base = npy_path[:-4] if npy_path.endswith(".npy") else npy_path
    return base + suffix


def load_matrix(npy_path):
    x = np.load(npy_path)
    if x.ndim != 2:
        raise SystemExit(f"{npy_path}: expected a 2-D matrix, got shape {x.shape}")
    if x.dtype != np.float32:
        x = x.astype(np.float32)
    return np.ascontiguousarray(x)


def load_columns(path, width):
    names, log1p = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            name, _, transform = line.partition("\t")
            transform = transform.strip() or "none"
            if transform not in ("none", "log1p"):
                raise SystemExit(f"{path}: unknown transform {transform!r} for column {name!r}")
            names.append(name)
            log1p.append(transform == "log1p")
    if len(names) != width:
        raise SystemExit(f"{path}: {len(names)} columns listed, the matrix has {width}")
    return names, np.array(log1p, dtype=bool)


def load_labels(path, rows):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if [h.strip() for h in header[:2]] != ["session_id", "intent"]:
            raise SystemExit(f"{path}: header should be session_id,intent, got {header}")
        intents = [r[1] if len(r) > 1 else "" for r in reader]
    if len(intents) != rows:
        raise SystemExit(f"{path}: {len(intents)} rows, the matrix has {rows}")
    intents = np.array(intents, dtype=object)
    keep = intents != ""
    classes = sorted(set(intents[keep].tolist()))
    index = {c: i for i, c in enumerate(classes)}
    y = np.fromiter((index.get(v, -1) for v in intents), dtype=np.int64, count=rows)
    return y, classes, keep


# ---------------------------------------------------------------- preprocessing

def signed_log1p(v):
    return np.sign(v) * np.log1p(np.abs(v))


def preprocess(raw, log1p, dtype):
    """Returns (standardised matrix in `dtype`, mean, scale); statistics in float64."""
    x = raw.astype(dtype, copy=True)
    cols = np.flatnonzero(log1p)
    if cols.size:
        x[:, cols] = signed_log1p(x[:, cols])
    n, d = x.shape
    total = np.zeros(d)
    for r in range(0, n, BLOCK):
        total += x[r:r + BLOCK].sum(axis=0, dtype=np.float64)
    mean = total / max(n, 1)
    sq = np.zeros(d)
    for r in range(0, n, BLOCK):
        c = x[r:r + BLOCK].astype(np.float64) - mean
        sq += np.einsum("ij,ij->j", c, c)
    std = np.sqrt(sq / max(n, 1))
    scale = np.where(std > 1e-12, std, 1.0)
    # In place, in the matrix's dtype (for float32 within an ulp or so of the
    # float64 formula, as VisitIntent's Float32 matrix).
    np.subtract(x, mean.astype(x.dtype), out=x)
    np.divide(x, scale.astype(x.dtype), out=x)
    return x, mean, scale


# -------------------------------------------------------------------- objective

def logistic_objective(x, y, coef, intercept, lam, weights=None):
    """f at (coef, intercept) in float64, chunked; stable log-sum-exp."""
    coef = np.asarray(coef, dtype=np.float64)
    intercept = np.asarray(intercept, dtype=np.float64)
    n = x.shape[0]
    loss = 0.0
    for r in range(0, n, BLOCK):
        xb = x[r:r + BLOCK].astype(np.float64)
        yb = y[r:r + BLOCK]
        z = xb @ coef.T + intercept
        if coef.shape[0] == 1:
            z = z[:, 0]
            terms = np.where(yb == 1, np.logaddexp(0.0, -z), np.logaddexp(0.0, z))
        else:
            m = z.max(axis=1, keepdims=True)
            lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
            terms = lse - z[np.arange(len(yb)), yb]
        if weights is not None:
            terms = terms * weights[r:r + BLOCK]
        loss += float(terms.sum())
    return loss / n + 0.5 * lam * float(np.sum(coef * coef))


# ------------------------------------------------------------------------ tasks

def task_versions(args):
    out = {"python": platform.python_version(), "numpy": np.__version__}
    for module in ("sklearn", "lightgbm", "xgboost", "scipy", "threadpoolctl"):
        try:
            out[module] = __import__(module).__version__
        except Exception as exc:  # not installed or broken
            out[module] = None
            out[module + "_error"] = f"{type(exc).__name__}: {exc}"
    out["blas"] = blas_info()
    return out


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: v for k, v in info.items() if k in ("internal_api", "version", "num_threads",
                                                         "architecture", "threading_layer")}
                for info in threadpool_info()]
    except Exception as exc:
        return f"unavailable: {exc}"


def task_logistic(args):
    """Times transform + standardise + LogisticRegression.fit (lbfgs), `repeats`
    times, then predict_proba on the standardised matrix."""
    import sklearn
    from sklearn.linear_model import LogisticRegression

    t_load = time.perf_counter()
    raw = load_matrix(args.npy)
    names, log1p = load_columns(args.columns or sidecar(args.npy, ".columns.tsv"), raw.shape[1])
    y, classes, keep = load_labels(args.rows or sidecar(args.npy, ".rows.csv"), raw.shape[0])
    dropped = int((~keep).sum())
    if dropped:
        raw, y = raw[keep], y[keep]
    load_seconds = time.perf_counter() - t_load
    n, d = raw.shape
    dtype = np.float32 if args.dtype == "float32" else np.float64
    C = 1.0 / (args.l2 * n)

    fits = []
    model = xs = None
    for _ in range(args.repeats):
        xs = model = None  # free the previous copy before timing the next
        t0 = time.perf_counter()
        xs, mean, scale = preprocess(raw, log1p, dtype)
        t1 = time.perf_counter()
        model = LogisticRegression(C=C, solver="lbfgs", tol=args.tol, max_iter=args.max_iter)
        model.fit(xs, y)
        t2 = time.perf_counter()
        fits.append({"seconds": t2 - t0, "preprocess_seconds": t1 - t0, "fit_seconds": t2 - t1,
                     "n_iter": int(np.max(model.n_iter_))})
    objective = logistic_objective(xs, y, model.coef_, model.intercept_, args.l2)

    scores = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        p = model.predict_proba(xs)
        scores.append(time.perf_counter() - t0)
    del p

    seconds = [f["seconds"] for f in fits]
    return {
        "task": "logistic",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "dtype": args.dtype,
        "rows": n,
        "features": d,
        "classes": classes,
        "dropped_unlabelled_rows": dropped,
        "log1p_columns": int(log1p.sum()),
        "l2": args.l2,
        "C": C,
        "tol": args.tol,
        "max_iter": args.max_iter,
        "load_seconds": load_seconds,
        "fits": fits,
        "seconds_median": float(np.median(seconds)),
        "objective": objective,
        "n_iter": fits[-1]["n_iter"],
        "converged": fits[-1]["n_iter"] < args.max_iter,
        "predict_proba_seconds": scores,
        "predict_proba_seconds_median": float(np.median(scores)),
        "predict_rows_per_second": n / float(np.median(scores)),
        "blas": blas_info(),
    }


# Later benchmarks (gradient-boosted trees vs LightGBM / XGBoost /
# HistGradientBoosting, UCI cross-validation) add one function and one entry.
TASKS = {
    "versions": task_versions,
    "logistic": task_logistic,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=sorted(TASKS))
    ap.add_argument("--out", help="write the result JSON here (default: stdout only)")
    ap.add_argument("--npy", help="feature matrix written by `intent features --out X.npy`")
    ap.add_argument("--columns", help="columns TSV (default: beside the .npy)")
    ap.add_argument("--rows", help="rows CSV (default: beside the .npy)")
    ap.add_argument("--l2", type=float, default=0.001, help="λ; C = 1/(λ·n)")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--max-iter", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                    help="dtype of the standardised matrix handed to scikit-learn (default float32: "
                         "the matrix VisitIntent trains on, and scikit-learn's faster lbfgs path)")
    args = ap.parse_args(argv)
    if args.task != "versions" and not args.npy:
        ap.error("--npy is required for this task")
    result = TASKS[args.task](args)
    text = json.dumps(result, indent=1)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(text + "\n")
        os.replace(tmp, args.out)
        print(f"peers {args.task}: wrote {args.out}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
