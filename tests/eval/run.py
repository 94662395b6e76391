#!/usr/bin/env python3
"""make eval: run every tests/eval/eval_*.py and repeat their summary lines.

  python3 tests/eval/run.py [--build-dir build] [TASK...]

Exits 1 when a task missed its targets, 2 when one could not run.
"""
import argparse
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("tasks", nargs="*", help="only these (eval_TASK.py)")
    args = ap.parse_args()
    scripts = sorted(glob.glob(os.path.join(HERE, "eval_*.py")))
    if args.tasks:
        scripts = [s for s in scripts if os.path.basename(s)[5:-3] in args.tasks]
    if not scripts:
        sys.exit("eval: no tasks found")
    summaries, worst = [], 0
    for s in scripts:
        task = os.path.basename(s)[5:-3]
        print(f"==== {task}", flush=True)
        p = subprocess.run([sys.executable, s, "--build-dir", os.path.abspath(args.build_dir)],
                           stdout=subprocess.PIPE, text=True)
        sys.stdout.write(p.stdout)
        lines = [l for l in p.stdout.splitlines() if l.startswith("SUMMARY ")]
        summaries += lines or [f"SUMMARY {task}: no summary (exit {p.returncode})"]
        if p.returncode:
            summaries[-1] += "  [target missed]" if p.returncode == 1 else "  [did not run]"
        worst = max(worst, p.returncode if p.returncode in (1, 2) else 2 if p.returncode else 0)
    print("==== summary")
    for l in summaries:
        print(l[len("SUMMARY "):] if l.startswith("SUMMARY ") else l)
    return worst


if __name__ == "__main__":
    sys.exit(main())
