"""Shared helpers of the quality evaluations (make eval).

Each task is a script tests/eval/eval_TASK.py that prints its details and
ends with one summary line "SUMMARY TASK: ...", and exits 0 when it met its
targets, 1 when not (2 on a setup error).  run.py runs every one of them and
repeats the summary lines at the end.

The corpus is read from ../shared/corpus (or $NEWSD_CORPUS): third-party
texts, never copied into the repository.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def corpus_dir():
    d = os.environ.get("NEWSD_CORPUS") or os.path.join(ROOT, "..", "shared", "corpus")
    d = os.path.abspath(d)
    if not os.path.isdir(d):
        sys.exit(f"eval: no corpus at {d} (set NEWSD_CORPUS)")
    return d


def newsd_binary(build_dir):
    exe = os.path.join(build_dir, "daemon", "newsd")
    if not os.access(exe, os.X_OK):
        sys.exit(f"eval: {exe} is missing: run make build first")
    return exe


def try_files(build_dir, config, files, batch=200, extra_args=()):
    """Run `newsd --try` over files in batches.  Returns {path: record} for
    the files that made it through and {path: reason} for the others."""
    exe = newsd_binary(build_dir)
    records, failures = {}, {}
    for i in range(0, len(files), batch):
        chunk = files[i:i + batch]
        args = [exe, "--log-level", "error", "--try", *chunk]
        if config:
            args += ["-c", config]
        args += list(extra_args)
        p = subprocess.run(args, capture_output=True, text=True)
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        if len(chunk) == 1 and p.stdout.strip():
            lines = [p.stdout]
        for line in lines:
            rec = json.loads(line)
            records[rec["source"]] = rec
        for f in chunk:
            if f not in records:
                failures[f] = _reason_for(f, p.stderr)
    return records, failures


def _reason_for(f, stderr):
    for line in stderr.splitlines():
        if f in line:
            return line
    return "no record (newsd printed nothing for it)"


def tsv_rows(path):
    """The tab-separated fields of each line of path, blank lines and
    '#' comments left out."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


def labels(tsv):
    """[(absolute path, label)] from a labels.tsv of file<TAB>label lines."""
    base = os.path.dirname(os.path.abspath(tsv))
    return [(os.path.join(base, row[0]), row[1]) for row in tsv_rows(tsv)]


def summary(task, text):
    print(f"SUMMARY {task}: {text}", flush=True)
