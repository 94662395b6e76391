"""End-to-end tests of start-up refusals (issue 13): one daemon per state
directory, and state folders that newsd could not move files through.

Loaded by run.py; every test here is named startup_*.  The runner is root:
the bind-mount test makes its mount in a private mount namespace
(unshare -m) so nothing leaks into the machine, and the other-user test
runs newsd as nobody.  Where the machine does not allow either, the test
prints "skipped: ..." with the reason and passes, as tests_robust.py does.
"""

import os
import pwd
import shutil
import subprocess

from __main__ import ROOT_FLAG, check, small_article, test


def run_refused(ctx, argv, timeout=20, preexec=None):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       cwd=ctx.base, timeout=timeout, preexec_fn=preexec)
    with open(ctx.log_path, "a") as f:
        f.write(f"ran: {' '.join(map(str, argv))} -> exit {p.returncode}\n{p.stdout}{p.stderr}\n")
    return p


@test()
def startup_second_daemon_refused(ctx):
    first = ctx.start()
    # Another control socket: the socket alone would not keep it out.
    other = ctx.base / "other.sock"
    p = run_refused(ctx, [str(ctx.newsd), "-c", str(ctx.config_path), "--state-dir", str(ctx.state),
                          "--control-socket", str(other)] + ROOT_FLAG)
    check(p.returncode != 0, f"a second daemon on the same state dir started (exit {p.returncode})")
    lines = [l for l in p.stderr.splitlines() if ".lock" in l]
    check(lines, f"the refusal does not name the lock file:\n{p.stderr}")
    check(f"pid {first.pid}" in lines[0], f"the refusal does not name the holder's pid {first.pid}: {lines[0]}")
    check(not other.exists(), "the refused daemon created its control socket")
    # The first one is untouched and still works.
    id_ = ctx.drop("after.txt", small_article("Nach dem Versuch", "Der erste Daemon arbeitet weiter."))
    ctx.wait_archived([id_])
    ctx.assert_alive("after a second daemon was refused")
    # Stopped, it lets go: the next one starts.
    ctx.shutdown(strict=True)
    second = ctx.start()
    check(second.alive(), "a daemon could not start after the first stopped")


@test()
def startup_readonly_bind_mounted_inbox(ctx):
    if not shutil.which("unshare"):
        print("skipped: no unshare(1) on this machine")
        return
    cfg = ctx.write_config()
    for d in (ctx.inbox, ctx.tmp, ctx.work, ctx.failed):
        d.mkdir(parents=True, exist_ok=True)
    script = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"')
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", str(ctx.inbox),
            str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)] + ROOT_FLAG
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"', "sh",
                            str(ctx.inbox)], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"skipped: cannot bind-mount in a private mount namespace here: {probe.stderr.strip()}")
        return
    p = run_refused(ctx, argv)
    check(p.returncode != 0, f"newsd started with a read-only inbox (exit {p.returncode})")
    want = f"{ctx.state}/inbox is on a read-only mount"
    check(want in p.stderr, f"the refusal does not say {want!r}:\n{p.stderr}")


@test()
def startup_inbox_of_another_user(ctx):
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        print("skipped: no user nobody")
        return
    if os.geteuid() != 0:
        print("skipped: not root, cannot run newsd as another user")
        return
    cfg = ctx.write_config()
    ctx.state.mkdir(parents=True, exist_ok=True)
    os.chown(ctx.state, nobody.pw_uid, nobody.pw_gid)
    ctx.inbox.mkdir(mode=0o755)          # root's, and others may not write
    os.chmod(ctx.inbox, 0o755)
    os.chmod(ctx.base, 0o755)
    os.chmod(cfg, 0o644)

    def as_nobody():
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    p = run_refused(ctx, [str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)],
                    preexec=as_nobody)
    check(p.returncode != 0, f"newsd started with an inbox it cannot write (exit {p.returncode})")
    want = f"{ctx.state}/inbox is not writable by newsd (user nobody): it belongs to root:root"
    check(want in p.stderr, f"the refusal does not say {want!r}:\n{p.stderr}")
    check("chown nobody" in p.stderr, f"the refusal gives no fix:\n{p.stderr}")


@test()
def startup_versions_agree(ctx):
    """newsd --version and newsctl --version name the same release."""
    d = subprocess.run([str(ctx.newsd), "--version"], capture_output=True, text=True)
    c = subprocess.run([str(ctx.build / "newsctl" / "newsctl"), "--version"], capture_output=True,
                       text=True)
    check(d.returncode == 0 and c.returncode == 0, f"exit codes {d.returncode}, {c.returncode}")
    dv, cv = d.stdout.split()[1], c.stdout.split()[1]
    check(c.stdout.startswith("newsctl "), f"newsctl --version printed {c.stdout!r}")
    check(dv == cv, f"newsd says {dv}, newsctl says {cv}")


@test()
def startup_lock_retaken_after_state_dir_deleted(ctx):
    """rm -rf of the whole state dir under a running daemon: it makes the
    folders again (issue 12) and locks the new one too, so a second
    daemon is still kept out."""
    first = ctx.start()
    shutil.rmtree(ctx.state)
    ctx.wait(lambda: (ctx.state / ".lock").exists() and ctx.inbox.is_dir(), 20,
             "the state dir made again, with its lock")
    p = run_refused(ctx, [str(ctx.newsd), "-c", str(ctx.config_path), "--state-dir", str(ctx.state),
                          "--control-socket", str(ctx.base / "other.sock")] + ROOT_FLAG)
    check(p.returncode != 0, f"a second daemon started on the re-made state dir (exit {p.returncode})")
    check(f"pid {first.pid}" in p.stderr, f"the refusal does not name pid {first.pid}:\n{p.stderr}")
    id_ = ctx.drop("after.txt", small_article("Neu angelegt", "Der Ordner wurde neu angelegt."))
    ctx.wait_archived([id_])


@test()
def startup_root_refused_without_flag(ctx):
    """As root, the daemon needs --allow-root; --try does not."""
    if os.geteuid() != 0:
        print("skipped: not root")
        return
    cfg = ctx.write_config()
    p = run_refused(ctx, [str(ctx.newsd), "-c", str(cfg), "--state-dir", str(ctx.state)])
    check(p.returncode != 0, f"newsd ran as root without --allow-root (exit {p.returncode})")
    check("refusing to run as root" in p.stderr and "--allow-root" in p.stderr,
          f"the refusal does not say why or how:\n{p.stderr}")
    check(not ctx.inbox.exists(), "the refused daemon created the state folders")
