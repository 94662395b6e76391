"""End-to-end tests of the learned topics (issue 10): newsd learn on a
labelled subset of ../shared/corpus, the topics plugin in the shipped
config tagging a dropped article, newsctl learn on a running daemon, and a
missing or broken model that leaves the daemon running."""
import json
import os
import subprocess
import time

from __main__ import BBC_DIR, check, Fail, shipped_config, test


def labelled(label, start, n):
    """n BBC files of label from the start-th on, in labels.tsv order."""
    rows = [line.split("\t") for line in (BBC_DIR / "labels.tsv").read_text().splitlines() if line]
    files = [f for f, lab in rows if lab == label]
    check(len(files) >= start + n, f"the BBC corpus has fewer than {start + n} {label} articles")
    return files[start:start + n]


def write_labels(ctx, name, pairs):
    """A labels.tsv in the test's folder, paths relative to it."""
    path = ctx.base / name
    lines = [f"{os.path.relpath(BBC_DIR / f, ctx.base)}\t{label}" for f, label in pairs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def learn(ctx, *args, ok=True):
    p = ctx.run_newsd(["learn"] + [str(a) for a in args], timeout=120)
    if ok:
        check(p.returncode == 0, f"newsd learn {' '.join(map(str, args))}: exit {p.returncode}: "
                                 f"{p.stderr.decode()[-500:]}")
    return p


def newsctl(ctx, *args):
    argv = [str(ctx.build / "newsctl" / "newsctl"), "-d", str(ctx.state)] + [str(a) for a in args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def show(ctx, id_):
    p = newsctl(ctx, "--json", "show", id_)
    check(p.returncode == 0, f"newsctl show {id_}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def wait_shown(ctx, ids, timeout=30):
    ctx.wait(lambda: ctx.idle() and all(newsctl(ctx, "show", i).returncode == 0 for i in ids),
             timeout, f"{len(ids)} article(s) archived and shown by newsctl", interval=0.2)


def topic_tags(rec):
    return {t["name"]: t["weight"] for t in rec["tags"] if t.get("plugin") == "topics"}


def train_two(ctx, n=12):
    cfg = shipped_config(ctx)
    pairs = [(f, "sport") for f in labelled("sport", 0, n)] + \
            [(f, "business") for f in labelled("business", 0, n)]
    learn(ctx, "--model", "news", "--labels", write_labels(ctx, "labels.tsv", pairs), "-c", cfg)
    return cfg


@test(timeout=120)
def topics_learn_then_tag_through_cli(ctx):
    """newsd learn writes STATE_DIR/models/news.model from a labels.tsv with
    relative paths; the shipped config's topics plugin tags a held-out sport
    article topic:sport, weighted by its probability."""
    cfg = train_two(ctx)
    model = ctx.state / "models" / "news.model"
    check(model.is_file() and model.read_bytes()[:8] == b"NEWSDTPC", f"{model} missing or not a model")
    ctx.start(cfg)
    held_out = labelled("sport", 30, 1)[0]
    id_ = ctx.drop("sport.txt", (BBC_DIR / held_out).read_bytes())
    wait_shown(ctx, [id_])
    tags = topic_tags(show(ctx, id_))
    check("topic:sport" in tags, f"held-out sport article: topics tags {tags}")
    check(0.5 < tags["topic:sport"] <= 1.0, f"topic:sport weight {tags['topic:sport']}: not a probability "
                                            "above the other label's")
    check("topic:ai-chips" not in tags, "the keyword topics are the ai_chips plugin's, not topics'")


def tags_at_threshold_zero(ctx, cfg, nth):
    """Start newsd on cfg with threshold = 0, drop the nth sport article and
    return its topics tags: both labels, weights summing to 1."""
    text = cfg.read_text(encoding="utf-8").replace("model = news\n", "model = news\nthreshold = 0\n", 1)
    check("threshold = 0" in text, "the shipped config has no 'model = news' line")
    cfg.write_text(text, encoding="utf-8")
    ctx.start(cfg)
    id_ = ctx.drop(f"sport{nth}.txt", (BBC_DIR / labelled("sport", nth, 1)[0]).read_bytes())
    wait_shown(ctx, [id_])
    tags = topic_tags(show(ctx, id_))
    check(set(tags) == {"topic:sport", "topic:business"}, f"threshold 0: topics tags {tags}")
    check(abs(sum(tags.values()) - 1.0) < 1e-6, f"the weights do not sum to 1: {tags}")
    return tags


@test(timeout=120)
def topics_threshold_tags_other_labels(ctx):
    """threshold = 0: every label is tagged, weighted by its probability
    (they sum to 1), the most probable highest; a removed model file leaves
    the loaded model in use."""
    tags = tags_at_threshold_zero(ctx, train_two(ctx), 31)
    check(tags["topic:sport"] > tags["topic:business"], f"sport article: {tags}")
    (ctx.state / "models" / "news.model").unlink()
    time.sleep(1.2)
    id_ = ctx.drop("sport2.txt", (BBC_DIR / labelled("sport", 32, 1)[0]).read_bytes())
    wait_shown(ctx, [id_])
    check("topic:sport" in topic_tags(show(ctx, id_)), "the loaded model was dropped with its file")
    ctx.wait_log(lambda t: "is gone; the model read before stays in use" in t, 5, "the warning of a removed model")


@test(timeout=180)
def topics_newsctl_learn_adds_label(ctx):
    """newsctl learn adds archived articles as examples of a new label to the
    running daemon's model; the next article of that label is tagged with it,
    without a restart."""
    cfg = train_two(ctx)
    ctx.start(cfg)
    tech = labelled("tech", 0, 13)
    ids = [ctx.drop(f"tech{i}.txt", (BBC_DIR / f).read_bytes()) for i, f in enumerate(tech[:12])]
    wait_shown(ctx, ids)
    check(all("topic:tech" not in topic_tags(show(ctx, i)) for i in ids), "topic:tech before any tech example")
    p = newsctl(ctx, "learn", "news", "tech", *ids)
    check(p.returncode == 0, f"newsctl learn: exit {p.returncode}: {p.stderr.strip()}")
    check("12 example(s) of tech added" in p.stdout and "36 examples" in p.stdout,
          f"newsctl learn said: {p.stdout.strip()}")
    examples = (ctx.state / "models" / "news.examples").read_text().splitlines()
    check(len(examples) == 36, f"news.examples holds {len(examples)} examples, expected 36")
    time.sleep(1.2)   # the plugin looks at the model file at most once a second
    id_ = ctx.drop("tech_new.txt", (BBC_DIR / tech[12]).read_bytes())
    wait_shown(ctx, [id_])
    tags = topic_tags(show(ctx, id_))
    check("topic:tech" in tags, f"a tech article after newsctl learn: topics tags {tags}")
    ctx.assert_alive("after newsctl learn")
    # Unknown ids fail the request and leave the model as it was.
    p = newsctl(ctx, "learn", "news", "tech", "0" * 32)
    check(p.returncode == 1 and "0" * 32 in p.stderr, f"newsctl learn of an unknown id: exit {p.returncode}, "
                                                      f"{p.stderr.strip()}")
    check(len((ctx.state / "models" / "news.examples").read_text().splitlines()) == 36,
          "a failed newsctl learn changed the examples")
    p = newsctl(ctx, "learn", "../x", "tech", ids[0])
    check(p.returncode == 1 and "model name" in p.stderr, f"a bad model name: {p.stderr.strip()}")


@test(timeout=90)
def topics_without_model_inactive(ctx):
    """The shipped config without a trained model: the daemon starts, logs
    how to train one, and archives articles without learned topics."""
    ctx.start(shipped_config(ctx))
    ctx.wait_log(lambda t: "no model" in t and "newsd learn --model news" in t, 10, "the how-to-train notice")
    id_ = ctx.drop("a.txt", (BBC_DIR / labelled("sport", 0, 1)[0]).read_bytes())
    wait_shown(ctx, [id_])
    check(not topic_tags(show(ctx, id_)), "learned topics without a model")


@test(timeout=90)
def topics_broken_model_refused(ctx):
    """A truncated model is refused with the file and the cause; the daemon
    runs and archives; a good model written later is picked up."""
    cfg = train_two(ctx, n=8)
    model = ctx.state / "models" / "news.model"
    good = model.read_bytes()
    model.write_bytes(good[:len(good) // 2])
    ctx.start(cfg)
    ctx.wait_log(lambda t: "model refused" in t and str(model) in t and "truncated" in t, 10,
                 "the truncated model refused, naming the file")
    id_ = ctx.drop("a.txt", (BBC_DIR / labelled("sport", 40, 1)[0]).read_bytes())
    wait_shown(ctx, [id_])
    check(not topic_tags(show(ctx, id_)), "topics from a truncated model")
    tmp = model.with_suffix(".new")
    tmp.write_bytes(good)
    os.rename(tmp, model)
    time.sleep(1.2)
    id_ = ctx.drop("b.txt", (BBC_DIR / labelled("sport", 41, 1)[0]).read_bytes())
    wait_shown(ctx, [id_])
    check("topic:sport" in topic_tags(show(ctx, id_)), "the repaired model was not picked up")


@test(timeout=120)
def topics_learn_eval_and_errors(ctx):
    """newsd learn --eval prints accuracy, macro-F1 and per-label precision
    and recall; a bad labels.tsv is refused naming the file and line."""
    pairs = [(f, lab) for lab in ("sport", "business", "tech") for f in labelled(lab, 0, 10)]
    tsv = write_labels(ctx, "labels.tsv", pairs)
    p = learn(ctx, "--eval", tsv, "--folds", "3")
    out = p.stdout.decode()
    for word in ("3-fold cross-validation of 30 texts, 3 labels", "accuracy ", "macro_f1 ", "precision",
                 "recall", "sport", "business", "tech"):
        check(word in out, f"newsd learn --eval output lacks {word!r}: {out[:600]}")
    acc = float(out.split("accuracy ")[1].split()[0])
    check(acc >= 0.7, f"3-fold accuracy {acc} on three clear BBC labels")
    bad = ctx.base / "bad.tsv"
    bad.write_text(f"{os.path.relpath(BBC_DIR / pairs[0][0], ctx.base)}\tsport\nno-tab-here\n")
    p = learn(ctx, "--eval", bad, ok=False)
    check(p.returncode == 1 and f"{bad}:2: expected FILE<TAB>LABEL" in p.stderr.decode(),
          f"bad TSV: exit {p.returncode}: {p.stderr.decode()[-300:]}")
    missing = ctx.base / "missing.tsv"
    missing.write_text("nosuchfile.txt\tsport\n")
    p = learn(ctx, "--model", "x", "--labels", missing, "--state-dir", ctx.state, ok=False)
    check(p.returncode == 1 and "missing.tsv:1:" in p.stderr.decode() and "nosuchfile.txt" in p.stderr.decode(),
          f"missing file: {p.stderr.decode()[-300:]}")
    one = ctx.base / "one.tsv"
    one.write_text(f"{os.path.relpath(BBC_DIR / pairs[0][0], ctx.base)}\tsport\n")
    p = learn(ctx, "--model", "x", "--labels", one, "--state-dir", ctx.state, ok=False)
    check(p.returncode == 1 and "at least two labels" in p.stderr.decode(), f"one label: {p.stderr.decode()[-300:]}")


@test(timeout=120)
def topics_svm_learn_then_tag(ctx):
    """newsd learn --algo svm trains a linear SVM whose scores the plugin
    turns into probabilities (softmax with the scale fitted at training):
    with threshold = 0 both labels are tagged, the weights sum to 1 and a
    held-out sport article is most probably sport; --eval measures it."""
    cfg = shipped_config(ctx)
    pairs = [(f, "sport") for f in labelled("sport", 0, 12)] + \
            [(f, "business") for f in labelled("business", 0, 12)]
    tsv = write_labels(ctx, "labels.tsv", pairs)
    out = learn(ctx, "--eval", tsv, "--folds", "3", "--algo", "svm", "--cost", "1").stdout.decode()
    check("linear SVM" in out, f"newsd learn --eval --algo svm does not say what it measured: {out[:300]}")
    learn(ctx, "--model", "news", "--labels", tsv, "--algo", "svm", "--cost", "1", "-c", cfg)
    tags = tags_at_threshold_zero(ctx, cfg, 33)
    check(0.5 < tags["topic:sport"] < 1.0, f"sport article, SVM probabilities: {tags}")


@test(timeout=120)
def topics_learn_without_liblinear(ctx):
    """liblinear is opened on the first training (plugins/topics/linear_load.c):
    without it, newsd learn says which library and package are missing and
    trains nothing; naive Bayes, which does without it, still trains."""
    lib = os.path.realpath("/lib/x86_64-linux-gnu/liblinear.so.4")
    if os.geteuid() != 0 or not os.path.isfile(lib):
        print("skipped: needs root (a mount namespace) and liblinear.so.4 at the Debian path")
        return
    if subprocess.run(["unshare", "-m", "--propagation", "private", "true"]).returncode != 0:
        print("skipped: cannot make a mount namespace here")
        return
    cfg = shipped_config(ctx)
    pairs = [(f, "sport") for f in labelled("sport", 0, 12)] + \
            [(f, "business") for f in labelled("business", 0, 12)]
    labels = write_labels(ctx, "labels.tsv", pairs)

    def hidden_learn(*args):
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind /dev/null "$0" && exec "$@"', lib, str(ctx.newsd), "learn"] + \
               [str(a) for a in args] + ["--allow-root"] * (os.geteuid() == 0)
        return subprocess.run(argv, capture_output=True, text=True, cwd=ctx.base, timeout=120)

    p = hidden_learn("--model", "news", "--labels", labels, "-c", cfg)
    check(p.returncode != 0, f"newsd learn without liblinear: exit 0: {p.stdout[-300:]}")
    check("cannot load liblinear.so.4" in p.stderr and "liblinear4" in p.stderr,
          f"the error does not name the library and its package: {p.stderr[-500:]!r}")
    check(not (ctx.state / "models" / "news.model").exists(), "a model was written without liblinear")
    p = hidden_learn("--model", "news", "--labels", labels, "-c", cfg, "--algo", "nb")
    check(p.returncode == 0, f"newsd learn --algo nb without liblinear: exit {p.returncode}: {p.stderr[-500:]}")
    check((ctx.state / "models" / "news.model").is_file(), "naive Bayes wrote no model")
