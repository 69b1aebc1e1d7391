#!/usr/bin/env python3
"""VisitIntent benchmarks against scikit-learn, LightGBM and XGBoost.

    python3 bench/run.py --intent /abs/path/.build/static/release/intent [--only NAME[,NAME]]
                         [--sizes N[,N]] [--quick] [--keep] [--repeats R] [--no-peers]

This harness uses only the standard library. Peer libraries live in
bench/.venv (created and pip-installed on first use) and run through
bench/peers.py as a subprocess with that venv's python. Work files go to
bench/out/ (gitignored); every number ends up in bench/out/results.json and a
plain-text table is printed at the end. A failing command or peer never stops
the run: its cells read "n/a (reason)".

Benchmarks (BENCHMARKS below; a new one is one function and one entry):
  features   `intent features` on about one million events: median wall time,
             events/s, peak RSS.
  logistic   `intent train --model logistic` vs scikit-learn LogisticRegression
             (lbfgs) on 100k and 1M sessions: fit time, objective, and scoring
             throughput from a feature matrix.
  gbdt-speed `intent train --model gbdt --matrix` vs LightGBM, XGBoost and
             scikit-learn HistGradientBoosting on a synthetic binary matrix of
             1M rows × 64 float32 columns (--quick: 100k; --sizes sets rows):
             100 rounds, 31 leaves, 255 bins, 2 threads. Fit time with and
             without binning (notes: ours/LightGBM, the issue's goal ≤ 1),
             prediction throughput on the training matrix, AUC / log loss on a
             separate seeded test matrix (a fifth of the rows). Repeats default
             to 1 with --quick. LightGBM fits once after each of ours, so a
             shared machine's load falls on both alike.
  gbdt-accuracy  gbdt vs LightGBM (300 rounds, learning rate 0.05, 31 leaves)
             on one seeded stratified 80/20 split of (a) 50,000 generated clinic
             sessions (3 classes, macro one-vs-rest AUC; --quick: 20,000) and
             (b) UCI Online Shoppers (../shared/datasets; Revenue): AUC, log loss,
             accuracy and ours − LightGBM (the issue's goal: |Δ| ≤ 0.005).
  uci-cv     5-fold stratified cross-validation on UCI Online Shoppers: ours
             gbdt and logistic, LightGBM, scikit-learn LogisticRegression;
             accuracy, ROC AUC, PR AUC, F1 of TRUE as mean ± std over folds.
  scoring    batch scoring end to end (read → sessionize → features → score →
             write CSV): `intent score --events` with a logistic and a gbdt
             model (trained once on 20,000 generated sessions) on 200,000 and
             1,750,000 generated sessions (≈ 1.1M and 10M events; --quick: the
             small one): events/s and sessions/s from the wall time, peak RSS
             of the scoring process, and the issue's goals (≥ 1M events/s for
             the logistic model on 2 cores; peak RSS < 1 GiB at 10M events).
             Repeats default to 3 below a million sessions and 1 above. Also:
             the cost of --reasons 3 --playbook on a 2,000-session set, and
             `intent features` on the small size for context (the same read,
             sessionize and feature work without a model). No peer. Its rows
             also go to bench/out/scoring.json. It needs about 3.5 GB free.
  service    `intent serve` (on a free loopback port, INTENT_PSEUDONYM_KEY set,
             --playbook clinic-playbook.yaml) under wrk (Debian's package,
             installed with apt-get when missing): POST /v1/score with one
             4-event session on the clinic site for models/clinic-gbdt.json and
             models/clinic-logistic.json, and once with a feature row (gbdt).
             (a) ≈ 2,000 requests/s: wrk has no fixed-rate mode, so each of
             21 connections (1 thread) waits after every answer (a Lua
             delay()) for a time drawn from an exponential distribution of
             mean 10 ms, seeded: independent visitors rather than 21
             connections firing in step; the connections are scaled once
             when the rate falls short. Latency runs from a request's write to its answer, without
             wrk2's coordinated-omission correction. (b) Closed loop, -t1 -c4:
             max throughput. 10 s each after a 2 s warm-up per server; p50/p90/
             p99, requests/s, errors (socket errors, non-2xx/3xx, and non-2xx
             counted by the server's /metrics) and the issue's goal (p99 < 2 ms
             at 2,000 requests/s, zero errors). wrk and the server share the
             machine's cores; each row notes the share of CPU time the
             hypervisor took from the machine during its run (steal in
             /proc/stat), which moves the tail most on a shared host, and the
             server's executor (its tasks on NIO's event loops, or not). The
             server is stopped with SIGTERM (SIGKILL after
             5 s). No peer. Its rows also go to bench/out/service.json.

In time rows the ratio column is peer time / our time: above 1 means
VisitIntent is faster. In quality rows it is the difference ours − peer.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
LOGS = os.path.join(OUT, "logs")
VENV = os.path.join(BENCH, ".venv")
PEERS_SCRIPT = os.path.join(BENCH, "peers.py")
RESULTS = os.path.join(OUT, "results.json")

# pip name → import name
PEER_PACKAGES = {"numpy": "numpy", "scikit-learn": "sklearn", "lightgbm": "lightgbm", "xgboost": "xgboost"}
# Set on some processors for Debian's older OpenBLAS; they slow the OpenBLAS
# bundled with current numpy, so they are unset (together) for peer commands only.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

GENERATE_LINE = re.compile(r"generated (\d+) sessions of (\d+) visitors, (\d+) events")
EVENTS_PER_SESSION = 5.6
TARGET_EVENTS = 1_000_000
QUICK_SESSIONS = 20_000
TIME_BIN = "/usr/bin/time"


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------- commands

class Failed(Exception):
    """A step that could not produce its number; str() is the short reason."""


class Result:
    def __init__(self, rc, stdout, stderr, wall, maxrss_kb):
        self.rc, self.stdout, self.stderr, self.wall, self.maxrss_kb = rc, stdout, stderr, wall, maxrss_kb


def _short_reason(text, rc):
    lines = [l.strip() for l in (text or "").splitlines() if l.strip()]
    # Prefer a line that looks like an error message over trailing noise.
    for line in reversed(lines):
        if re.search(r"error|unknown|unexpected|missing|invalid|not |cannot|no such", line, re.I):
            return _clip(line)
    return _clip(lines[-1]) if lines else f"exit status {rc}"


def _clip(s, width=90):
    return s if len(s) <= width else s[:width - 1] + "…"


_time_ok = None


def _gnu_time_available():
    global _time_ok
    if _time_ok is None:
        _time_ok = False
        if os.access(TIME_BIN, os.X_OK):
            try:
                probe = os.path.join(LOGS, "time-probe.txt")
                r = subprocess.run([TIME_BIN, "-v", "-o", probe, "true"], capture_output=True, timeout=30)
                with open(probe) as fh:
                    _time_ok = r.returncode == 0 and "Maximum resident set size" in fh.read()
            except (OSError, subprocess.SubprocessError):
                _time_ok = False
    return _time_ok


def run(cmd, label, *, measure_rss=False, env=None, check=True):
    """Runs cmd with stdout/stderr in bench/out/logs/<label>.{out,err}.
    Wall time by perf_counter; with measure_rss the peak RSS of that one process
    comes from `/usr/bin/time -v` when present, else from os.wait4's rusage for
    the child (the per-child form of getrusage(RUSAGE_CHILDREN))."""
    os.makedirs(LOGS, exist_ok=True)
    out_path = os.path.join(LOGS, label + ".out")
    err_path = os.path.join(LOGS, label + ".err")
    time_path = os.path.join(LOGS, label + ".time")
    use_time = measure_rss and _gnu_time_available()
    full = [TIME_BIN, "-v", "-o", time_path] + cmd if use_time else cmd
    maxrss = None
    try:
        with open(out_path, "w") as out, open(err_path, "w") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
            if measure_rss and not use_time:
                _, status, usage = os.wait4(proc.pid, 0)
                rc = os.waitstatus_to_exitcode(status)
                proc.returncode = rc
                maxrss = usage.ru_maxrss  # kilobytes on Linux
            else:
                rc = proc.wait()
            wall = time.perf_counter() - t0
    except OSError as exc:
        raise Failed(f"cannot run {os.path.basename(cmd[0])}: {exc.strerror or exc}")
    with open(out_path, errors="replace") as fh:
        stdout = fh.read()
    with open(err_path, errors="replace") as fh:
        stderr = fh.read()
    if use_time:
        try:
            with open(time_path) as fh:
                m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", fh.read())
            maxrss = int(m.group(1)) if m else None
        except OSError:
            maxrss = None
    if check and rc != 0:
        raise Failed(_short_reason(stderr or stdout, rc))
    return Result(rc, stdout, stderr, wall, maxrss)


def read_json(path, keys=()):
    try:
        with open(path) as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        raise Failed(f"no summary {os.path.basename(path)}: {exc.__class__.__name__}")
    missing = [k for k in keys if k not in doc]
    if missing:
        raise Failed(f"{os.path.basename(path)} lacks {', '.join(missing)}")
    return doc


def median(values):
    return statistics.median(values) if values else None


# ---------------------------------------------------------------------- peers

class Peers:
    """bench/.venv with the peer libraries, set up at first use."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.python = os.path.join(VENV, "bin", "python")
        self.ready = False
        self.error = None if enabled else "--no-peers"
        self.status = {}     # pip name → "ok" or the reason it is unusable
        self.versions = {}
        self.env = dict(os.environ)
        self.unset = [v for v in OPENBLAS_OVERRIDES if v in self.env]
        for var in OPENBLAS_OVERRIDES:
            self.env.pop(var, None)

    def _imports(self):
        probe = ("import json, sys\nres = {}\nfor m in sys.argv[1:]:\n"
                 "    try:\n        __import__(m); res[m] = 'ok'\n"
                 "    except Exception as e:\n        res[m] = f'{type(e).__name__}: {e}'\n"
                 "print(json.dumps(res))\n")
        r = subprocess.run([self.python, "-c", probe, *PEER_PACKAGES.values()],
                           capture_output=True, text=True, env=self.env)
        if r.returncode != 0:
            raise Failed(_short_reason(r.stderr, r.returncode))
        found = json.loads(r.stdout.strip().splitlines()[-1])
        return {pip: found.get(mod, "not checked") for pip, mod in PEER_PACKAGES.items()}

    def _pip(self, packages):
        return subprocess.run([self.python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               *packages], capture_output=True, text=True, env=self.env)

    def ensure(self):
        if self.ready or self.error:
            return
        try:
            if not os.path.exists(self.python):
                r = subprocess.run([sys.executable, "-m", "venv", VENV], capture_output=True, text=True)
                if r.returncode != 0:
                    raise Failed("python3 -m venv failed: " + _short_reason(r.stderr, r.returncode))
            status = self._imports()
            missing = [p for p, s in status.items() if s != "ok"]
            if missing:
                print(f"bench: installing {' '.join(missing)} into bench/.venv (pip, quiet)", flush=True)
                r = self._pip(missing)
                if r.returncode != 0 and len(missing) > 1:  # one bad package must not block the others
                    for pkg in missing:
                        one = self._pip([pkg])
                        if one.returncode != 0:
                            status[pkg] = "pip: " + _short_reason(one.stderr, one.returncode)
                elif r.returncode != 0:
                    status[missing[0]] = "pip: " + _short_reason(r.stderr, r.returncode)
                after = self._imports()
                for pkg in missing:
                    if after[pkg] == "ok" or not status[pkg].startswith("pip: "):
                        status[pkg] = after[pkg]
            self.status = status
            for pkg, s in status.items():
                if s != "ok":
                    print(f"bench: peer {pkg} unavailable: {_clip(s)}", flush=True)
            self.versions = self.task("versions", "peers-versions")
            self.ready = True
        except Failed as exc:
            self.error = str(exc)
            print(f"bench: peers unavailable: {self.error}", flush=True)
        except OSError as exc:
            self.error = f"bench/.venv unusable: {exc}"
            print(f"bench: peers unavailable: {self.error}", flush=True)

    def check(self, *packages):
        """Raises Failed with the reason when a peer package cannot be used."""
        self.ensure()
        if self.error:
            raise Failed(self.error)
        for pkg in packages:
            if self.status.get(pkg) != "ok":
                raise Failed(f"{pkg} not installed ({_clip(self.status.get(pkg, 'unknown'), 60)})")

    def task(self, name, label, *options):
        out = os.path.join(OUT, label + ".json")
        if os.path.exists(out):
            os.remove(out)
        run([self.python, PEERS_SCRIPT, name, "--out", out, *options], label, env=self.env)
        return read_json(out)


