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
import gc
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


# ------------------------------------------------------- files both sides read

def need(args, *names):
    missing = ["--" + n.replace("_", "-") for n in names if getattr(args, n) in (None, [])]
    if missing:
        raise SystemExit(f"peers {args.task}: {', '.join(missing)} required")


def read_rows(path):
    """X.rows.csv → (ids, labels) as lists of strings, in row order."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader)]
        if header[:2] != ["session_id", "intent"]:
            raise SystemExit(f"{path}: header should be session_id,intent, got {header}")
        ids, labels = [], []
        for r in reader:
            if not r:
                continue
            ids.append(r[0])
            labels.append(r[1].strip() if len(r) > 1 else "")
    return ids, labels


def write_matrix(npy_path, x, names, transforms, ids, labels):
    """Writes X.npy (float32, C order) with X.columns.tsv and X.rows.csv beside it,
    the layout `intent features --out X.npy` writes and `intent train --matrix` reads."""
    np.save(npy_path, np.ascontiguousarray(x, dtype=np.float32))
    with open(sidecar(npy_path, ".columns.tsv"), "w", encoding="utf-8") as fh:
        for name, transform in zip(names, transforms):
            fh.write(f"{name}\t{transform}\n")
    with open(sidecar(npy_path, ".rows.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["session_id", "intent"])
        w.writerows(zip(ids, labels))


def read_table(path):
    """A CSV table → (header, rows of strings); blank lines skipped, BOM and CRLF tolerated."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise SystemExit(f"{path}: empty table")
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    return [h.strip() for h in rows[0]], body


def write_table(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def column_kinds(header, rows, label):
    """Per feature column: ("num", None), ("bool", None) for TRUE/FALSE, or
    ("cat", sorted levels): the inference `intent train --table` makes."""
    kinds = {}
    for j, name in enumerate(header):
        if name == label:
            continue
        values = [r[j].strip() for r in rows if r[j].strip()]
        if values and all(v.lower() in ("true", "false") for v in values):
            kinds[name] = ("bool", None)
        elif all(_is_number(v) for v in values):
            kinds[name] = ("num", None)
        else:
            kinds[name] = ("cat", sorted(set(values)))
    return kinds


def encode_table(header, rows, label, kinds):
    """Numeric matrix of a table: numbers as they are, TRUE/FALSE as 1/0,
    categorical columns as integer codes of `kinds`' sorted levels (unseen or
    empty → NaN). Returns (x float32, names, categorical indices, label texts)."""
    names = [h for h in header if h != label]
    x = np.full((len(rows), len(names)), np.nan, dtype=np.float32)
    categorical = []
    for k, name in enumerate(names):
        j = header.index(name)
        kind, levels = kinds[name]
        codes = {v: float(i) for i, v in enumerate(levels)} if kind == "cat" else None
        if kind == "cat":
            categorical.append(k)
        col = np.full(len(rows), np.nan)
        for i, r in enumerate(rows):
            v = r[j].strip()
            if not v:
                continue
            if kind == "cat":
                col[i] = codes.get(v, np.nan)
            elif kind == "bool":
                col[i] = 1.0 if v.lower() == "true" else 0.0
            else:
                col[i] = float(v)
        x[:, k] = col
    li = header.index(label) if label in header else None
    labels = [r[li].strip() for r in rows] if li is not None else None
    return x, names, categorical, labels


def one_hot_table(header, rows, label, kinds):
    """The table with each categorical column replaced by one 0/1 column per level
    (`name_level`, levels of `kinds`); every other cell keeps its text."""
    out_header, plan = [], []
    for j, name in enumerate(header):
        kind, levels = kinds.get(name, ("keep", None))
        if kind == "cat":
            out_header += [f"{name}_{level}" for level in levels]
            plan.append((j, levels))
        else:
            out_header.append(name)
            plan.append((j, None))
    out_rows = []
    for r in rows:
        cells = []
        for j, levels in plan:
            if levels is None:
                cells.append(r[j])
            else:
                v = r[j].strip()
                cells += ["1" if v == level else "0" for level in levels]
        out_rows.append(cells)
    return out_header, out_rows


# ---------------------------------------------------------- splits and metrics

def stratified_split(labels, test_fraction, seed):
    """Per class, a seeded shuffle puts round(fraction × count) rows in the test
    part. Returns (train indices, test indices), each in ascending row order."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels, dtype=object)
    test = np.zeros(len(labels), dtype=bool)
    for cls in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == cls)
        idx = idx[rng.permutation(idx.size)]
        test[idx[:int(round(test_fraction * idx.size))]] = True
    return np.flatnonzero(~test), np.flatnonzero(test)


def stratified_folds(labels, k, seed):
    """Fold number per row: each class shuffled (seeded) and dealt round-robin,
    continuing where the previous class stopped so fold sizes differ by ≤ 1."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels, dtype=object)
    fold = np.empty(len(labels), dtype=np.int64)
    offset = 0
    for cls in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == cls)
        idx = idx[rng.permutation(idx.size)]
        fold[idx] = (np.arange(idx.size) + offset) % k
        offset += idx.size
    return fold


