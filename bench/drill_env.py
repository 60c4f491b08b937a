"""Private services and app processes for the fault drills (``bench/drills.py``).

Everything runs on its own ports under ``/tmp/ss-drill``: a PostgreSQL cluster (5439), a
Redis server (6391), the fake SMTP server (2591, logging each delivery as a JSON line), and
the app as in production: gunicorn, a Celery worker and Celery beat. The shared PostgreSQL
and Redis of the machine are never touched.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/ss-drill")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_DIR, PG_PORT = WORK / "pg", 5439
REDIS_PORT, SMTP_PORT, WEB_PORT = 6391, 2591, 8391
SMTP_LOG = WORK / "smtp.jsonl"
BASE_URL = f"http://127.0.0.1:{WEB_PORT}"


def app_environment(**extra) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.drill_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/drill",
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "VAR_DIR": str(WORK / "var"),
        "STAFF_ALERT_EMAIL": "alerts@softwaresupp.example",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def _as_postgres(*command) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, command)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Postgres:
    def create(self) -> None:
        PG_DIR.mkdir(parents=True)
        shutil.chown(PG_DIR, "postgres", "postgres")
        _as_postgres(PG_BIN / "initdb", "-D", PG_DIR, "-A", "trust", "-U", "postgres")
        self.start()
        _as_postgres(PG_BIN / "createdb", "-h", PG_DIR, "-p", PG_PORT, "drill")

    def _ctl(self, action: str, *options) -> None:
        _as_postgres(PG_BIN / "pg_ctl", "-D", PG_DIR, "-w", "-l", PG_DIR / "log", action, *options)

    def start(self) -> None:
        self._ctl("start", "-o", f"-p {PG_PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")


class Redis:
    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(WORK),
                "--pidfile",
                str(WORK / "redis.pid"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        _wait_for(lambda: self.ping(), "redis")

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True
        )
        _wait_for(lambda: not self.ping(), "redis to stop")


class Processes:
    """The app's long-running processes, started and stopped by their own ids."""

    def __init__(self):
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], **env) -> subprocess.Popen:
        with open(WORK / f"{name}.log", "ab") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=app_environment(**env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = process
        return process

    def smtp(self, delay: float = 0.0):
        command = [
            sys.executable,
            "-m",
            "tests.smtp_server",
            "--port",
            str(SMTP_PORT),
            "--log",
            str(SMTP_LOG),
            "--delay",
            str(delay),
        ]
        return self.start("smtp", command)

    def web(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "softwaresupp.wsgi",
            "-b",
            f"127.0.0.1:{WEB_PORT}",
            "-w",
            "2",
            "--timeout",
            "30",
        ]
        process = self.start("web", command)
        _wait_for(lambda: _http_ok(f"{BASE_URL}/healthz"), "gunicorn")
        return process

    def worker(self, **env):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "softwaresupp",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-n",
            f"drill-{time.time_ns()}@%h",
        ]
        return self.start("worker", command, **env)

    def beat(self):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "softwaresupp",
            "beat",
            "-l",
            "warning",
            "-s",
            str(WORK / "beat-schedule"),
        ]
        return self.start("beat", command)

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        process = self.running.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except Exception:  # not up yet, or unhealthy (503)
        return False


def _wait_for(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def deliveries() -> list[dict]:
    if not SMTP_LOG.exists():
        return []
    return [json.loads(line) for line in SMTP_LOG.read_text().splitlines() if line]


def manage(*arguments: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=app_environment(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Drill:
    """Fresh private services for one drill; everything is removed afterwards."""

    def __enter__(self):
        if WORK.exists():
            shutil.rmtree(WORK)
        (WORK / "var").mkdir(parents=True)
        self.postgres, self.redis, self.processes = Postgres(), Redis(), Processes()
        self.postgres.create()
        self.redis.start()
        manage("migrate", "--no-input")
        manage("seed_demo")
        return self

    def __exit__(self, *exc):
        self.processes.stop_all()
        if self.redis.ping():
            self.redis.stop()
        self.postgres.stop()
        shutil.rmtree(WORK, ignore_errors=True)