# ----------------------------------------------------------------- formatting

def fmt_seconds(s):
    if s is None:
        return "n/a"
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def fmt_rate(r, unit):
    if r is None:
        return "n/a"
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if r >= scale:
            return f"{r / scale:.2f} {suffix}{unit}/s"
    return f"{r:.1f} {unit.strip()}/s"


def fmt_ratio(x):
    return "n/a" if x is None else f"{x:.2f}×"


def fmt_count(n):
    return f"{n:,}"


def na(reason):
    return f"n/a ({_clip(str(reason), 70)})"


def row(benchmark, size, ours, peer, ratio, notes, data=None):
    return {"benchmark": benchmark, "size": size, "ours": ours, "peer": peer, "ratio": ratio,
            "notes": notes, "data": data or {}}


def print_table(rows):
    headers = ["benchmark", "size", "ours", "peer", "ratio", "notes"]
    cells = [headers] + [[str(r[h]) for h in headers] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(headers) - 1)]
    lines = []
    for i, c in enumerate(cells):
        lines.append("  ".join(c[j].ljust(widths[j]) for j in range(len(widths))) + "  " + c[-1])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    print("\n".join(line.rstrip() for line in lines))


# ------------------------------------------------------------------ contexts

class Context:
    def __init__(self, args, intent, peers):
        self.args, self.intent, self.peers = args, intent, peers
        self.repeats = args.repeats if args.repeats is not None else 3

    def timing_repeats(self, quick):
        """--repeats when given, else `quick` under --quick and 3 otherwise."""
        if self.args.repeats is not None:
            return self.args.repeats
        return quick if self.args.quick else 3

    def sizes(self, default, quick):
        if self.args.sizes:
            return self.args.sizes
        return list(quick) if self.args.quick else list(default)

    def generate(self, sessions, seed, name):
        """Generates into bench/out/<name>; reused when --keep left the same run there."""
        out = os.path.join(OUT, name)
        stamp = os.path.join(out, "generate.txt")
        events = os.path.join(out, "events.jsonl")
        if os.path.exists(stamp) and os.path.exists(events):
            with open(stamp) as fh:
                text = fh.read()
            if f"seed={seed}\n" in text:
                info = self._parse_generate(text)
                if info["sessions"] == sessions:
                    log(f"reusing {name} ({fmt_count(info['events'])} events)")
                    return info
        if os.path.isdir(out):
            shutil.rmtree(out)
        log(f"generating {fmt_count(sessions)} sessions (seed {seed}) into bench/out/{name}")
        r = run([self.intent, "generate", "--sessions", str(sessions), "--seed", str(seed), "--out", out,
                 "--quiet"], f"{name}.generate")
        info = self._parse_generate(r.stdout + "\n" + r.stderr)
        info["seconds"] = r.wall
        with open(stamp, "w") as fh:
            fh.write(f"seed={seed}\n{r.stdout}")
        return info

    @staticmethod
    def _parse_generate(text):
        m = GENERATE_LINE.search(text)
        if not m:
            raise Failed("generate printed no 'generated S sessions of V visitors, E events' line")
        return {"sessions": int(m.group(1)), "visitors": int(m.group(2)), "events": int(m.group(3))}

    def paths(self, name):
        out = os.path.join(OUT, name)
        return (os.path.join(out, "events.jsonl"), os.path.join(out, "labels.csv"),
                os.path.join(out, "taxonomy.yaml"))

    def cleanup(self, *paths):
        """Removes generated data unless --keep."""
        if self.args.keep:
            return
        for p in paths:
            if os.path.isdir(p):
                shutil.rmtree(p, ignore_errors=True)
            elif os.path.exists(p):
                os.remove(p)


def npy_sidecars(npy):
    base = npy[:-4]
    return [npy, base + ".columns.tsv", base + ".rows.csv"]


# ---------------------------------------------------------------- benchmarks

def bench_features(ctx):
    """`intent features` on about a million events → .npy; no peer."""
    rows = []
    if ctx.args.sizes or ctx.args.quick:
        plan = ctx.sizes([], [QUICK_SESSIONS])
    else:
        plan = [None]  # calibrate to TARGET_EVENTS
    for sessions in plan:
        gen_dirs = []
        size = "?"
        try:
            if sessions is None:
                sessions = int(round(TARGET_EVENTS / EVENTS_PER_SESSION / 1000.0)) * 1000
                info = ctx.generate(sessions, 7, f"gen-{sessions}")
                gen_dirs.append(os.path.join(OUT, f"gen-{sessions}"))
                if abs(info["events"] - TARGET_EVENTS) > 0.05 * TARGET_EVENTS:
                    sessions = int(round(sessions * TARGET_EVENTS / info["events"] / 1000.0)) * 1000
                    info = ctx.generate(sessions, 7, f"gen-{sessions}")
                    gen_dirs.append(os.path.join(OUT, f"gen-{sessions}"))
            else:
                info = ctx.generate(sessions, 7, f"gen-{sessions}")
                gen_dirs.append(os.path.join(OUT, f"gen-{sessions}"))
            size = f"{fmt_count(info['events'])} events"
            events, _, taxonomy = ctx.paths(f"gen-{sessions}")
            out = os.path.join(OUT, "features.npy")
            walls, rss = [], []
            for i in range(ctx.repeats):
                log(f"features: run {i + 1}/{ctx.repeats} on {size}")
                r = run([ctx.intent, "features", "--events", events, "--taxonomy", taxonomy, "--out", out,
                         "--quiet"], f"features-{sessions}-{i + 1}", measure_rss=True)
                walls.append(r.wall)
                if r.maxrss_kb is not None:
                    rss.append(r.maxrss_kb / 1024.0)
            wall = median(walls)
            peak = max(rss) if rss else None
            rate = info["events"] / wall
            notes = f"{fmt_rate(rate, ' events')}; {fmt_rate(info['sessions'] / wall, ' sessions')}"
            notes += f"; peak RSS {peak:.0f} MB" if peak is not None else "; peak RSS n/a"
            rows.append(row("features", size, fmt_seconds(wall), "—", "—", notes, {
                "sessions": info["sessions"], "events": info["events"], "visitors": info["visitors"],
                "wall_seconds": walls, "wall_seconds_median": wall, "events_per_second": rate,
                "peak_rss_mb": peak, "peak_rss_mb_runs": rss,
                "rss_source": "/usr/bin/time -v" if _gnu_time_available() else "wait4 rusage"}))
        except Failed as exc:
            rows.append(row("features", size, na(exc), "—", "—", "", {"error": str(exc)}))
        finally:
            ctx.cleanup(*gen_dirs, *npy_sidecars(os.path.join(OUT, "features.npy")))
    return rows


LOGISTIC_L2 = 0.001


def bench_logistic(ctx):
    """Multinomial logistic regression: `intent train` vs scikit-learn lbfgs,
    then scoring throughput from the feature matrix."""
    rows = []
    for sessions in ctx.sizes([100_000, 1_000_000], [QUICK_SESSIONS]):
        name = f"lr-gen-{sessions}"
        npy = os.path.join(OUT, f"lr-{sessions}.npy")
        model = os.path.join(OUT, f"lr-{sessions}.json")
        size = f"{fmt_count(sessions)} sessions"
        fit = {"ours": None, "peer": None}
        score = {"ours": None, "peer": None}
        try:
            info = ctx.generate(sessions, 11, name)
            events, labels, taxonomy = ctx.paths(name)
        except Failed as exc:
            rows.append(row("logistic-fit", size, na(exc), na("no data"), "n/a", ""))
            rows.append(row("logistic-score", size, na("no data"), na("no data"), "n/a", ""))
            ctx.cleanup(os.path.join(OUT, name))
            continue

        # 1. The feature matrix both sides' scoring (and the peer's fit) read.
        features_error = None
        try:
            log(f"logistic {size}: features → {os.path.basename(npy)}")
            r = run([ctx.intent, "features", "--events", events, "--labels", labels, "--taxonomy", taxonomy,
                     "--out", npy, "--quiet"], f"lr-{sessions}-features")
            for p in npy_sidecars(npy):
                if not os.path.exists(p):
                    raise Failed(f"features wrote no {os.path.basename(p)}")
            features_seconds = r.wall
        except Failed as exc:
            features_error, features_seconds = str(exc), None

        # 2. Ours: train, repeats times; fit_seconds from the summary.
        ours = {}
        try:
            summaries, walls = [], []
            for i in range(ctx.repeats):
                log(f"logistic {size}: intent train {i + 1}/{ctx.repeats}")
                summary = os.path.join(OUT, f"lr-{sessions}.summary.json")
                if os.path.exists(summary):
                    os.remove(summary)
                r = run([ctx.intent, "train", "--events", events, "--labels", labels, "--taxonomy", taxonomy,
                         "--model", "logistic", "--l2", str(LOGISTIC_L2), "--validation-split", "0",
                         "--seed", "1", "--out", model, "--summary-json", summary, "--quiet"],
                        f"lr-{sessions}-train-{i + 1}")
                summaries.append(read_json(summary, ("fit_seconds", "objective")))
                walls.append(r.wall)
            fits = [float(s["fit_seconds"]) for s in summaries]
            last = summaries[-1]
            ours = {"fit_seconds": fits, "fit_seconds_median": median(fits), "objective": float(last["objective"]),
                    "objectives": [float(s["objective"]) for s in summaries],
                    "iterations": last.get("iterations"), "stop_reason": last.get("stop_reason"),
                    "sessions": last.get("sessions"), "features": last.get("features"),
                    "classes": last.get("classes"), "train_wall_seconds": walls}
            fit["ours"] = ours["fit_seconds_median"]
        except Failed as exc:
            ours = {"error": str(exc)}

        # 3. Peer: scikit-learn on the same matrix (transform + standardise + fit timed).
        peer = {}
        try:
            if features_error:
                raise Failed(f"no matrix: {features_error}")
            ctx.peers.check("numpy", "scikit-learn")
            log(f"logistic {size}: scikit-learn fit ×{ctx.repeats} (peers.py)")
            peer = ctx.peers.task("logistic", f"lr-{sessions}.sklearn", "--npy", npy, "--l2", str(LOGISTIC_L2),
                                  "--tol", "1e-6", "--max-iter", "1000", "--repeats", str(ctx.repeats),
                                  "--dtype", ctx.args.peer_dtype)
            fit["peer"] = peer["seconds_median"]
            score["peer"] = peer["predict_rows_per_second"]
        except (Failed, KeyError) as exc:
            peer = {"error": str(exc) if isinstance(exc, Failed) else f"peer result lacks {exc}"}

        # 4. Ours: scoring throughput from the matrix.
        scoring = {}
        try:
            if features_error:
                raise Failed(f"no matrix: {features_error}")
            if "error" in ours:
                raise Failed("no model")
            secs, nrows = [], None
            for i in range(ctx.repeats):
                log(f"logistic {size}: intent score {i + 1}/{ctx.repeats}")
                summary = os.path.join(OUT, f"lr-{sessions}.score.json")
                if os.path.exists(summary):
                    os.remove(summary)
                run([ctx.intent, "score", "--model", model, "--features", npy, "--out", os.devnull, "--quiet",
                     "--summary-json", summary], f"lr-{sessions}-score-{i + 1}")
                s = read_json(summary, ("score_seconds", "rows"))
                secs.append(float(s["score_seconds"]))
                nrows = int(s["rows"])
            rate = nrows / median(secs) if median(secs) > 0 else None
            scoring = {"score_seconds": secs, "score_seconds_median": median(secs), "rows": nrows,
                       "rows_per_second": rate}
            score["ours"] = rate
        except Failed as exc:
            scoring = {"error": str(exc)}

        # Rows of the table.
        data = {"sessions": info["sessions"], "events": info["events"], "l2": LOGISTIC_L2,
                "features_seconds": features_seconds, "features_error": features_error,
                "ours": ours, "sklearn": peer, "ours_score": scoring}
        fit_ratio = fit["peer"] / fit["ours"] if fit["peer"] and fit["ours"] else None
        notes = []
        if "objective" in ours and "objective" in peer:
            diff = ours["objective"] - peer["objective"]
            data["objective_diff_ours_minus_sklearn"] = diff
            notes.append(f"Δf ours−sklearn {diff:+.2e}")
        if ours.get("iterations") is not None or peer.get("n_iter") is not None:
            notes.append(f"iters {ours.get('iterations', 'n/a')}/{peer.get('n_iter', 'n/a')}")
        if "dtype" in peer:
            notes.append(f"sklearn {peer.get('sklearn')} lbfgs tol 1e-6 {peer['dtype']}")
        rows.append(row("logistic-fit", size,
                        fmt_seconds(fit["ours"]) if fit["ours"] is not None else na(ours.get("error")),
                        fmt_seconds(fit["peer"]) if fit["peer"] is not None else na(peer.get("error")),
                        fmt_ratio(fit_ratio), "; ".join(notes), dict(data, speedup=fit_ratio)))
        score_ratio = score["ours"] / score["peer"] if score["ours"] and score["peer"] else None
        # The peer's rate with its preprocessing (log1p + standardise) added, for context:
        # `intent score --features` starts from the raw matrix.
        with_prep = None
        if score["peer"] and peer.get("fits"):
            prep = median([f["preprocess_seconds"] for f in peer["fits"]])
            with_prep = peer["rows"] / (prep + peer["predict_proba_seconds_median"])
        score_notes = "sklearn: predict_proba on the standardised matrix"
        if with_prep:
            score_notes += f" ({fmt_rate(with_prep, ' rows')} with log1p+standardise)"
        rows.append(row("logistic-score", size,
                        fmt_rate(score["ours"], " rows") if score["ours"] else na(scoring.get("error")),
                        fmt_rate(score["peer"], " rows") if score["peer"] else na(peer.get("error")),
                        fmt_ratio(score_ratio), score_notes,
                        {"speedup": score_ratio, "ours_rows_per_second": score["ours"],
                         "sklearn_rows_per_second": score["peer"],
                         "sklearn_rows_per_second_with_preprocessing": with_prep,
                         "ours_score": scoring}))
        ctx.cleanup(os.path.join(OUT, name), *npy_sidecars(npy))
    return rows