LOG_LOSS_FLOOR = 1e-6


def classification_metrics(y, proba, classes, positive=None):
    """Metrics of class probabilities `proba` (rows × classes, columns in the order
    of `classes`) against class indices `y`.
      log_loss  mean −log p[yᵢ], p clipped below at 1e−6 (the resolution of the
                6-decimal `intent score` CSV, applied to every model alike; rows are
                not renormalised)
      binary    roc_auc and pr_auc (average precision) of the positive class (the
                last class by name unless `positive`), F1/precision/recall of that
                class and accuracy with the rule p(positive) ≥ 0.5
      K ≥ 3     roc_auc = macro one-vs-rest mean of the per-class AUCs, accuracy of
                the arg-max"""
    from sklearn.metrics import average_precision_score, roc_auc_score
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(proba, dtype=np.float64)
    n, k = p.shape
    picked = np.clip(p[np.arange(n), y], LOG_LOSS_FLOOR, 1.0)
    out = {"rows": int(n), "classes": list(classes), "log_loss": float(-np.mean(np.log(picked)))}
    if k == 2:
        pos = classes.index(positive) if positive is not None else 1
        truth = y == pos
        score = p[:, pos]
        pred = score >= 0.5
        tp = int(np.sum(pred & truth))
        fp = int(np.sum(pred & ~truth))
        fn = int(np.sum(~pred & truth))
        out.update({
            "positive": classes[pos], "positive_share": float(truth.mean()),
            "roc_auc": float(roc_auc_score(truth, score)) if 0 < truth.sum() < n else None,
            "pr_auc": float(average_precision_score(truth, score)) if truth.any() else None,
            "accuracy": float(np.mean(pred == truth)),
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
        })
    else:
        per = {}
        for c in range(k):
            truth = y == c
            if 0 < truth.sum() < n:
                per[classes[c]] = float(roc_auc_score(truth, p[:, c]))
        out.update({"roc_auc": float(np.mean(list(per.values()))) if per else None, "roc_auc_per_class": per,
                    "accuracy": float(np.mean(p.argmax(axis=1) == y))})
    return out


def read_truth(path, label):
    """Label texts of a rows CSV (label `intent`) or of a table's label column."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader)]
        if label not in header:
            raise SystemExit(f"{path}: no column {label!r} (columns: {', '.join(header)})")
        j = header.index(label)
        return [r[j].strip() for r in reader if any(c.strip() for c in r)]


def read_scores(path):
    """`intent score` CSV → (classes from the p_<class> columns, probabilities)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = [i for i, h in enumerate(header) if h.startswith("p_")]
        if not cols:
            raise SystemExit(f"{path}: no p_<class> columns in {header}")
        proba = np.array([[float(r[i]) for i in cols] for r in reader if r], dtype=np.float64)
    return [header[i][2:] for i in cols], proba.reshape(-1, len(cols))


