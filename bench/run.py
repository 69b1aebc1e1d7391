#!/usr/bin/env python3
"""VisitIntent benchmarks against scikit-learn, LightGBM and XGBoost.

    python3 bench/run.py --intent /abs/path/.build/release/intent [--only NAME[,NAME]]
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

The ratio column is always peer time / our time: above 1 means VisitIntent is
faster.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

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
    return f"{r:.1f} {unit}/s"


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
        self.repeats = args.repeats

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


# Later benchmarks (gradient-boosted trees vs LightGBM / XGBoost /
# HistGradientBoosting, UCI cross-validation): one function returning rows,
# plus one entry here (and, for the peer side, one task in peers.py).
BENCHMARKS = {
    "features": bench_features,
    "logistic": bench_logistic,
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
    ap.add_argument("--intent", default=os.path.join(ROOT, ".build", "release", "intent"),
                    help="the intent executable (default: .build/release/intent)")
    ap.add_argument("--only", help=f"comma-separated benchmarks among: {', '.join(BENCHMARKS)}")
    ap.add_argument("--sizes", type=parse_sizes,
                    help="session counts to use instead of each benchmark's defaults, e.g. 50000,200k")
    ap.add_argument("--quick", action="store_true", help=f"small sizes ({QUICK_SESSIONS:,} sessions): a smoke run")
    ap.add_argument("--keep", action="store_true", help="keep generated data and matrices in bench/out")
    ap.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument("--no-peers", action="store_true", help="skip the peer libraries (no venv, no install)")
    ap.add_argument("--peer-dtype", choices=("float32", "float64"), default="float32",
                    help="dtype of the matrix handed to scikit-learn (float32: the matrix we train on)")
    args = ap.parse_args(argv)
    if args.repeats < 1:
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
        "options": {"only": names, "sizes": args.sizes, "quick": args.quick, "repeats": args.repeats,
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
    print(f"\nratio = peer time / our time (above 1: VisitIntent faster). All numbers: "
          f"{os.path.relpath(RESULTS, os.getcwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