# ------------------------------------------------- gradient-boosted trees

# The same options on both sides; peers.py maps them onto each library's names.
GBDT_SPEED_PARAMS = {"rounds": 100, "learning_rate": 0.1, "num_leaves": 31, "max_bin": 255,
                     "min_data_in_leaf": 20, "min_sum_hessian": 0.001, "lambda_l2": 0.0, "threads": 2}
GBDT_ACCURACY_PARAMS = dict(GBDT_SPEED_PARAMS, rounds=300, learning_rate=0.05)
GBDT_SPEED_ROWS = 1_000_000
GBDT_SPEED_QUICK_ROWS = 100_000
# (peers.py --library, name in the table, pip package)
GBDT_PEERS = (("lightgbm", "LightGBM", "lightgbm"), ("xgboost", "XGBoost", "xgboost"),
              ("sklearn", "HistGradientBoosting", "scikit-learn"))
ACCURACY_SESSIONS = 50_000
ACCURACY_GENERATE_SEED = 23
SPLIT_SEED = 23
GOAL_DELTA = 0.005  # the issue's goal: |AUC and log loss of ours − LightGBM| ≤ 0.005
UCI_DIR = os.path.normpath(os.path.join(ROOT, "..", "shared", "datasets", "online-shoppers"))
UCI_CSV = os.path.join(UCI_DIR, "online_shoppers_intention.csv")
UCI_LABEL, UCI_POSITIVE = "Revenue", "TRUE"
UCI_ABSENT = "../shared/datasets absent"
UCI_FOLDS = 5


def gbdt_cli_options(p):
    return ["--rounds", str(p["rounds"]), "--learning-rate", str(p["learning_rate"]),
            "--num-leaves", str(p["num_leaves"]), "--max-bin", str(p["max_bin"]),
            "--min-data-in-leaf", str(p["min_data_in_leaf"]), "--min-sum-hessian-in-leaf", str(p["min_sum_hessian"]),
            "--lambda-l2", str(p["lambda_l2"]), "--threads", str(p["threads"])]


def gbdt_peer_options(p):
    return ["--rounds", str(p["rounds"]), "--learning-rate", str(p["learning_rate"]),
            "--num-leaves", str(p["num_leaves"]), "--max-bin", str(p["max_bin"]),
            "--min-data-in-leaf", str(p["min_data_in_leaf"]), "--min-sum-hessian", str(p["min_sum_hessian"]),
            "--lambda-l2", str(p["lambda_l2"]), "--threads", str(p["threads"])]


def train_ours(ctx, inputs, model_kind, options, model, label, keys=("fit_seconds",)):
    """`intent train` on inputs (--matrix/--table …) without a validation split;
    returns the --summary-json document."""
    summary = os.path.join(OUT, label + ".summary.json")
    if os.path.exists(summary):
        os.remove(summary)
    run([ctx.intent, "train", *inputs, "--model", model_kind, *options, "--validation-split", "0", "--seed", "1",
         "--out", model, "--summary-json", summary, "--quiet"], label)
    return read_json(summary, keys)


def metrics_of(ctx, label, pairs, truth_label=None, positive=None):
    """Metrics of `intent score` CSVs against their truth files, computed by
    peers.py (the code that scores the peers): one dict per (scores, truth) pair."""
    ctx.peers.check("numpy", "scikit-learn")
    options = []
    for scores, truth in pairs:
        options += ["--scores", scores, "--truth", truth]
    if truth_label:
        options += ["--label", truth_label]
    if positive:
        options += ["--positive", positive]
    results = ctx.peers.task("metrics", label, *options).get("results")
    if not isinstance(results, list) or len(results) != len(pairs):
        raise Failed("metrics: unexpected result")
    for m in results:
        if "error" in m:
            raise Failed(m["error"])
    return results


def goal_note(diff):
    return f"goal |Δ| ≤ {GOAL_DELTA}: {'met' if abs(diff) <= GOAL_DELTA else 'not met'}"