def metrics_of_scores(scores_path, truth_path, label, positive=None):
    classes, proba = read_scores(scores_path)
    truth = read_truth(truth_path, label)
    if len(truth) != proba.shape[0]:
        raise SystemExit(f"{scores_path}: {proba.shape[0]} rows, {truth_path} has {len(truth)}")
    unknown = sorted(set(truth) - set(classes))
    if unknown:
        raise SystemExit(f"{truth_path}: classes {unknown} are not among the model's {classes}")
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[t] for t in truth], dtype=np.int64)
    return classification_metrics(y, proba, classes, positive)


# -------------------------------------------------------------- synthetic data

SYNTH_FEATURES = 64
SYNTH_NAN_COLUMNS = (3, 20, 34, 50)  # 10% missing each, after the label is drawn


def synthetic_binary(n, seed):
    """A seeded binary problem of n rows × 64 float32 features:
      0–31   gaussian (16–31 correlated with 0–15, r = 0.6)
      32–43  heavy-tailed counts (Poisson with log-normal rates)
      44–47  durations, log-normal, 0 when the matching count is 0
      48–55  uniform [0, 1)
      56–63  small integer codes 0–5
    The label is Bernoulli(sigmoid(1.2·(s − 0.42) − 0.9 + N(0, 0.8²))) where s sums
    nonlinear terms and interactions of 20-odd columns (the constants centre s);
    4 columns then lose 10% of their values to NaN. Returns (x, y, s)."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, 32))
    g[:, 16:] = 0.6 * g[:, :16] + 0.8 * g[:, 16:]
    counts = rng.poisson(np.exp(rng.normal(0.3, 1.1, (n, 12)))).astype(np.float64)
    durations = rng.lognormal(3.0, 1.5, (n, 4)) * (counts[:, :4] > 0)
    u = rng.random((n, 8))
    codes = rng.integers(0, 6, (n, 8)).astype(np.float64)
    lc, ld = np.log1p(counts), np.log1p(durations)
    s = (0.9 * g[:, 0] - 0.7 * g[:, 1] + 0.6 * g[:, 2] * g[:, 3] + 0.8 * np.sin(1.5 * g[:, 4])
         + 0.6 * (g[:, 5] > 0) * g[:, 6] - 0.3 * g[:, 7] ** 2 + 0.4 * g[:, 20] * (g[:, 21] < 0)
         + 0.5 * lc[:, 0] - 0.5 * lc[:, 1] * (g[:, 8] > 0.5) + 0.25 * ld[:, 0] - 0.3 * np.abs(lc[:, 3] - 1.5)
         + 1.0 * (u[:, 0] > 0.7) * (u[:, 1] < 0.4) + 0.6 * np.cos(3.0 * u[:, 2])
         + 0.4 * (codes[:, 0] == 2) - 0.4 * (codes[:, 1] >= 4) + 0.3 * (codes[:, 2] == codes[:, 3]))
    logit = 1.2 * (s - 0.42) - 0.9 + rng.normal(0.0, 0.8, n)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int8)
    x = np.empty((n, SYNTH_FEATURES), dtype=np.float32)
    x[:, 0:32], x[:, 32:44], x[:, 44:48], x[:, 48:56], x[:, 56:64] = g, counts, durations, u, codes
    del g, counts, durations, u, codes, lc, ld, logit
    for j in SYNTH_NAN_COLUMNS:
        x[rng.random(n) < 0.1, j] = np.nan
    return x, y, s


def synthetic_columns():
    names = ([f"gauss_{i:02d}" for i in range(32)] + [f"count_{i:02d}" for i in range(12)]
             + [f"duration_{i}" for i in range(4)] + [f"uniform_{i}" for i in range(8)]
             + [f"code_{i}" for i in range(8)])
    transforms = ["none"] * 32 + ["log1p"] * 16 + ["none"] * 16
    return names, transforms


def task_gbdt_data(args):
    """Writes the synthetic matrix (X.npy, X.rows.csv with labels "0"/"1", X.columns.tsv)."""
    need(args, "npy", "size")
    from sklearn.metrics import roc_auc_score
    t0 = time.perf_counter()
    x, y, s = synthetic_binary(args.size, args.seed)
    names, transforms = synthetic_columns()
    write_matrix(args.npy, x, names, transforms, (f"r{i + 1}" for i in range(len(y))),
                 np.where(y == 1, "1", "0"))
    return {"task": "gbdt-data", "npy": args.npy, "rows": int(x.shape[0]), "features": int(x.shape[1]),
            "seed": args.seed, "positive_share": float(y.mean()),
            "nan_share": {names[j]: float(np.isnan(x[:, j]).mean()) for j in SYNTH_NAN_COLUMNS},
            "ceiling_auc": float(roc_auc_score(y, s)), "seconds": time.perf_counter() - t0}


# ------------------------------------------------------------------ GBDT peers

def lightgbm_params(args, num_class):
    params = {"objective": "binary" if num_class == 2 else "multiclass", "learning_rate": args.learning_rate,
              "num_leaves": args.num_leaves, "max_bin": args.max_bin, "min_data_in_leaf": args.min_data_in_leaf,
              "min_sum_hessian_in_leaf": args.min_sum_hessian, "lambda_l2": args.lambda_l2,
              "feature_fraction": 1.0, "bagging_fraction": 1.0, "bagging_freq": 0,
              "num_threads": args.threads, "seed": args.seed, "verbose": -1}
    if num_class > 2:
        params["num_class"] = num_class
    return params


def xgboost_params(args):
    # lambda 0 like lambda_l2 0 / l2_regularization 0 on the other sides (XGBoost's default is 1).
    return {"objective": "binary:logistic", "tree_method": "hist", "grow_policy": "lossguide",
            "max_leaves": args.num_leaves, "max_depth": 0, "max_bin": args.max_bin + 1, "eta": args.learning_rate,
            "nthread": args.threads, "min_child_weight": args.min_sum_hessian, "lambda": args.lambda_l2,
            "seed": args.seed, "verbosity": 0}


def as_two_columns(p):
    p = np.asarray(p, dtype=np.float64)
    return np.column_stack([1.0 - p, p]) if p.ndim == 1 else p


def task_gbdt_speed(args):
    """One library (--library lightgbm | xgboost | sklearn) on the synthetic matrix:
    `repeats` fits with the binning step (Dataset / QuantileDMatrix construction)
    timed apart from the boosting, then `repeats` predictions of the whole training
    matrix (throughput), training log loss from those and test metrics on --test-npy."""
    need(args, "npy", "test_npy", "library")
    from threadpoolctl import threadpool_limits
    x = load_matrix(args.npy)
    y, classes, keep = load_labels(sidecar(args.npy, ".rows.csv"), x.shape[0])
    xt = load_matrix(args.test_npy)
    yt, classes_t, _ = load_labels(sidecar(args.test_npy, ".rows.csv"), xt.shape[0])
    if classes != ["0", "1"] or classes_t != ["0", "1"] or not keep.all():
        raise SystemExit("gbdt-speed expects labels 0/1 on every row")
    lib = args.library
    fits, predicts = [], []
    with threadpool_limits(limits=args.threads):
        for _ in range(args.repeats):
            model = data = None
            gc.collect()
            if lib == "lightgbm":
                import lightgbm as lgb
                version, params = lgb.__version__, lightgbm_params(args, 2)
                t0 = time.perf_counter()
                data = lgb.Dataset(x, label=y, params=params, free_raw_data=True)
                data.construct()
                t1 = time.perf_counter()
                model = lgb.train(params, data, num_boost_round=args.rounds)
                t2 = time.perf_counter()
                trees = model.num_trees()
            elif lib == "xgboost":
                import xgboost as xgb
                version, params = xgb.__version__, xgboost_params(args)
                t0 = time.perf_counter()
                data = xgb.QuantileDMatrix(x, label=y, max_bin=params["max_bin"], nthread=args.threads)
                t1 = time.perf_counter()
                model = xgb.train(params, data, num_boost_round=args.rounds)
                t2 = time.perf_counter()
                trees = model.num_boosted_rounds()
            elif lib == "sklearn":
                import sklearn
                from sklearn.ensemble import HistGradientBoostingClassifier
                version = sklearn.__version__
                model = HistGradientBoostingClassifier(
                    max_iter=args.rounds, learning_rate=args.learning_rate, max_leaf_nodes=args.num_leaves,
                    max_bins=min(args.max_bin, 255), min_samples_leaf=args.min_data_in_leaf,
                    l2_regularization=args.lambda_l2, early_stopping=False, random_state=args.seed)
                params = {k: v for k, v in model.get_params().items() if k != "categorical_features"}
                t0 = t1 = time.perf_counter()  # binning happens inside fit
                model.fit(x, y)
                t2 = time.perf_counter()
                trees = int(model.n_iter_)
            else:
                raise SystemExit(f"unknown --library {lib}")
            fits.append({"build_seconds": None if lib == "sklearn" else t1 - t0, "train_seconds": t2 - t1,
                         "seconds": t2 - t0})
        data = None
        gc.collect()

        def predict(m):
            if lib == "lightgbm":
                return model.predict(m, num_threads=args.threads)
            if lib == "xgboost":
                return model.inplace_predict(m)
            return model.predict_proba(m)[:, 1]

        p = None
        for _ in range(args.repeats):
            p = None
            t0 = time.perf_counter()
            p = predict(x)
            predicts.append(time.perf_counter() - t0)
        train_metrics = classification_metrics(y, as_two_columns(p), classes)
        p = None
        test_metrics = classification_metrics(yt, as_two_columns(predict(xt)), classes)

    def med(key):
        values = [f[key] for f in fits if f[key] is not None]
        return float(np.median(values)) if values else None

    return {"task": "gbdt-speed", "library": lib, "version": version, "params": params, "rows": int(x.shape[0]),
            "features": int(x.shape[1]), "test_rows": int(xt.shape[0]), "rounds": args.rounds, "trees": trees,
            "threads": args.threads, "fits": fits, "build_seconds_median": med("build_seconds"),
            "train_seconds_median": med("train_seconds"), "seconds_median": med("seconds"),
            "predict_seconds": predicts, "predict_seconds_median": float(np.median(predicts)),
            "predict_rows_per_second": x.shape[0] / float(np.median(predicts)),
            "train_metrics": train_metrics, "test_metrics": test_metrics, "blas": blas_info()}


def task_split(args):
    """One seeded stratified train/test split written as files both sides read:
    --npy X.npy → PREFIX-train.npy / PREFIX-test.npy (+ .rows.csv, .columns.tsv;
    unlabelled rows dropped), or --csv F --label C → PREFIX-train.csv / PREFIX-test.csv
    with the original header and cells."""
    need(args, "prefix")
    if args.npy:
        x = load_matrix(args.npy)
        names, log1p = load_columns(sidecar(args.npy, ".columns.tsv"), x.shape[1])
        ids, labels = read_rows(sidecar(args.npy, ".rows.csv"))
        if len(ids) != x.shape[0]:
            raise SystemExit(f"{args.npy}: {x.shape[0]} rows, rows.csv has {len(ids)}")
        labelled = np.flatnonzero(np.array([l != "" for l in labels], dtype=bool))
        train, test = stratified_split([labels[i] for i in labelled], args.test_fraction, args.seed)
        transforms = ["log1p" if t else "none" for t in log1p]
        out = {}
        for part, idx in (("train", labelled[train]), ("test", labelled[test])):
            path = f"{args.prefix}-{part}.npy"
            write_matrix(path, x[idx], names, transforms, (ids[i] for i in idx), (labels[i] for i in idx))
            out[part] = {"path": path, "rows": int(idx.size),
                         "classes": {c: int(sum(labels[i] == c for i in idx)) for c in sorted(set(labels[i] for i in labelled))}}
        return {"task": "split", "source": args.npy, "seed": args.seed, "test_fraction": args.test_fraction,
                "dropped_unlabelled_rows": int(len(labels) - labelled.size), **out}
    need(args, "csv", "label")
    header, rows = read_table(args.csv)
    if args.label not in header:
        raise SystemExit(f"{args.csv}: no column {args.label!r}")
    j = header.index(args.label)
    labels = [r[j].strip() for r in rows]
    train, test = stratified_split(labels, args.test_fraction, args.seed)
    out = {}
    for part, idx in (("train", train), ("test", test)):
        path = f"{args.prefix}-{part}.csv"
        write_table(path, header, [rows[i] for i in idx])
        out[part] = {"path": path, "rows": int(idx.size),
                     "classes": {c: int(sum(labels[i] == c for i in idx)) for c in sorted(set(labels))}}
    return {"task": "split", "source": args.csv, "label": args.label, "seed": args.seed,
            "test_fraction": args.test_fraction, **out}


def task_folds(args):
    """Seeded stratified k folds of a CSV table: PREFIX-f<k>-{train,test}.csv with
    the original cells, and PREFIX-f<k>-{train,test}.onehot.csv where each
    categorical column (levels from the whole file) becomes 0/1 columns."""
    need(args, "csv", "label", "prefix")
    header, rows = read_table(args.csv)
    if args.label not in header:
        raise SystemExit(f"{args.csv}: no column {args.label!r}")
    j = header.index(args.label)
    labels = [r[j].strip() for r in rows]
    kinds = column_kinds(header, rows, args.label)
    hot_header, hot_rows = one_hot_table(header, rows, args.label, kinds)
    fold = stratified_folds(labels, args.folds, args.seed)
    folds = []
    for k in range(args.folds):
        entry = {"fold": k + 1}
        for part, idx in (("train", np.flatnonzero(fold != k)), ("test", np.flatnonzero(fold == k))):
            entry[part] = f"{args.prefix}-f{k + 1}-{part}.csv"
            entry[part + "_onehot"] = f"{args.prefix}-f{k + 1}-{part}.onehot.csv"
            write_table(entry[part], header, [rows[i] for i in idx])
            write_table(entry[part + "_onehot"], hot_header, [hot_rows[i] for i in idx])
            entry[part + "_rows"] = int(idx.size)
            entry[part + "_classes"] = {c: int(sum(labels[i] == c for i in idx)) for c in sorted(set(labels))}
        folds.append(entry)
    return {"task": "folds", "source": args.csv, "label": args.label, "seed": args.seed, "k": args.folds,
            "rows": len(rows), "kinds": {n: k[0] for n, k in kinds.items()},
            "categorical_levels": {n: k[1] for n, k in kinds.items() if k[0] == "cat"},
            "onehot_header": hot_header, "folds": folds}


def _class_index(labels, classes):
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted(set(labels) - set(classes))
    if unknown:
        raise SystemExit(f"classes {unknown} absent from the training part")
    return np.array([index[l] for l in labels], dtype=np.int64)


def load_part(args, train_path, test_path):
    """Train and test parts, npy (with rows.csv) or CSV tables with --label →
    (x, y, xt, yt, classes, categorical column indices, feature names)."""
    if train_path.endswith(".npy"):
        x, xt = load_matrix(train_path), load_matrix(test_path)
        _, labels = read_rows(sidecar(train_path, ".rows.csv"))
        _, labels_t = read_rows(sidecar(test_path, ".rows.csv"))
        names, _ = load_columns(sidecar(train_path, ".columns.tsv"), x.shape[1])
        categorical = []
    else:
        need(args, "label")
        header, rows = read_table(train_path)
        header_t, rows_t = read_table(test_path)
        if header_t != header:
            raise SystemExit(f"{test_path}: header differs from {train_path}")
        kinds = column_kinds(header, rows, args.label)  # levels from the training part, as ours
        x, names, categorical, labels = encode_table(header, rows, args.label, kinds)
        xt, _, _, labels_t = encode_table(header, rows_t, args.label, kinds)
    classes = sorted(set(labels))
    return x, _class_index(labels, classes), xt, _class_index(labels_t, classes), classes, categorical, names


def fit_lightgbm(args, x, y, xt, classes, categorical):
    import lightgbm as lgb
    params = lightgbm_params(args, len(classes))
    t0 = time.perf_counter()
    data = lgb.Dataset(x, label=y, params=params, categorical_feature=categorical or "auto")
    model = lgb.train(params, data, num_boost_round=args.rounds)
    seconds = time.perf_counter() - t0
    proba = as_two_columns(model.predict(xt, num_threads=args.threads))
    return proba, {"version": lgb.__version__, "params": params, "categorical_feature": categorical,
                   "fit_seconds": seconds, "trees": model.num_trees()}


def task_gbdt_eval(args):
    """LightGBM trained on --train (npy or CSV table with --label), scored on --test."""
    need(args, "train", "test")
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=args.threads):
        x, y, xt, yt, classes, categorical, names = load_part(args, args.train, args.test)
        proba, info = fit_lightgbm(args, x, y, xt, classes, categorical)
    return {"task": "gbdt-eval", "library": "lightgbm", "train": args.train, "test": args.test,
            "train_rows": int(x.shape[0]), "test_rows": int(xt.shape[0]), "features": names,
            "categorical_features": [names[i] for i in categorical], **info,
            "metrics": classification_metrics(yt, proba, classes, args.positive)}


def fit_sklearn_logistic(args, x, y, xt):
    """Standardise with the training part's mean and population std (scale 1 where
    the std is 0), then lbfgs with C = 1/(λ·n): the objective VisitIntent minimises."""
    import sklearn
    from sklearn.linear_model import LogisticRegression
    x = x.astype(np.float64)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    scale = np.where(std > 1e-12, std, 1.0)
    t0 = time.perf_counter()
    model = LogisticRegression(C=1.0 / (args.l2 * x.shape[0]), solver="lbfgs", tol=args.tol, max_iter=args.max_iter)
    model.fit((x - mean) / scale, y)
    seconds = time.perf_counter() - t0
    proba = model.predict_proba((xt.astype(np.float64) - mean) / scale)
    return proba, {"version": sklearn.__version__, "l2": args.l2, "C": 1.0 / (args.l2 * x.shape[0]),
                   "fit_seconds": seconds, "n_iter": int(np.max(model.n_iter_))}


def task_uci_cv(args):
    """Per fold written by `folds` (same --prefix and --folds): LightGBM on the
    original table (categorical columns as codes), scikit-learn LogisticRegression
    on the one-hot table (standardised)."""
    need(args, "prefix", "label")
    from threadpoolctl import threadpool_limits
    out = {"task": "uci-cv", "prefix": args.prefix, "k": args.folds, "lightgbm": [], "sklearn_logistic": []}
    errors = {}
    with threadpool_limits(limits=args.threads):
        for k in range(1, args.folds + 1):
            base = f"{args.prefix}-f{k}"
            for model, train, test in (("lightgbm", base + "-train.csv", base + "-test.csv"),
                                       ("sklearn_logistic", base + "-train.onehot.csv", base + "-test.onehot.csv")):
                if model in errors:
                    continue
                try:
                    x, y, xt, yt, classes, categorical, names = load_part(args, train, test)
                    if model == "lightgbm":
                        proba, info = fit_lightgbm(args, x, y, xt, classes, categorical)
                        info["categorical_features"] = [names[i] for i in categorical]
                    else:
                        proba, info = fit_sklearn_logistic(args, x, y, xt)
                    info["metrics"] = classification_metrics(yt, proba, classes, args.positive)
                    info["fold"] = k
                    out[model].append(info)
                except Exception as exc:  # one library failing must not lose the other
                    errors[model] = f"{type(exc).__name__}: {exc}"
    out["errors"] = errors
    return out


def task_metrics(args):
    """Metrics of `intent score` CSVs: --scores S.csv --truth T.csv pairs (repeat
    both, in order); the truth's --label column (default intent, as in X.rows.csv)."""
    need(args, "scores", "truth")
    if len(args.scores) != len(args.truth):
        raise SystemExit("give one --truth per --scores")
    results = []
    for scores, truth in zip(args.scores, args.truth):
        try:
            m = metrics_of_scores(scores, truth, args.label or "intent", args.positive)
        except (SystemExit, OSError, ValueError) as exc:
            m = {"error": str(exc)}
        m["scores"], m["truth"] = scores, truth
        results.append(m)
    return {"task": "metrics", "results": results}


