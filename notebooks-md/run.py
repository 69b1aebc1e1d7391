#!/usr/bin/env python3
"""Runs the shell blocks of Markdown walkthroughs, so the docs never rot.

    python3 notebooks-md/run.py --intent /abs/path/to/intent notebooks-md/*.md

Each walkthrough runs in a fresh temporary directory, in one bash process
(`set -euo pipefail`), so variables and files carry from block to block.
Blocks fenced as ```sh or ```bash run; others (```text, ```json…) are shown
output and do not. `intent` is on PATH, $REPO is the repository root and a
fixed INTENT_PSEUDONYM_KEY keeps pseudonyms stable. Any failing command fails
the walkthrough; the runner prints the block and its output and exits 1.
Closing line: "notebooks: N passed, M failed".
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\w*)\s*$")


def blocks(path):
    """(line number, language, code) of each fenced block."""
    out, lang, start, buf = [], None, 0, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line.rstrip("\n"))
            if lang is None and m:
                lang, start, buf = m.group(1) or "text", n, []
            elif lang is not None and line.rstrip("\n") == "```":
                out.append((start, lang, "".join(buf)))
                lang = None
            elif lang is not None:
                buf.append(line)
    if lang is not None:
        raise SystemExit(f"{path}:{start}: unterminated code block")
    return out


def run(path, intent, repo, timeout):
    runnable = [(n, code) for n, lang, code in blocks(path) if lang in ("sh", "bash")]
    if not runnable:
        print(f"notebooks: {path}: no shell blocks", file=sys.stderr)
        return False
    work = tempfile.mkdtemp(prefix="visitintent-notebook-")
    bindir = os.path.join(work, ".bin")
    os.makedirs(bindir)
    os.symlink(intent, os.path.join(bindir, "intent"))
    script = ["set -euo pipefail"]
    for i, (line, code) in enumerate(runnable):
        script.append(f"echo '::block {i} line {line}' >&2")
        script.append(code)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), REPO=repo,
               INTENT_PSEUDONYM_KEY="walkthrough-key")
    try:
        p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"FAIL {path}: timed out after {timeout} s", file=sys.stderr)
        return False
    finally:
        pass
    ok = p.returncode == 0
    if ok:
        print(f"ok   {path} ({len(runnable)} blocks)")
        shutil.rmtree(work, ignore_errors=True)
    else:
        marks = re.findall(r"::block (\d+) line (\d+)", p.stderr)
        where = f"block {int(marks[-1][0]) + 1} (line {marks[-1][1]})" if marks else "before the first block"
        print(f"FAIL {path}: {where} exited with {p.returncode}", file=sys.stderr)
        print("---- stdout (last 40 lines) ----\n" + "\n".join(p.stdout.splitlines()[-40:]), file=sys.stderr)
        print("---- stderr (last 40 lines) ----\n" + "\n".join(p.stderr.splitlines()[-40:]), file=sys.stderr)
        print(f"(work directory kept: {work})", file=sys.stderr)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--intent", required=True, help="path of the built intent binary")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per walkthrough")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    intent = os.path.abspath(a.intent)
    if not os.access(intent, os.X_OK):
        raise SystemExit(f"notebooks: {intent} is not an executable; run 'make build' first")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    results = [run(f, intent, repo, a.timeout) for f in sorted(a.files) if not f.endswith("README.md")]
    passed = sum(results)
    print(f"notebooks: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