def merge_peer_runs(runs):
    """One peers.py gbdt-speed result from several --repeats 1 runs: every fit and
    prediction time, their medians, and the first run's metrics."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[0] if runs else {"error": "not run"}
    merged = dict(ok[0])
    merged["fits"] = [f for r in ok for f in r["fits"]]
    merged["predict_seconds"] = [t for r in ok for t in r["predict_seconds"]]
    for key in ("build_seconds", "train_seconds", "seconds"):
        values = [f[key] for f in merged["fits"] if f.get(key) is not None]
        merged[key + "_median"] = median(values) if values else None
    merged["predict_seconds_median"] = median(merged["predict_seconds"])
    merged["predict_rows_per_second"] = merged["rows"] / merged["predict_seconds_median"]
    merged["interleaved_runs"] = len(ok)
    return merged


def bench_gbdt_speed(ctx):
    """Boosting speed on a synthetic 64-column binary matrix: `intent train --matrix`
    vs LightGBM, XGBoost and HistGradientBoosting (fit with and without binning),
    prediction throughput on the training matrix, and test AUC / log loss."""
    rows = []
    p = GBDT_SPEED_PARAMS
    repeats = ctx.timing_repeats(quick=1)
    for n in ctx.sizes([GBDT_SPEED_ROWS], [GBDT_SPEED_QUICK_ROWS]):
        n_test = max(n // 5, 1000)
        size = f"{fmt_count(n)}×64"
        tag = f"gbdt-{n}"
        train_npy = os.path.join(OUT, f"{tag}-train.npy")
        test_npy = os.path.join(OUT, f"{tag}-test.npy")
        model = os.path.join(OUT, f"{tag}.model.json")
        scores = os.path.join(OUT, f"{tag}-test.scores.csv")
        generated = [*npy_sidecars(train_npy), *npy_sidecars(test_npy), model, scores]
        data = {"rows": n, "test_rows": n_test, "params": p, "repeats": repeats}

        # 1. Data: peers.py writes the seeded matrices (train seed 1, test seed 2).
        try:
            ctx.peers.check("numpy", "scikit-learn")
            log(f"gbdt-speed {size}: synthetic train ({fmt_count(n)}) and test ({fmt_count(n_test)}) matrices")
            data["train_data"] = ctx.peers.task("gbdt-data", f"{tag}.data-train", "--npy", train_npy,
                                                "--size", str(n), "--seed", "1")
            data["test_data"] = ctx.peers.task("gbdt-data", f"{tag}.data-test", "--npy", test_npy,
                                               "--size", str(n_test), "--seed", "2")
        except Failed as exc:
            rows.append(row("gbdt-fit", size, na(f"no data: {exc}"), na("no data"), "n/a",
                            "the synthetic matrix is written by peers.py (numpy)", dict(data, error=str(exc))))
            ctx.cleanup(*generated)
            continue

        # 2. Ours: train `repeats` times; binning is part of fit_seconds. LightGBM, the goal's
        # reference, fits once after each of ours (peers.py --repeats 1), so both sides see the
        # same phases of a shared machine's load; the other peers run afterwards.
        ours, lightgbm_runs = {}, []
        try:
            summaries = []
            for i in range(repeats):
                log(f"gbdt-speed {size}: intent train {i + 1}/{repeats}")
                summaries.append(train_ours(ctx, ["--matrix", train_npy, "--labels", npy_sidecars(train_npy)[2]],
                                            "gbdt", gbdt_cli_options(p), model, f"{tag}-train-{i + 1}",
                                            ("fit_seconds", "binning_seconds", "objective")))
                try:
                    ctx.peers.check("numpy", "scikit-learn", "lightgbm")
                    log(f"gbdt-speed {size}: LightGBM {i + 1}/{repeats} (peers.py, interleaved with ours)")
                    lightgbm_runs.append(ctx.peers.task("gbdt-speed", f"{tag}.lightgbm-{i + 1}", "--library", "lightgbm",
                                                        "--npy", train_npy, "--test-npy", test_npy, "--repeats", "1",
                                                        "--seed", "1", *gbdt_peer_options(p)))
                except Failed as exc:
                    lightgbm_runs.append({"error": str(exc)})
            fits = [float(s["fit_seconds"]) for s in summaries]
            bins = [float(s["binning_seconds"]) for s in summaries]
            boost = [f - b for f, b in zip(fits, bins)]
            ours = {"fit_seconds": fits, "binning_seconds": bins, "train_seconds": boost,
                    "fit_seconds_median": median(fits), "binning_seconds_median": median(bins),
                    "train_seconds_median": median(boost), "objective": float(summaries[-1]["objective"]),
                    "iterations": summaries[-1].get("iterations"), "classes": summaries[-1].get("classes")}
        except Failed as exc:
            ours = {"error": str(exc)}

        # 3. Ours: scoring throughput on the training matrix, then test metrics.
        scoring, quality = {}, {}
        try:
            if "error" in ours:
                raise Failed("no model")
            secs, nrows = [], None
            for i in range(repeats):
                log(f"gbdt-speed {size}: intent score {i + 1}/{repeats}")
                summary = os.path.join(OUT, f"{tag}.score.json")
                if os.path.exists(summary):
                    os.remove(summary)
                run([ctx.intent, "score", "--model", model, "--features", train_npy, "--out", os.devnull, "--quiet",
                     "--summary-json", summary], f"{tag}-score-{i + 1}")
                s = read_json(summary, ("score_seconds", "rows"))
                secs.append(float(s["score_seconds"]))
                nrows = int(s["rows"])
            scoring = {"score_seconds": secs, "score_seconds_median": median(secs), "rows": nrows,
                       "rows_per_second": nrows / median(secs) if median(secs) > 0 else None}
        except Failed as exc:
            scoring = {"error": str(exc)}
        try:
            if "error" in ours:
                raise Failed("no model")
            run([ctx.intent, "score", "--model", model, "--features", test_npy, "--out", scores, "--quiet"],
                f"{tag}-score-test")
            quality = metrics_of(ctx, f"{tag}.ours-metrics", [(scores, npy_sidecars(test_npy)[2])])[0]
        except Failed as exc:
            quality = {"error": str(exc)}

        # 4. Peers, one process each.
        peers = {"lightgbm": merge_peer_runs(lightgbm_runs)}
        for lib, title, pip in GBDT_PEERS:
            if lib in peers:
                continue
            try:
                ctx.peers.check("numpy", "scikit-learn", pip)
                log(f"gbdt-speed {size}: {title} ×{repeats} (peers.py)")
                peers[lib] = ctx.peers.task("gbdt-speed", f"{tag}.{lib}", "--library", lib, "--npy", train_npy,
                                            "--test-npy", test_npy, "--repeats", str(repeats), "--seed", "1",
                                            *gbdt_peer_options(p))
            except Failed as exc:
                peers[lib] = {"error": str(exc)}
        data.update({"ours": ours, "ours_score": scoring, "ours_test_metrics": quality, "peers": peers})
        first = len(rows)
        ceiling = data["test_data"].get("ceiling_auc")

        # 5. Rows: per peer, fit with binning, fit without (not for HistGradientBoosting,
        # whose binning happens inside fit), prediction throughput, test quality.
        for lib, title, _ in GBDT_PEERS:
            peer = peers[lib]
            perr = na(peer["error"]) if "error" in peer else None
            modes = [("with binning", "fit_seconds_median", "seconds_median")]
            if lib != "sklearn":
                modes.append(("without binning", "train_seconds_median", "train_seconds_median"))
            for mode, okey, pkey in modes:
                o, q = ours.get(okey), peer.get(pkey)
                notes = []
                if lib == "lightgbm" and o and q:
                    notes.append(f"ours/LightGBM {o / q:.2f} (goal ≤ 1.00: {'met' if o / q <= 1.0 else 'not met'})")
                    data.setdefault("ours_over_lightgbm", {})[mode.replace(" ", "_")] = o / q
                if mode == "with binning":
                    if ours.get("binning_seconds_median") is not None or peer.get("build_seconds_median") is not None:
                        pb = peer.get("build_seconds_median")
                        notes.append(f"binning ours {fmt_seconds(ours.get('binning_seconds_median'))}, "
                                     f"{title} {fmt_seconds(pb) if pb is not None else 'inside fit'}")
                    if lib == "lightgbm":
                        notes.append("LightGBM: Dataset.construct + train")
                    elif lib == "xgboost":
                        notes.append("XGBoost: QuantileDMatrix + train (hist, lossguide, 256 bins, λ 0)")
                rows.append(row(f"gbdt-fit ({title})", f"{size} {mode}",
                                fmt_seconds(o) if o is not None else na(ours.get("error")),
                                fmt_seconds(q) if q is not None else perr or "n/a",
                                fmt_ratio(q / o if o and q else None), "; ".join(notes),
                                {"mode": mode, "ours_seconds": o, "peer_seconds": q, "peer": lib,
                                 "speedup": q / o if o and q else None}))
            o, q = scoring.get("rows_per_second"), peer.get("predict_rows_per_second")
            rows.append(row(f"gbdt-score ({title})", f"{fmt_count(n)} rows",
                            fmt_rate(o, " rows") if o else na(scoring.get("error")),
                            fmt_rate(q, " rows") if q else perr or "n/a",
                            fmt_ratio(o / q if o and q else None),
                            "ours: intent score --features; " + {"lightgbm": "Booster.predict",
                                                                  "xgboost": "inplace_predict",
                                                                  "sklearn": "predict_proba"}[lib],
                            {"peer": lib, "ours_rows_per_second": o, "peer_rows_per_second": q}))
            om, pm = quality, peer.get("test_metrics", {})
            o_auc, p_auc, o_ll, p_ll = om.get("roc_auc"), pm.get("roc_auc"), om.get("log_loss"), pm.get("log_loss")
            notes = []
            if o_ll is not None and p_ll is not None:
                notes.append(f"log loss {o_ll:.4f}/{p_ll:.4f} (Δ {o_ll - p_ll:+.4f})")
            o_tl, p_tl = ours.get("objective"), peer.get("train_metrics", {}).get("log_loss")
            if o_tl is not None or p_tl is not None:
                notes.append(f"train log loss {'n/a' if o_tl is None else f'{o_tl:.4f}'}/"
                             f"{'n/a' if p_tl is None else f'{p_tl:.4f}'}")
            if ceiling:
                notes.append(f"generator's AUC {ceiling:.3f}")
            diff = o_auc - p_auc if o_auc is not None and p_auc is not None else None
            rows.append(row(f"gbdt-quality ({title})", f"{fmt_count(n_test)} test rows",
                            f"AUC {o_auc:.4f}" if o_auc is not None else na(om.get("error", "no metrics")),
                            f"AUC {p_auc:.4f}" if p_auc is not None else perr or "n/a",
                            f"Δ {diff:+.4f}" if diff is not None else "n/a", "; ".join(notes),
                            {"peer": lib, "ours": om, "peer_metrics": pm, "auc_diff_ours_minus_peer": diff}))
        rows[first]["data"]["run"] = data  # everything once, on the size's first row
        ctx.cleanup(*generated)
    return rows


def accuracy_rows(ctx, tag, size, train_inputs, score_inputs, truth, truth_label, positive, peer_options):
    """Ours (gbdt) and LightGBM on one train/test split: rows for AUC, log loss and
    accuracy with the difference ours − LightGBM."""
    p = GBDT_ACCURACY_PARAMS
    model = os.path.join(OUT, f"{tag}.model.json")
    scores = os.path.join(OUT, f"{tag}-test.scores.csv")
    ours = {}
    try:
        log(f"gbdt-accuracy {size}: intent train + score")
        s = train_ours(ctx, train_inputs, "gbdt", gbdt_cli_options(p), model, f"{tag}-train")
        run([ctx.intent, "score", "--model", model, *score_inputs, "--out", scores, "--quiet"], f"{tag}-score")
        ours = {"fit_seconds": s.get("fit_seconds"), "objective": s.get("objective"), "iterations": s.get("iterations"),
                "metrics": metrics_of(ctx, f"{tag}.ours-metrics", [(scores, truth)], truth_label, positive)[0]}
    except Failed as exc:
        ours = {"error": str(exc)}
    try:
        ctx.peers.check("numpy", "scikit-learn", "lightgbm")
        log(f"gbdt-accuracy {size}: LightGBM (peers.py)")
        peer = ctx.peers.task("gbdt-eval", f"{tag}.lightgbm", *peer_options, *gbdt_peer_options(p), "--seed", "1")
    except Failed as exc:
        peer = {"error": str(exc)}
    om, pm = ours.get("metrics", {}), peer.get("metrics", {})
    multiclass = len(om.get("classes") or pm.get("classes") or []) > 2
    out = []
    for key, title in (("roc_auc", "macro AUC" if multiclass else "AUC"), ("log_loss", "log loss"),
                       ("accuracy", "accuracy")):
        o, q = om.get(key), pm.get(key)
        diff = o - q if o is not None and q is not None else None
        notes = []
        if diff is not None and key != "accuracy":
            notes.append(goal_note(diff))
        if key == "roc_auc":
            notes.append(f"{p['rounds']} rounds, lr {p['learning_rate']}, {p['num_leaves']} leaves, "
                         f"min_data_in_leaf {p['min_data_in_leaf']}; seeded stratified 80/20")
            if peer.get("categorical_features"):
                notes.append("LightGBM categorical: " + ", ".join(peer["categorical_features"]))
        out.append(row("gbdt-accuracy", f"{size} {title}",
                       f"{o:.4f}" if o is not None else na(ours.get("error", "no metric")),
                       f"{q:.4f}" if q is not None else na(peer.get("error", "no metric")),
                       f"Δ {diff:+.4f}" if diff is not None else "n/a", "; ".join(notes),
                       {"metric": key, "ours": o, "lightgbm": q, "diff_ours_minus_lightgbm": diff}))
    out[0]["data"].update({"ours_run": ours, "lightgbm_run": peer})
    return out


def bench_gbdt_accuracy(ctx):
    """Held-out quality of `intent train --model gbdt` vs LightGBM (same split,
    same settings) on the generated clinic data (3 classes) and the UCI Online
    Shoppers table (binary)."""
    rows = []
    # (a) Clinic: generate, features with labels, one stratified split as npy files.
    for sessions in ctx.sizes([ACCURACY_SESSIONS], [QUICK_SESSIONS]):
        name = f"acc-gen-{sessions}"
        npy = os.path.join(OUT, f"acc-{sessions}.npy")
        prefix = os.path.join(OUT, f"acc-{sessions}")
        parts = [f"{prefix}-train.npy", f"{prefix}-test.npy"]
        generated = [os.path.join(OUT, name), *npy_sidecars(npy), *npy_sidecars(parts[0]), *npy_sidecars(parts[1]),
                     os.path.join(OUT, f"acc-{sessions}.model.json"),
                     os.path.join(OUT, f"acc-{sessions}-test.scores.csv")]
        size = f"clinic {fmt_count(sessions)}"
        try:
            ctx.generate(sessions, ACCURACY_GENERATE_SEED, name)
            events, labels, taxonomy = ctx.paths(name)
            log(f"gbdt-accuracy {size}: features → {os.path.basename(npy)}")
            run([ctx.intent, "features", "--events", events, "--labels", labels, "--taxonomy", taxonomy,
                 "--out", npy, "--quiet"], f"acc-{sessions}-features")
            ctx.peers.check("numpy", "scikit-learn")
            split = ctx.peers.task("split", f"acc-{sessions}.split", "--npy", npy, "--prefix", prefix,
                                   "--seed", str(SPLIT_SEED), "--test-fraction", "0.2")
        except Failed as exc:
            rows.append(row("gbdt-accuracy", size, na(exc), na("no data"), "n/a", "", {"error": str(exc)}))
            ctx.cleanup(*generated)
            continue
        size = f"clinic {fmt_count(split['train']['rows'])}/{fmt_count(split['test']['rows'])}"
        new = accuracy_rows(ctx, f"acc-{sessions}", size,
                            ["--matrix", parts[0], "--labels", npy_sidecars(parts[0])[2]], ["--features", parts[1]],
                            npy_sidecars(parts[1])[2], "intent", None, ["--train", parts[0], "--test", parts[1]])
        new[0]["data"].update({"sessions": sessions, "split": split})
        rows += new
        ctx.cleanup(*generated)

    # (b) UCI Online Shoppers: one stratified split as CSV tables with the original header.
    if not os.path.exists(UCI_CSV):
        rows.append(row("gbdt-accuracy", "UCI online shoppers", na(UCI_ABSENT), na(UCI_ABSENT), "n/a",
                        f"expected {UCI_CSV}"))
        return rows
    prefix = os.path.join(OUT, "uci")
    generated = [f"{prefix}-train.csv", f"{prefix}-test.csv", os.path.join(OUT, "uci.model.json"),
                 os.path.join(OUT, "uci-test.scores.csv")]
    try:
        ctx.peers.check("numpy", "scikit-learn")
        split = ctx.peers.task("split", "uci.split", "--csv", UCI_CSV, "--label", UCI_LABEL, "--prefix", prefix,
                               "--seed", str(SPLIT_SEED), "--test-fraction", "0.2")
    except Failed as exc:
        rows.append(row("gbdt-accuracy", "UCI online shoppers", na(exc), na("no split"), "n/a", ""))
        ctx.cleanup(*generated)
        return rows
    train, test = split["train"]["path"], split["test"]["path"]
    new = accuracy_rows(ctx, "uci", f"UCI {fmt_count(split['train']['rows'])}/{fmt_count(split['test']['rows'])}",
                        ["--table", train, "--label", UCI_LABEL], ["--table", test, "--label", UCI_LABEL],
                        test, UCI_LABEL, UCI_POSITIVE,
                        ["--train", train, "--test", test, "--label", UCI_LABEL, "--positive", UCI_POSITIVE])
    new[0]["data"]["split"] = split
    rows += new
    ctx.cleanup(*generated)
    return rows


def uci_reference():
    """The published figures quoted in the data set's README (not verified there)."""
    default = "acc ≈ 0.87–0.89, F1 ≈ 0.58"
    try:
        with open(os.path.join(UCI_DIR, "README.md"), encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return default
    acc = re.search(r"(\d\d)\s*[–-]\s*(\d\d)%\s*accuracy", text)
    f1 = re.search(r"F1\s*≈\s*(0\.\d+)", text)
    if not acc or not f1:
        return default
    return f"acc ≈ 0.{acc.group(1)}–0.{acc.group(2)}, F1 ≈ {f1.group(1)}"


def bench_uci_cv(ctx):
    """5-fold stratified cross-validation on UCI Online Shoppers: ours gbdt and
    logistic vs LightGBM and scikit-learn LogisticRegression on the same folds."""
    if not os.path.exists(UCI_CSV):
        return [row("uci-cv", "UCI online shoppers", na(UCI_ABSENT), na(UCI_ABSENT), "n/a", f"expected {UCI_CSV}")]
    prefix = os.path.join(OUT, "uci-cv")
    generated = []
    try:
        ctx.peers.check("numpy", "scikit-learn")
        log(f"uci-cv: {UCI_FOLDS} stratified folds (peers.py)")
        folds = ctx.peers.task("folds", "uci-cv.folds", "--csv", UCI_CSV, "--label", UCI_LABEL, "--prefix", prefix,
                               "--folds", str(UCI_FOLDS), "--seed", str(SPLIT_SEED))
    except Failed as exc:
        return [row("uci-cv", "UCI online shoppers", na(f"no folds: {exc}"), na("no folds"), "n/a", "")]
    for f in folds["folds"]:
        generated += [f["train"], f["test"], f["train_onehot"], f["test_onehot"]]
    size = f"{fmt_count(folds['rows'])} rows, {UCI_FOLDS} folds"

    # Ours: gbdt on the original tables, logistic on the one-hot ones.
    ours = {}
    for kind, options, train_key, test_key in (
            ("gbdt", gbdt_cli_options(GBDT_ACCURACY_PARAMS), "train", "test"),
            ("logistic", ["--l2", str(LOGISTIC_L2), "--threads", "2"], "train_onehot", "test_onehot")):
        try:
            pairs, fits = [], []
            for f in folds["folds"]:
                k = f["fold"]
                log(f"uci-cv: ours {kind}, fold {k}/{UCI_FOLDS}")
                model = os.path.join(OUT, f"uci-cv-f{k}-{kind}.model.json")
                scores = os.path.join(OUT, f"uci-cv-f{k}-{kind}.scores.csv")
                generated += [model, scores]
                s = train_ours(ctx, ["--table", f[train_key], "--label", UCI_LABEL], kind, options, model,
                               f"uci-cv-f{k}-{kind}-train")
                fits.append({"fit_seconds": s.get("fit_seconds"), "objective": s.get("objective"),
                             "iterations": s.get("iterations")})
                run([ctx.intent, "score", "--model", model, "--table", f[test_key], "--label", UCI_LABEL,
                     "--out", scores, "--quiet"], f"uci-cv-f{k}-{kind}-score")
                pairs.append((scores, f[test_key]))
            metrics = metrics_of(ctx, f"uci-cv.ours-{kind}", pairs, UCI_LABEL, UCI_POSITIVE)
            ours[kind] = [dict(fit, fold=i + 1, metrics=m) for i, (fit, m) in enumerate(zip(fits, metrics))]
        except Failed as exc:
            ours[kind] = {"error": str(exc)}

    # Peers on the same fold files.
    try:
        ctx.peers.check("numpy", "scikit-learn")
        log("uci-cv: LightGBM and scikit-learn LogisticRegression on every fold (peers.py)")
        peer = ctx.peers.task("uci-cv", "uci-cv.peers", "--prefix", prefix, "--folds", str(UCI_FOLDS),
                              "--label", UCI_LABEL, "--positive", UCI_POSITIVE, "--l2", str(LOGISTIC_L2),
                              "--tol", "1e-6", "--max-iter", "1000", *gbdt_peer_options(GBDT_ACCURACY_PARAMS),
                              "--seed", "1")
        for name, reason in peer.get("errors", {}).items():
            peer[name] = {"error": reason}
    except Failed as exc:
        peer = {"lightgbm": {"error": str(exc)}, "sklearn_logistic": {"error": str(exc)}}

    rows = []
    for title, is_ours, runs, what in (
            ("ours gbdt", True, ours.get("gbdt"), f"{GBDT_ACCURACY_PARAMS['rounds']} rounds, lr 0.05, 31 leaves"),
            ("LightGBM", False, peer.get("lightgbm"), "same settings; Month, VisitorType categorical"),
            ("ours logistic", True, ours.get("logistic"), f"one-hot Month/VisitorType, λ {LOGISTIC_L2}"),
            ("sklearn logistic", False, peer.get("sklearn_logistic"), "same one-hot, standardised, C = 1/(λn)")):
        summary = {}
        if isinstance(runs, list) and len(runs) == UCI_FOLDS:
            for key in ("accuracy", "roc_auc", "pr_auc", "f1", "log_loss"):
                values = [r["metrics"][key] for r in runs if r["metrics"].get(key) is not None]
                if len(values) == UCI_FOLDS:
                    summary[key] = {"mean": statistics.mean(values), "std": statistics.stdev(values), "folds": values}
            if set(summary) >= {"accuracy", "roc_auc", "pr_auc", "f1"}:
                cell = f"AUC {summary['roc_auc']['mean']:.3f}±{summary['roc_auc']['std']:.3f}"
                notes = "; ".join([f"acc {summary['accuracy']['mean']:.3f}±{summary['accuracy']['std']:.3f}",
                                   f"PR-AUC {summary['pr_auc']['mean']:.3f}±{summary['pr_auc']['std']:.3f}",
                                   f"F1 {summary['f1']['mean']:.3f}±{summary['f1']['std']:.3f}", what])
            else:
                cell, notes = na("metrics incomplete"), what
        else:
            reason = runs.get("error") if isinstance(runs, dict) else f"{len(runs or [])} of {UCI_FOLDS} folds"
            cell, notes = na(reason), what
        rows.append(row(f"uci-cv: {title}", size, cell if is_ours else "—", "—" if is_ours else cell, "—", notes,
                        {"model": title, "summary": summary, "folds": runs}))
    rows.append(row("uci-cv: published", "12,330 rows", "—", uci_reference(), "—",
                    "Sakar et al. 2018 via secondary sources, not verified against the paper "
                    "(../shared/datasets/online-shoppers/README.md); mean ± std (n−1) over folds above",
                    {"folds_file": folds}))
    ctx.cleanup(*generated)
    return rows


# ------------------------------------------------------------- batch scoring

SCORING_SIZES = (200_000, 1_750_000)  # sessions: about 1.1M and 10M events
SCORING_SEED = 31
SCORING_TRAIN_SESSIONS = 20_000
SCORING_TRAIN_SEED = 29               # training data differs from the scored data
SCORING_REASONS_SESSIONS = 2_000      # gbdt reasons (TreeSHAP) cost ~0.25 ms of CPU a session
SCORING_BIG_SESSIONS = 1_000_000      # from here on repeats default to 1 and `features` is skipped
SCORING_GOAL_RATE = 1_000_000         # events/s, logistic model, 2 cores
SCORING_GOAL_PEAK_MIB = 1024          # peak RSS …
SCORING_GOAL_EVENTS = 10_000_000      # … when scoring this many events
SCORING_BYTES_PER_EVENT = 330         # events.jsonl written by `intent generate` (measured ≈ 324)
SCORING_BYTES_PER_ROW = 120           # the scores CSV
SCORING_GROWTH_LIMIT = 1.5            # peak RSS ratio between sizes above which memory "grows with the input"
SCORING_RESULTS = os.path.join(OUT, "scoring.json")
PLAYBOOK = os.path.join(ROOT, "datasets", "clinic-playbook.yaml")


def _scoring_runs(ctx, model, events, out, label, repeats, extra=()):
    """`intent score --events` `repeats` times with the peak RSS of each process:
    wall times, the summaries' score_seconds, events and rows."""
    walls, secs, rss, summaries = [], [], [], []
    for i in range(repeats):
        summary = os.path.join(LOGS, f"{label}-{i + 1}.summary.json")
        # Every run starts without the scores file: replacing the last run's (tens of MB) made
        # the file system free it inside the timed rename (19 ms on 1.1M events, ext4), a cost
        # of the file system that the first run did not pay.
        for stale in (summary, out):
            if os.path.isfile(stale):  # a regular file only: never a device such as /dev/null
                os.remove(stale)
        log(f"scoring: {label} run {i + 1}/{repeats}")
        r = run([ctx.intent, "score", "--model", model, "--events", events, "--out", out, "--summary-json", summary,
                 "--quiet", *extra], f"{label}-{i + 1}", measure_rss=True)
        s = read_json(summary, ("events", "rows", "score_seconds"))
        walls.append(r.wall)
        secs.append(float(s["score_seconds"]))
        if r.maxrss_kb is not None:
            rss.append(r.maxrss_kb / 1024.0)
        summaries.append(s)
    wall = median(walls)
    events, rows = int(summaries[-1]["events"]), int(summaries[-1]["rows"])
    return {"wall_seconds": walls, "wall_seconds_median": wall, "score_seconds": secs,
            "score_seconds_median": median(secs), "events": events, "rows": rows,
            "events_per_second": events / wall if wall > 0 else None,
            "sessions_per_second": rows / wall if wall > 0 else None,
            "peak_rss_mib": max(rss) if rss else None, "peak_rss_mib_runs": rss,
            "peak_buffered_events": max(int(s.get("peak_buffered_events", 0)) for s in summaries),
            "output_bytes": os.path.getsize(out) if os.path.exists(out) else None,
            "options": list(extra)}


def _mtime(path):
    try:
        return datetime.datetime.fromtimestamp(os.stat(path).st_mtime, datetime.timezone.utc).isoformat(
            timespec="seconds")
    except OSError:
        return None


def _mib(x):
    return "n/a" if x is None else f"{x:.0f} MiB"


def bench_scoring(ctx):
    """Batch scoring from raw events, end to end, for a logistic and a gbdt model:
    events/s, sessions/s and peak RSS against the issue's goals. No peer."""
    rows = []
    doc = {"rss_source": "/usr/bin/time -v" if _gnu_time_available() else "wait4 rusage", "sizes": {},
           "intent_mtime": [_mtime(ctx.intent)]}
    models = {"logistic": os.path.join(OUT, "scoring-logistic.model.json"),
              "gbdt": os.path.join(OUT, "scoring-gbdt.model.json")}
    train_name = f"scoring-train-{SCORING_TRAIN_SESSIONS}"
    generated = [os.path.join(OUT, train_name), *models.values()]

    def save():
        with open(SCORING_RESULTS + ".tmp", "w") as fh:
            json.dump(dict(doc, rows=rows), fh, indent=1)
        os.replace(SCORING_RESULTS + ".tmp", SCORING_RESULTS)

    # 1. The two models, trained once on a small generated set.
    try:
        ctx.generate(SCORING_TRAIN_SESSIONS, SCORING_TRAIN_SEED, train_name)
        events, labels, taxonomy = ctx.paths(train_name)
        inputs = ["--events", events, "--labels", labels, "--taxonomy", taxonomy]
        doc["training"] = {"sessions": SCORING_TRAIN_SESSIONS, "seed": SCORING_TRAIN_SEED}
        for kind, options in (("logistic", ["--l2", str(LOGISTIC_L2), "--threads", "2"]),
                              ("gbdt", gbdt_cli_options(GBDT_SPEED_PARAMS))):
            log(f"scoring: intent train --model {kind} on {fmt_count(SCORING_TRAIN_SESSIONS)} sessions")
            s = train_ours(ctx, inputs, kind, options, models[kind], f"scoring-train-{kind}")
            doc["training"][kind] = {"fit_seconds": s.get("fit_seconds"), "features": s.get("features"),
                                     "options": options}
    except Failed as exc:
        rows.append(row("scoring", "", na(f"no models: {exc}"), "—", "—", "", {"error": str(exc)}))
        ctx.cleanup(*generated)
        save()
        return rows

    sizes = sorted(ctx.sizes(SCORING_SIZES, SCORING_SIZES[:1]))

    # 2. The cost of reasons and content (TreeSHAP for gbdt, linear contributions
    # for logistic) on a set small enough for TreeSHAP.
    reasons_sessions = min(SCORING_REASONS_SESSIONS, sizes[0])
    name = f"scoring-gen-{reasons_sessions}"
    out = os.path.join(OUT, "scoring-reasons.scores.csv")
    generated += [os.path.join(OUT, name), out]
    try:
        info = ctx.generate(reasons_sessions, SCORING_SEED, name)
        events = ctx.paths(name)[0]
        size = f"{fmt_count(info['events'])} events"
        for kind in ("gbdt", "logistic"):
            try:
                plain = _scoring_runs(ctx, models[kind], events, out, f"scoring-{kind}-{reasons_sessions}",
                                      ctx.args.repeats or 3)
                extra = ("--reasons", "3", "--playbook", PLAYBOOK)
                withr = _scoring_runs(ctx, models[kind], events, out, f"scoring-{kind}-{reasons_sessions}-reasons",
                                      ctx.args.repeats or 1, extra)
                slow = plain["events_per_second"] / withr["events_per_second"]
                per_session = withr["wall_seconds_median"] / withr["rows"]
                notes = [f"without reasons {fmt_rate(plain['events_per_second'], ' events')}: ×{slow:.1f} the time",
                         f"{per_session * 1000:.2f} ms a session with reasons"]
                if sizes[0] > reasons_sessions:
                    proj = per_session * sizes[0]
                    notes.append(f"≈ {proj / 60:.0f} min" if proj >= 120 else f"≈ {fmt_seconds(proj)}")
                    notes[-1] += f" for {fmt_count(sizes[0])} sessions"
                notes.append(f"{fmt_count(reasons_sessions)} sessions; --reasons 3 --playbook clinic-playbook.yaml")
                rows.append(row(f"scoring reasons ({kind})", size, fmt_rate(withr["events_per_second"], " events"),
                                "—", "—", "; ".join(notes),
                                {"model": kind, "sessions": reasons_sessions, "generate": info, "plain": plain,
                                 "reasons": withr, "slowdown": slow, "seconds_per_session": per_session}))
            except Failed as exc:
                rows.append(row(f"scoring reasons ({kind})", size, na(exc), "—", "—", "", {"error": str(exc)}))
            save()
    except Failed as exc:
        rows.append(row("scoring reasons", f"{fmt_count(reasons_sessions)} sessions", na(exc), "—", "—", "",
                        {"error": str(exc)}))
    ctx.cleanup(os.path.join(OUT, name), out)

    # 3. Each size: generate (or reuse), score with both models, features for context.
    measured = {"logistic": [], "gbdt": []}
    for sessions in sizes:
        name = f"scoring-gen-{sessions}"
        gen_dir = os.path.join(OUT, name)
        size = f"{fmt_count(sessions)} sessions"
        repeats = ctx.args.repeats or (1 if sessions >= SCORING_BIG_SESSIONS else 3)
        outputs = {k: os.path.join(OUT, f"scoring-{k}-{sessions}.scores.csv") for k in models}
        npy = os.path.join(OUT, f"scoring-{sessions}-features.npy")
        entry = doc["sizes"][str(sessions)] = {"sessions": sessions, "seed": SCORING_SEED, "repeats": repeats}
        try:
            # Disk: the events (unless already there) and the largest scores CSV.
            free = shutil.disk_usage(OUT).free
            have = os.path.exists(os.path.join(gen_dir, "events.jsonl"))
            need = (0 if have else sessions * EVENTS_PER_SESSION * SCORING_BYTES_PER_EVENT) \
                + sessions * SCORING_BYTES_PER_ROW + 512 * 2 ** 20
            entry["disk_free_gb_before"] = round(free / 1e9, 2)
            if free < need:
                raise Failed(f"disk: needs ≈ {need / 1e9:.1f} GB, {free / 1e9:.1f} GB free under bench/out")
            info = ctx.generate(sessions, SCORING_SEED, name)
            entry["generate"] = info
            entry["events_file_bytes"] = os.path.getsize(ctx.paths(name)[0])
            events = ctx.paths(name)[0]
            size = f"{fmt_count(info['events'])} events"
        except Failed as exc:
            rows.append(row("scoring", size, na(exc), "—", "—", "", {"error": str(exc)}))
            ctx.cleanup(gen_dir)
            save()
            continue

        for kind in ("logistic", "gbdt"):
            try:
                res = _scoring_runs(ctx, models[kind], events, outputs[kind], f"scoring-{kind}-{sessions}", repeats)
                entry[kind] = res
                rate, peak = res["events_per_second"], res["peak_rss_mib"]
                notes = [fmt_rate(res["sessions_per_second"], " sessions"),
                         f"wall {fmt_seconds(res['wall_seconds_median'])}"
                         + (f" (median of {repeats})" if repeats > 1 else ""),
                         f"peak RSS {_mib(peak)}", f"peak buffered {fmt_count(res['peak_buffered_events'])} events"]
                goals = {}
                if kind == "logistic":
                    goals["rate"] = rate >= SCORING_GOAL_RATE
                    notes.append(f"goal ≥ 1M events/s: {'met' if goals['rate'] else 'not met'} "
                                 f"({rate / SCORING_GOAL_RATE:.0%} of it)")
                if res["events"] >= 0.95 * SCORING_GOAL_EVENTS and peak is not None:
                    goals["peak"] = peak < SCORING_GOAL_PEAK_MIB
                    notes.append(f"goal peak < 1 GiB at 10M events: {'met' if goals['peak'] else 'not met'}")
                res["goals"] = goals
                measured[kind].append((res["events"], peak, res["peak_buffered_events"]))
                rows.append(row(f"scoring ({kind})", size, fmt_rate(rate, " events"), "—", "—", "; ".join(notes),
                                dict(res, model=kind, sessions=sessions)))
            except Failed as exc:
                entry[kind] = {"error": str(exc)}
                rows.append(row(f"scoring ({kind})", size, na(exc), "—", "—", "", {"error": str(exc)}))
            finally:
                ctx.cleanup(outputs[kind])
            save()

        # Context: the same read → sessionize → features work without a model or CSV
        # (it streams too with --model; only on the smaller sizes, to keep the run short).
        if sessions < SCORING_BIG_SESSIONS:
            try:
                walls, rss = [], []
                for i in range(repeats):
                    log(f"scoring: intent features {i + 1}/{repeats} on {size}")
                    r = run([ctx.intent, "features", "--events", events, "--model", models["logistic"], "--out", npy,
                             "--quiet"], f"scoring-features-{sessions}-{i + 1}", measure_rss=True)
                    walls.append(r.wall)
                    if r.maxrss_kb is not None:
                        rss.append(r.maxrss_kb / 1024.0)
                wall = median(walls)
                score_wall = entry.get("logistic", {}).get("wall_seconds_median")
                share = wall / score_wall if score_wall else None
                notes = ["`intent features --model` (read → sessionize → features → .npy; no scoring, no CSV)",
                         f"{fmt_rate(info['events'] / wall, ' events')}"]
                if share is not None:
                    notes.append(f"{share:.0%} of the logistic scoring wall time")
                notes.append(f"peak RSS {_mib(max(rss) if rss else None)}")
                entry["features"] = {"wall_seconds": walls, "wall_seconds_median": wall,
                                     "share_of_logistic_scoring": share, "peak_rss_mib": max(rss) if rss else None}
                rows.append(row("scoring context", size, fmt_seconds(wall), "—", "—", "; ".join(notes),
                                entry["features"]))
            except Failed as exc:
                rows.append(row("scoring context", size, na(exc), "—", "—", "`intent features`", {"error": str(exc)}))
            finally:
                ctx.cleanup(*npy_sidecars(npy))
        ctx.cleanup(gen_dir)
        save()

    # 4. Does memory grow with the input? Peak RSS between the smallest and largest size.
    for kind, points in measured.items():
        points = [p for p in points if p[1] is not None]
        if len(points) < 2:
            continue
        (e1, p1, b1), (e2, p2, b2) = min(points), max(points)
        growth = p2 / p1
        verdict = "grows with the input" if growth > SCORING_GROWTH_LIMIT else "bounded"
        rows.append(row(f"scoring memory ({kind})", f"{fmt_count(e1)} → {fmt_count(e2)} events",
                        f"{_mib(p1)} → {_mib(p2)}", "—", "—",
                        f"peak RSS ×{growth:.2f} for ×{e2 / e1:.1f} events: {verdict}; "
                        f"peak buffered events {fmt_count(b1)} → {fmt_count(b2)}",
                        {"model": kind, "events": [e1, e2], "peak_rss_mib": [p1, p2], "growth": growth,
                         "peak_buffered_events": [b1, b2], "verdict": verdict}))
    ctx.cleanup(*generated)
    # A rebuild during the run (another `swift build`) mixes two binaries in one table.
    doc["intent_mtime"].append(_mtime(ctx.intent))
    if doc["intent_mtime"][0] != doc["intent_mtime"][-1]:
        log("warning: the intent executable was rebuilt during the scoring benchmark; rows may mix two builds")
        rows.append(row("scoring", "", "—", "—", "—", "warning: intent was rebuilt during this run "
                        f"({doc['intent_mtime'][0]} → {doc['intent_mtime'][-1]}): rows may mix two builds"))
    save()
    return rows


# -------------------------------------------------------------------- service

SERVICE_RATE = 2_000                   # requests/s: the issue's fixed rate …
SERVICE_GOAL_P99_MS = 2.0              # … at which p99 must stay below 2 ms, with zero errors
SERVICE_DURATION_S = 10                # each measured wrk run
SERVICE_WARMUP_S = 2                   # one closed-loop run per server before measuring (not reported)
SERVICE_CLOSED = (1, 4)                # wrk threads, connections of the closed-loop (max throughput) runs
SERVICE_DELAY_MS = 10                  # fixed rate: each connection waits this long after every answer …
SERVICE_CONNECTIONS = 21               # … so 21 connections × (10 ms + ≈ 0.5 ms) ≈ 2,000 requests/s
SERVICE_MAX_CONNECTIONS = 2 * SERVICE_CONNECTIONS
SERVICE_RATE_TOLERANCE = 0.9           # a fixed-rate run below 90% of the rate does not decide the goal
SERVICE_WRK_TIMEOUT = "2s"             # wrk's own default, explicit: slower answers count as timeouts
SERVICE_START_TIMEOUT = 30             # seconds for /healthz to answer after `intent serve` starts
SERVICE_STOP_GRACE = 5                 # seconds between SIGTERM and SIGKILL
SERVICE_PSEUDONYM_KEY = "visitintent-bench-service"  # pseudonymises the bench's made-up ids; nothing secret
SERVICE_MODELS = {"gbdt": os.path.join(ROOT, "models", "clinic-gbdt.json"),
                  "logistic": os.path.join(ROOT, "models", "clinic-logistic.json")}
SERVICE_RESULTS = os.path.join(OUT, "service.json")
_SITE = "https://www.clinique-lumiere.fr"
# One session of canonical events on the bundled clinic site (as in notebooks-md/08-scoring-service.md).
SERVICE_BODIES = {
    "session": {"events": [
        {"visitor_id": "v-123", "timestamp": "2026-11-30T10:00:00+01:00", "event": "page_view",
         "url": _SITE + "/acide-hyaluronique/levres", "device": "mobile", "referrer": "https://www.google.com/",
         "source": "google", "medium": "organic"},
        {"visitor_id": "v-123", "timestamp": "2026-11-30T10:01:10+01:00", "event": "scroll",
         "url": _SITE + "/acide-hyaluronique/levres", "scroll_pct": 75},
        {"visitor_id": "v-123", "timestamp": "2026-11-30T10:02:00+01:00", "event": "page_view",
         "url": _SITE + "/tarifs/acide-hyaluronique", "device": "mobile"},
        {"visitor_id": "v-123", "timestamp": "2026-11-30T10:04:30+01:00", "event": "page_view",
         "url": _SITE + "/avant-apres/levres", "device": "mobile"}]},
    "features": {"features": {"page_views": 4}},
}
# The same session without reason codes: what trees cost when a caller needs only the scores.
SERVICE_BODIES["session-no-reasons"] = dict(SERVICE_BODIES["session"], reasons=0)
SERVICE_BODY_LABELS = {"session": "session of 4 events", "features": "feature row",
                       "session-no-reasons": "session of 4 events, \"reasons\": 0"}
# (model, [(mode, body)]): one server per model; the feature row once, on the gbdt server.
SERVICE_PLAN = (("gbdt", (("fixed", "session"), ("fixed", "session-no-reasons"), ("fixed", "features"), ("closed", "session"))),
                ("logistic", (("fixed", "session"), ("closed", "session"))))
SERVICE_TIME_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def _run_logged(cmd, label, timeout, env=None):
    """subprocess.run with a timeout; stdout/stderr also go to bench/out/logs/<label>.{out,err}."""
    os.makedirs(LOGS, exist_ok=True)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired:
        raise Failed(f"{os.path.basename(cmd[0])} did not finish within {timeout} s (stopped)")
    except OSError as exc:
        raise Failed(f"cannot run {os.path.basename(cmd[0])}: {exc.strerror or exc}")
    for ext, text in (("out", r.stdout), ("err", r.stderr)):
        with open(os.path.join(LOGS, f"{label}.{ext}"), "w") as fh:
            fh.write(text or "")
    return r


def _ensure_wrk(doc):
    """The wrk executable; Debian's package is installed with apt-get when missing."""
    path = shutil.which("wrk")
    if not path:
        apt = shutil.which("apt-get")
        if not apt:
            raise Failed("wrk is not installed and apt-get is unavailable: install wrk, then run again")
        if os.geteuid() != 0:
            raise Failed("wrk is not installed; installing it needs root: apt-get install wrk")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = [apt, "install", "-y", "-q", "--no-install-recommends", "wrk"]
        print("bench: installing wrk with apt-get", flush=True)
        r = _run_logged(install, "service-apt-install", 900, env)
        if r.returncode != 0:  # a stale package index: update once and retry
            _run_logged([apt, "update", "-q"], "service-apt-update", 900, env)
            r = _run_logged(install, "service-apt-install-2", 900, env)
        path = shutil.which("wrk")
        if not path:
            raise Failed("apt-get install wrk failed: " + _short_reason(r.stderr or r.stdout, r.returncode))
        doc["wrk_installed_by_bench"] = True
    r = _run_logged([path, "-v"], "service-wrk-version", 30)  # prints its version and usage, exits 1
    first = (r.stdout or r.stderr or "").strip().splitlines()
    doc["wrk"] = {"path": path, "version": first[0] if first else None}
    return path


def _lua_script(name, body, delay_ms=None):
    """A wrk script: POST `body`; with delay_ms each connection waits after every answer for a time
    drawn from an exponential distribution with that mean (seeded, so runs repeat), so the connections'
    requests interleave like independent visitors' instead of arriving in lock-step bursts;
    done() prints the exact numbers as one BENCH-JSON line after wrk's own report."""
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    assert "]==]" not in text
    lines = ["-- written by bench/run.py (service)", 'wrk.method = "POST"',
             'wrk.headers["Content-Type"] = "application/json"', f"wrk.body = [==[{text}]==]"]
    if delay_ms is not None:
        lines += ["math.randomseed(2026)", "function delay()",
                  f"  return math.floor(-{float(delay_ms)} * math.log(1 - math.random()) + 0.5)", "end"]
    fields = [("requests", "summary.requests"), ("duration_us", "summary.duration"), ("bytes", "summary.bytes"),
              ("connect", "summary.errors.connect"), ("read", "summary.errors.read"),
              ("write", "summary.errors.write"), ("status", "summary.errors.status"),
              ("timeout", "summary.errors.timeout"), ("mean_us", "latency.mean"), ("max_us", "latency.max")]
    fields += [(f"p{str(q).replace('.', '_')}_us", f"latency:percentile({q})") for q in (50, 75, 90, 99, 99.9)]
    fmt = ",".join(f'"{k}":%.3f' for k, _ in fields)
    lines += ["function done(summary, latency, requests)",
              f"  io.write(string.format('BENCH-JSON {{{fmt}}}\\n', {', '.join(v for _, v in fields)}))",
              "end"]
    path = os.path.join(OUT, f"service-{name}.lua")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _wrk_ms(value, unit):
    return float(value) * SERVICE_TIME_UNITS_MS[unit]


def _parse_wrk(text):
    """wrk's report: latency distribution (ms), requests, requests/s, socket errors, non-2xx/3xx."""
    out = {}
    for q, value, unit in re.findall(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M):
        out[f"p{q}_ms"] = _wrk_ms(value, unit)
    m = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
        out["seconds"] = _wrk_ms(m.group(2), m.group(3)) / 1000.0
    m = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.M)
    if m:
        out["requests_per_second"] = float(m.group(1))
    # Both lines are printed only when their counts are not zero.
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"),
                                    map(int, m.groups()) if m else (0, 0, 0, 0)))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx_3xx"] = int(m.group(1)) if m else 0
    out["errors"] = out["non_2xx_3xx"] + sum(out["socket_errors"].values())
    m = re.search(r"^BENCH-JSON (\{.*\})\s*$", text, re.M)
    if m:
        try:
            out["exact"] = json.loads(m.group(1))
        except ValueError:
            pass
    missing = [k for k in ("p50_ms", "p75_ms", "p90_ms", "p99_ms", "requests", "requests_per_second")
               if k not in out]
    if missing:
        raise Failed(f"wrk printed no {', '.join(missing)} (see the log)")
    return out


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    """preexec_fn for the server: Linux delivers SIGKILL to it if this harness dies first."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _http(port, path, body=None, timeout=5.0):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body,
                                 headers={"Content-Type": "application/json"} if body is not None else {})
    try:
        with _NO_PROXY.open(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _proc_cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, ValueError, IndexError):
        return None


def _cpu_jiffies():
    """(steal, total) jiffies of all CPUs from /proc/stat: the share the hypervisor took from this
    machine's vCPUs, which is what moves the service's tail most on a shared host."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
        return fields[7], sum(fields)
    except (OSError, ValueError, IndexError):
        return None