# A later benchmark adds one function and one entry.
TASKS = {
    "versions": task_versions,
    "logistic": task_logistic,
    "gbdt-data": task_gbdt_data,
    "gbdt-speed": task_gbdt_speed,
    "split": task_split,
    "folds": task_folds,
    "gbdt-eval": task_gbdt_eval,
    "uci-cv": task_uci_cv,
    "metrics": task_metrics,
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
    gb = ap.add_argument_group("gradient-boosted trees, splits and metrics")
    gb.add_argument("--library", choices=("lightgbm", "xgboost", "sklearn"), help="gbdt-speed: the peer to time")
    gb.add_argument("--test-npy", help="gbdt-speed: held-out matrix (rows.csv beside it)")
    gb.add_argument("--size", type=int, help="gbdt-data: rows to generate (written to --npy)")
    gb.add_argument("--seed", type=int, default=1, help="data, split and fold seed; the libraries' seed")
    gb.add_argument("--rounds", type=int, default=100)
    gb.add_argument("--learning-rate", type=float, default=0.1)
    gb.add_argument("--num-leaves", type=int, default=31)
    gb.add_argument("--max-bin", type=int, default=255, help="LightGBM/HistGradientBoosting bins (XGBoost: +1)")
    gb.add_argument("--min-data-in-leaf", type=int, default=20)
    gb.add_argument("--min-sum-hessian", type=float, default=1e-3)
    gb.add_argument("--lambda-l2", type=float, default=0.0)
    gb.add_argument("--threads", type=int, default=2)
    gb.add_argument("--csv", help="split/folds: a CSV table")
    gb.add_argument("--label", help="the table's label column (metrics: the truth column, default intent)")
    gb.add_argument("--prefix", help="split/folds/uci-cv: path prefix of the part files")
    gb.add_argument("--test-fraction", type=float, default=0.2)
    gb.add_argument("--folds", type=int, default=5)
    gb.add_argument("--train", help="gbdt-eval: training part (.npy or .csv)")
    gb.add_argument("--test", help="gbdt-eval: test part (.npy or .csv)")
    gb.add_argument("--positive", help="binary metrics: the positive class (default: last by name)")
    gb.add_argument("--scores", action="append", help="metrics: an `intent score` CSV (repeatable)")
    gb.add_argument("--truth", action="append", help="metrics: its truth, rows.csv or table (repeatable)")
    args = ap.parse_args(argv)
    if args.task == "logistic" and not args.npy:
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
