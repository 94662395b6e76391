"""What bench/torture_nats.py and bench/bench_stream.py share: a throwaway
PostgreSQL (tests/pg/start.sh), a nats-server with JetStream, the
publisher (the build's tests/e2e/nats_peek) and newsd instances that can
be killed and started again.  Each raises RigError with the reason when
something cannot be started.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_DIR = os.path.join(ROOT, "tests", "pg")


class RigError(Exception):
    """A server or a daemon could not be started; the message says why."""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Postgres:
    """tests/pg/start.sh's server (trust auth, fsync off: it is thrown away
    afterwards, and the figures are newsd's, not the disk's).  As root the
    server runs as nobody, who must reach its folder: mode 711 on top."""

    def __init__(self):
        self.top = tempfile.mkdtemp(prefix="newsd-pg-", dir="/tmp")
        os.chmod(self.top, 0o711)
        self.dir = os.path.join(self.top, "srv")
        p = subprocess.run([os.path.join(PG_DIR, "start.sh"), self.dir, "--owner", str(os.getpid())],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            shutil.rmtree(self.top, ignore_errors=True)
            raise RigError("PostgreSQL: " + ((p.stderr.strip().splitlines() or ["start.sh failed"])[-1]))
        self.conninfo = p.stdout.strip().splitlines()[-1]
        with open(os.path.join(self.dir, "bindir")) as fh:
            self.psql_exe = os.path.join(fh.read().strip(), "psql")

    def psql(self, sql, timeout=120, conninfo=None):
        """Rows of sql as lists of strings (in another database of the
        server with conninfo)."""
        p = subprocess.run([self.psql_exe, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-d", conninfo or self.conninfo, "-c", sql], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RigError("psql %r: %s" % (sql, p.stderr.strip()))
        return [line.split("\t") for line in p.stdout.splitlines() if line]

    def scalar(self, sql):
        return int(self.psql(sql)[0][0])

    def scalar_in(self, conninfo, sql):
        return int(self.psql(sql, conninfo=conninfo)[0][0])

    def count(self, table="articles"):
        """Rows of table, 0 while archive_pg has not made it yet."""
        try:
            return self.scalar("SELECT count(*) FROM %s" % table)
        except RigError:
            return 0

    def remove(self):
        subprocess.run([os.path.join(PG_DIR, "stop.sh"), self.dir, "immediate", "--remove"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=90)
        shutil.rmtree(self.top, ignore_errors=True)


class Nats:
    """nats-server -js on a free loopback port with a store of its own;
    stop() and start() keep both (a restart, as an outage)."""

    def __init__(self, workdir):
        self.exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not os.path.exists(self.exe):
            raise RigError("nats-server is not installed (Debian package nats-server)")
        self.port = free_port()
        self.url = "nats://127.0.0.1:%d" % self.port
        self.store = os.path.join(workdir, "nats-store")
        self.log = os.path.join(workdir, "nats-server.log")
        self.proc = None

    def _log_size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def start(self):
        since = self._log_size()
        self.proc = subprocess.Popen([self.exe, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", self.store,
                                      "-l", self.log], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RigError("nats-server exited with %d; see %s" % (self.proc.returncode, self.log))
            try:
                with open(self.log, "rb") as fh:
                    fh.seek(since)
                    if b"Server is ready" in fh.read():
                        return self
            except FileNotFoundError:
                pass   # not written yet
            time.sleep(0.05)
        raise RigError("nats-server not ready within 15 s; see " + self.log)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Peek:
    """tests/e2e/nats_peek of the build: publisher and consumer probe."""

    def __init__(self, build):
        self.exe = os.path.join(build, "tests", "e2e", "nats_peek")
        if not os.path.exists(self.exe):
            raise RigError(self.exe + " is not built (libnats-dev missing?)")

    def publish(self, url, subject, files, with_ids=True):
        """Publish files, each waited for; returns (ok, stderr)."""
        p = subprocess.run([self.exe, "--pub-ids" if with_ids else "--pub", url, subject] + files,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
        return p.returncode == 0, p.stderr.decode(errors="replace").strip()

    def consumer(self, url, stream, durable):
        """{"pending", "ack_pending", "redelivered"}, or None (no server, no consumer)."""
        import json
        p = subprocess.run([self.exe, "--consumer", url, stream, durable], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def stream_empty(self, url, stream):
        """True when the stream holds no message (a work queue, all acknowledged)."""
        p = subprocess.run([self.exe, url, stream], stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
        return p.returncode == 0 and not p.stdout.strip()


def input_nats_section(url, name="bus", **keys):
    kv = {"so": "input_nats.so", "url": url, "stream": "ARTICLES", "subject": "articles.in", "durable": "newsd",
          "create_stream": "true", "retention": "workqueue"}
    kv.update({k: str(v) for k, v in keys.items()})
    return "\n[plugin.%s]\n" % name + "".join("%s = %s\n" % kv_ for kv_ in kv.items())


class Instance:
    """One newsd on a state dir of its own (a machine of a deployment)."""

    def __init__(self, newsd, workdir, name, config_text):
        self.newsd = newsd
        self.name = name
        self.state = os.path.join(workdir, name)
        os.makedirs(self.state, exist_ok=True)
        self.conf = os.path.join(workdir, name + ".ini")
        self.log_path = os.path.join(workdir, name + ".log")
        with open(self.conf, "w") as fh:
            fh.write(config_text.replace("{state}", self.state))
        self.proc = None
        self.starts = 0

    def start(self, timeout=60):
        self.starts += 1
        with open(self.log_path, "ab") as log:
            since = log.tell()
            log.write(b"----- start #%d\n" % self.starts)
            root = ["--allow-root"] if os.geteuid() == 0 else []
            self.proc = subprocess.Popen([self.newsd, "-c", self.conf] + root, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as fh:
                fh.seek(since)
                if b" ready" in fh.read():
                    return self
            if self.proc.poll() is not None:
                raise RigError("%s: newsd exited with %d at start; see %s" % (self.name, self.proc.returncode,
                                                                              self.log_path))
            time.sleep(0.05)
        raise RigError("%s: newsd not ready within %d s; see %s" % (self.name, timeout, self.log_path))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait(30)

    def stop(self):
        """SIGTERM; True when newsd exited 0 within 60 s."""
        if not self.alive():
            return False
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60) == 0
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return False

    def _entries(self, sub):
        try:
            return [n for n in os.listdir(os.path.join(self.state, sub)) if not n.startswith(".")]
        except FileNotFoundError:
            return []

    def backlog(self):
        return len(self._entries("inbox")) + len(self._entries("work"))

    def failed(self):
        return [n for n in self._entries("failed") if not n.endswith(".reason")]