def _proc_peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            m = re.search(r"VmHWM:\s*(\d+) kB", fh.read())
        return int(m.group(1)) / 1024.0 if m else None
    except OSError:
        return None


def _server_statuses(port):
    """visitintent_http_requests_total by status, from /metrics (None when unreadable)."""
    try:
        status, body = _http(port, "/metrics")
    except (OSError, urllib.error.URLError):
        return None
    if status != 200:
        return None
    return {s: int(float(n)) for s, n in
            re.findall(r'^visitintent_http_requests_total\{status="(\d+)"\}\s+(\S+)', body.decode(errors="replace"),
                       re.M)}


class _Server:
    """`intent serve` on a free loopback port, ready once /healthz answers; stop() never leaves it running."""

    def __init__(self, ctx, kind, model):
        self.ctx, self.kind, self.model = ctx, kind, model
        self.proc, self.port, self.cmd, self.info = None, None, None, {"model": model, "kind": kind}

    def start(self):
        env = dict(os.environ, INTENT_PSEUDONYM_KEY=SERVICE_PSEUDONYM_KEY)
        reason = "no attempt"
        for attempt in (1, 2):  # a second port when the first was taken in between
            self.port = _free_port()
            self.cmd = [self.ctx.intent, "serve", "--model", self.model, "--port", str(self.port), "--quiet",
                        "--playbook", PLAYBOOK]
            self.log_path = os.path.join(LOGS, f"service-{self.kind}-server.log")
            log(f"service: starting intent serve --model {os.path.relpath(self.model, ROOT)} on port {self.port}")
            with open(self.log_path, "w") as fh:
                try:
                    self.proc = subprocess.Popen(self.cmd, stdout=fh, stderr=subprocess.STDOUT,
                                                 stdin=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent)
                except OSError as exc:
                    raise Failed(f"cannot run intent serve: {exc.strerror or exc}")
            t0 = time.perf_counter()
            while True:
                if self.proc.poll() is not None:
                    with open(self.log_path, errors="replace") as fh:
                        reason = "intent serve exited (status %d): %s" % (
                            self.proc.returncode, _short_reason(fh.read(), self.proc.returncode))
                    break
                try:
                    status, body = _http(self.port, "/healthz", timeout=1.0)
                    if status == 200:
                        self.info.update(port=self.port, command=self.cmd, ready_seconds=time.perf_counter() - t0,
                                         healthz=json.loads(body or b"{}"), attempt=attempt)
                        # `intent serve` warns (even with --quiet) when its tasks could not move onto
                        # NIO's event loops: every request then hops threads, and the figures show it.
                        with open(self.log_path, errors="replace") as fh:
                            pooled = "default concurrency pool" in fh.read()
                        self.info["executor"] = "default pool" if pooled else "event loops"
                        if pooled:
                            log("service: WARNING: the server runs its tasks on the default pool, not NIO's event loops")
                        return self
                except (OSError, urllib.error.URLError, ValueError):
                    pass
                if time.perf_counter() - t0 > SERVICE_START_TIMEOUT:
                    self.stop()
                    raise Failed(f"/healthz did not answer within {SERVICE_START_TIMEOUT} s")
                time.sleep(0.1)
        self.proc = None
        raise Failed(reason)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, then SIGKILL after SERVICE_STOP_GRACE seconds; returns how it went."""
        proc, info = self.proc, {}
        if proc is None:
            return info
        if proc.poll() is not None:
            info = {"stopped_by": "had exited by itself", "exit_status": proc.returncode}
        else:
            info["peak_rss_mib"] = _proc_peak_rss_mib(proc.pid)
            info["cpu_seconds"] = _proc_cpu_seconds(proc.pid)
            t0 = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=SERVICE_STOP_GRACE)
                info["stopped_by"] = "SIGTERM"
            except subprocess.TimeoutExpired:
                log(f"service: server (pid {proc.pid}) still running {SERVICE_STOP_GRACE} s after SIGTERM; SIGKILL")
                proc.kill()
                try:
                    proc.wait(timeout=10)
                    info["stopped_by"] = f"SIGKILL ({SERVICE_STOP_GRACE} s after SIGTERM)"
                except subprocess.TimeoutExpired:
                    info["stopped_by"] = f"still running 10 s after SIGKILL (pid {proc.pid})"
            info["stop_seconds"] = time.perf_counter() - t0
            info["exit_status"] = proc.returncode
        self.proc = None
        self.info["stop"] = info
        return info


def _wrk_run(ctx, wrk, server, script, label, threads, connections, seconds):
    """One wrk run against the server with the server's CPU time, wrk's CPU time and the server's own
    count of answers by status over the run."""
    url = f"http://127.0.0.1:{server.port}/v1/score"
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", SERVICE_WRK_TIMEOUT,
           "-s", script, url]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    statuses0 = _server_statuses(server.port)
    cpu0 = _proc_cpu_seconds(server.proc.pid)
    jiffies0 = _cpu_jiffies()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = _run_logged(cmd, label, seconds + 60)
    wall = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu1 = _proc_cpu_seconds(server.proc.pid) if server.alive() else None
    jiffies1 = _cpu_jiffies()
    statuses1 = _server_statuses(server.port) if server.alive() else None
    if not server.alive():
        raise Failed(f"the server exited during the run (status {server.proc.returncode})")
    if r.returncode != 0:
        raise Failed("wrk: " + _short_reason(r.stderr or r.stdout, r.returncode))
    res = _parse_wrk(r.stdout)
    res.update(command=cmd, threads=threads, connections=connections, duration_seconds=seconds, wall_seconds=wall,
               load_average_before=load, wrk_cpu_seconds=(ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime))
    if jiffies0 and jiffies1 and jiffies1[1] > jiffies0[1]:
        res["steal_share"] = (jiffies1[0] - jiffies0[0]) / (jiffies1[1] - jiffies0[1])
    if cpu0 is not None and cpu1 is not None:
        res["server_cpu_seconds"] = cpu1 - cpu0
        res["server_cpu_us_per_request"] = (cpu1 - cpu0) / res["requests"] * 1e6 if res["requests"] else None
    if statuses0 is not None and statuses1 is not None:
        # (the /metrics scrape before the run is itself counted as one 200)
        diff = {s: n - statuses0.get(s, 0) for s, n in statuses1.items() if n - statuses0.get(s, 0)}
        res["server_answers_by_status"] = diff
        res["server_non_2xx"] = sum(n for s, n in diff.items() if not s.startswith("2"))
    return res


def _service_preflight(server, body):
    """One request by urllib: the body must be answered 200 with an intent before wrk runs."""
    data = json.dumps(body, separators=(",", ":")).encode()
    try:
        status, answer = _http(server.port, "/v1/score", data)
    except (OSError, urllib.error.URLError) as exc:
        raise Failed(f"preflight request failed: {exc}")
    try:
        intent = json.loads(answer).get("intent")
    except (ValueError, AttributeError):
        intent = None
    if status != 200 or not intent:
        raise Failed(f"preflight: HTTP {status}: {_clip(answer.decode(errors='replace'), 60)}")
    return {"status": status, "intent": intent, "answer_bytes": len(answer)}


def _ms3(res):
    return f"{res['p50_ms']:.2f} / {res['p90_ms']:.2f} / {res['p99_ms']:.2f} ms"


def _service_goal(res):
    """met / not met / undecided. A run short of the rate is not met when its p99 or errors already
    fail (more load would not help them), and undecided otherwise."""
    rps, p99, errors = res["requests_per_second"], res["p99_ms"], res["errors"] + res.get("server_non_2xx", 0)
    short = rps < SERVICE_RATE_TOLERANCE * SERVICE_RATE
    why = [f"p99 {p99:.2f} ms"] if p99 >= SERVICE_GOAL_P99_MS else []
    why += [f"{errors:,} errors"] if errors else []
    if why:
        if short:
            why.append(f"at only {rps:,.0f} req/s" + (": the server saturates" if res["p50_ms"] > SERVICE_DELAY_MS / 2
                                                       else ""))
        return False, f"not met ({', '.join(why)})"
    if short:
        return None, f"undecided: {rps:,.0f} req/s is below {SERVICE_RATE_TOLERANCE:.0%} of {SERVICE_RATE:,}"
    return True, "met"


def bench_service(ctx):
    """`intent serve` under wrk on loopback: latency percentiles at ≈ 2,000 requests/s and closed-loop
    throughput, for the bundled gbdt and logistic models. No peer."""
    rows = []
    doc = {"goal": {"rate": SERVICE_RATE, "p99_ms_below": SERVICE_GOAL_P99_MS, "errors": 0},
           "method": {"fixed_rate": f"wrk -t1 -cN, delay() per connection after each answer drawn from an "
                                    f"exponential distribution of mean {SERVICE_DELAY_MS} ms (seeded) "
                                    f"(N starts at {SERVICE_CONNECTIONS}, scaled once when the rate falls short); "
                                    "latency from the request's write to its answer (no coordinated-omission "
                                    "correction, unlike wrk2)",
                      "closed_loop": f"wrk -t{SERVICE_CLOSED[0]} -c{SERVICE_CLOSED[1]}",
                      "duration_seconds": SERVICE_DURATION_S, "warmup_seconds": SERVICE_WARMUP_S,
                      "wrk_timeout": SERVICE_WRK_TIMEOUT,
                      "note": "wrk and the server share this machine's cores"},
           "cpus": os.cpu_count(), "bodies": SERVICE_BODIES, "intent_mtime": [_mtime(ctx.intent)],
           "servers": [], "runs": []}

    def save():
        with open(SERVICE_RESULTS + ".tmp", "w") as fh:
            json.dump(dict(doc, rows=rows), fh, indent=1)
        os.replace(SERVICE_RESULTS + ".tmp", SERVICE_RESULTS)

    try:
        wrk = _ensure_wrk(doc)
    except Failed as exc:
        log(f"service: skipped: {exc}")
        rows.append(row("service", "", na(f"skipped: {exc}"), "—", "—", "", {"error": str(exc)}))
        save()
        return rows

    scripts = {}
    for name, body in SERVICE_BODIES.items():
        scripts[("closed", name)] = _lua_script(f"{name}-closed", body)
        scripts[("fixed", name)] = _lua_script(f"{name}-fixed", body, SERVICE_DELAY_MS)
    state = {"connections": SERVICE_CONNECTIONS}

    def fixed_rate(server, name, label):
        # Each body starts from the same connection count: a saturated body's scaling is not carried over.
        state["connections"] = SERVICE_CONNECTIONS
        attempts = []
        while True:
            conns = state["connections"]
            log(f"service: {label}: wrk -t1 -c{conns}, delay mean {SERVICE_DELAY_MS} ms (exponential), {SERVICE_DURATION_S} s")
            res = _wrk_run(ctx, wrk, server, scripts[("fixed", name)], f"{label}-c{conns}", 1, conns,
                           SERVICE_DURATION_S)
            attempts.append(res)
            rps = res["requests_per_second"]
            # Short of the rate because of the pacing (not a saturated server): more connections, once.
            if len(attempts) > 1 or rps >= SERVICE_RATE_TOLERANCE * SERVICE_RATE or res["errors"] \
                    or res["p50_ms"] > SERVICE_DELAY_MS / 2:
                break
            more = min(SERVICE_MAX_CONNECTIONS, math.ceil(conns * SERVICE_RATE / max(rps, 1.0)))
            if more <= conns:
                break
            log(f"service: {label}: {rps:,.0f} req/s with {conns} connections; again with {more}")
            state["connections"] = more
        res = dict(attempts[-1])
        if len(attempts) > 1:
            res["earlier_attempts"] = attempts[:-1]
        return res

    for kind, plan in SERVICE_PLAN:
        # Each model starts from the same connection count: a slower model's scaling is not carried over.
        state["connections"] = SERVICE_CONNECTIONS
        server = _Server(ctx, kind, SERVICE_MODELS[kind])
        try:
            server.start()
            log(f"service: {kind}: warm-up {SERVICE_WARMUP_S} s")
            _service_preflight(server, SERVICE_BODIES["session"])
            warm = _wrk_run(ctx, wrk, server, scripts[("closed", "session")], f"service-{kind}-warmup",
                            *SERVICE_CLOSED, SERVICE_WARMUP_S)
            doc["runs"].append({"model": kind, "mode": "warm-up", "body": "session", **warm})
            for mode, name in plan:
                label = f"service-{kind}-{mode}-{name}"
                size = f"POST /v1/score, {SERVICE_BODY_LABELS[name]}"
                title = f"service {'fixed rate' if mode == 'fixed' else 'closed loop'} ({kind})"
                try:
                    if not server.alive():
                        raise Failed("the server is not running")
                    pre = _service_preflight(server, SERVICE_BODIES[name])
                    if mode == "fixed":
                        res = fixed_rate(server, name, label)
                        goal, verdict = _service_goal(res)
                        how = f"wrk -t1 -c{res['connections']}, delay mean {SERVICE_DELAY_MS} ms (exponential)"
                        res["goal_met"] = goal
                    else:
                        log(f"service: {label}: wrk -t{SERVICE_CLOSED[0]} -c{SERVICE_CLOSED[1]}, "
                            f"{SERVICE_DURATION_S} s")
                        res = _wrk_run(ctx, wrk, server, scripts[("closed", name)], label, *SERVICE_CLOSED,
                                       SERVICE_DURATION_S)
                        verdict = "n/a (closed loop: max throughput)"
                        how = f"wrk -t{SERVICE_CLOSED[0]} -c{SERVICE_CLOSED[1]}"
                    res.update(model=kind, mode=mode, body=name, preflight=pre)
                    doc["runs"].append(res)
                    errors = res["errors"]
                    err_text = f"errors {errors:,}"
                    if errors:
                        err_text += (f" (non-2xx/3xx {res['non_2xx_3xx']:,}, socket "
                                     + ", ".join(f"{k} {v}" for k, v in res["socket_errors"].items() if v) + ")")
                    if res.get("server_non_2xx"):
                        err_text += f"; server answered {res['server_non_2xx']:,} non-2xx"
                    notes = [f"{res['requests_per_second']:,.0f} req/s ({how}, {SERVICE_DURATION_S} s)", err_text,
                             f"goal p99 < {SERVICE_GOAL_P99_MS:g} ms at {SERVICE_RATE:,} req/s: {verdict}"]
                    exact = res.get("exact") or {}
                    if exact.get("p99_9_us") is not None:
                        notes.append(f"p99.9 {exact['p99_9_us'] / 1000:.2f} ms, max {exact['max_us'] / 1000:.2f} ms")
                    if res.get("server_cpu_us_per_request") is not None:
                        notes.append(f"server CPU {res['server_cpu_us_per_request']:.0f} µs/request")
                    if res.get("steal_share") is not None:
                        notes.append(f"CPU time stolen by the hypervisor {100 * res['steal_share']:.1f}%")
                    if server.info.get("executor") != "event loops":
                        notes.append(f"tasks on the {server.info.get('executor', 'unknown')} executor")
                    rows.append(row(title, size, _ms3(res), "—", "—", "; ".join(notes), res))
                except Failed as exc:
                    doc["runs"].append({"model": kind, "mode": mode, "body": name, "error": str(exc)})
                    rows.append(row(title, size, na(exc), "—", "—", "", {"error": str(exc)}))
                save()
        except Failed as exc:
            rows.append(row(f"service ({kind})", "", na(exc), "—", "—", "", {"error": str(exc)}))
        finally:
            stop = server.stop()
            doc["servers"].append(server.info)
            save()
        if stop and stop.get("stopped_by") != "SIGTERM":
            log(f"service: {kind} server: {stop.get('stopped_by')}")
            rows.append(row(f"service ({kind})", "", "—", "—", "—",
                            f"warning: the server stopped by {stop.get('stopped_by')}, not by SIGTERM "
                            f"(exit status {stop.get('exit_status')})", stop))
        elif stop:
            log(f"service: {kind} server stopped by SIGTERM in {stop['stop_seconds']:.2f} s "
                f"(exit status {stop['exit_status']}; peak RSS {_mib(stop.get('peak_rss_mib'))})")

    doc["intent_mtime"].append(_mtime(ctx.intent))
    if doc["intent_mtime"][0] != doc["intent_mtime"][-1]:
        rows.append(row("service", "", "—", "—", "—", "warning: intent was rebuilt during this run: "
                        "rows may mix two builds"))
    save()
    return rows


# A later benchmark: one function returning rows, plus one entry here (and,
# for the peer side, one task in peers.py).
BENCHMARKS = {
    "features": bench_features,
    "logistic": bench_logistic,
    "gbdt-speed": bench_gbdt_speed,
    "gbdt-accuracy": bench_gbdt_accuracy,
    "uci-cv": bench_uci_cv,
    "scoring": bench_scoring,
    "service": bench_service,
}


# ---------------------------------------------------------------------- main

def parse_sizes(text):
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        mult = 1
        if part[-1] in "km":
            mult = 1000 if part[-1] == "k" else 1_000_000
            part = part[:-1]
        try:
            value = int(float(part) * mult)
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad size {part!r}")
        if value <= 0:
            raise argparse.ArgumentTypeError("sizes must be positive")
        sizes.append(value)
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def machine_info():
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as fh:
            m = re.search(r"model name\s*:\s*(.+)", fh.read())
            if m:
                info["cpu"] = m.group(1).strip()
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as fh:
            m = re.search(r"MemTotal:\s*(\d+)", fh.read())
            if m:
                info["memory_gb"] = round(int(m.group(1)) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    release = os.path.join(ROOT, ".build", "static", "release", "intent")
    ap.add_argument("--intent", default=release if os.path.exists(release) else os.path.join(ROOT, ".build", "release", "intent"),
                    help="the intent executable (default: `make release`'s .build/static/release/intent, "
                         "else .build/release/intent)")
    ap.add_argument("--only", help=f"comma-separated benchmarks among: {', '.join(BENCHMARKS)}")
    ap.add_argument("--sizes", type=parse_sizes,
                    help="session counts (gbdt-speed: matrix rows) to use instead of each benchmark's "
                         "defaults, e.g. 50000,200k")
    ap.add_argument("--quick", action="store_true", help=f"small sizes ({QUICK_SESSIONS:,} sessions): a smoke run")
    ap.add_argument("--keep", action="store_true", help="keep generated data and matrices in bench/out")
    ap.add_argument("--repeats", type=int,
                    help="runs per measurement; the median is reported (default 3; gbdt-speed --quick: 1)")
    ap.add_argument("--no-peers", action="store_true", help="skip the peer libraries (no venv, no install)")
    ap.add_argument("--peer-dtype", choices=("float32", "float64"), default="float32",
                    help="dtype of the matrix handed to scikit-learn (float32: the matrix we train on)")
    args = ap.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        ap.error("--repeats must be at least 1")

    names = list(BENCHMARKS)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown:
            ap.error(f"unknown benchmark {', '.join(unknown)}; choose among {', '.join(BENCHMARKS)}")

    intent = os.path.abspath(args.intent)
    if not os.access(intent, os.X_OK):
        print(f"bench: {intent} is not an executable; build it first (make build)", file=sys.stderr)
        return 2
    os.makedirs(LOGS, exist_ok=True)

    try:
        version = subprocess.run([intent, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        version = None
    peers = Peers(enabled=not args.no_peers)
    ctx = Context(args, intent, peers)
    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "intent": intent, "intent_version": version, "machine": machine_info(),
        "options": {"only": names, "sizes": args.sizes, "quick": args.quick, "repeats": ctx.repeats,
                    "peer_dtype": args.peer_dtype},
        "peers": {}, "benchmarks": {}, "table": [],
    }

    def save():
        results["peers"] = {"status": peers.status, "versions": peers.versions, "error": peers.error,
                            "unset_for_peers": peers.unset}
        tmp = RESULTS + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(results, fh, indent=1)
        os.replace(tmp, RESULTS)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > 0.5:
        log(f"note: load average {load:.2f} before starting: other work on this machine makes timings noisy")

    all_rows = []
    for name in names:
        log(f"== {name}")
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        t0 = time.perf_counter()
        try:
            rows = BENCHMARKS[name](ctx)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a bug in one benchmark must not lose the others
            rows = [row(name, "", na(f"{type(exc).__name__}: {exc}"), "n/a", "n/a", "harness error")]
        results["benchmarks"][name] = {"seconds": time.perf_counter() - t0, "load_average_before": load_before,
                                       "load_average_after": os.getloadavg() if load_before else None,
                                       "rows": rows}
        all_rows.extend(rows)
        results["table"] = [{k: r[k] for k in ("benchmark", "size", "ours", "peer", "ratio", "notes")}
                            for r in all_rows]
        save()

    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    save()
    print()
    print_table(all_rows)
    print(f"\nratio = peer time / our time (above 1: VisitIntent faster); Δ = ours − peer. All numbers: "
          f"{os.path.relpath(RESULTS, os.getcwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
