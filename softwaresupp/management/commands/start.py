"""``manage.py start``: the whole platform in one command.

Migrates, loads the demo data, then runs the web server, a Celery worker and Celery beat
side by side until Ctrl-C (or SIGTERM), which stops all three.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

KEYS_REFUSAL = """PostgreSQL is configured (DATABASE_URL) but {unset} still hold the public
development key. Set them in the environment or in .env first, for example:
  DJANGO_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')
  FIELD_ENCRYPTION_KEYS=$(python -c 'from cryptography.fernet import Fernet; \
print(Fernet.generate_key().decode())')"""


def development_keys_in_use() -> list[str]:
    """The variables still on the embedded default's public keys, when PostgreSQL is
    configured: data worth keeping must not be signed or encrypted with a key anyone has."""
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return []
    unset = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        unset.append("DJANGO_SECRET_KEY")
    if settings.DEVELOPMENT_FIELD_ENCRYPTION_KEY in settings.FIELD_ENCRYPTION_KEYS:
        unset.append("FIELD_ENCRYPTION_KEYS")
    return unset


def served_site_url(host: str, port: str, environ=os.environ) -> str:
    """The address absolute links (emails, a task made from a query) point at: SITE_URL when
    the operator set it, otherwise where this command serves, so ``--port 8101`` links to
    :8101. A wildcard host (0.0.0.0, ::) is reached on this machine as 127.0.0.1."""
    if environ.get("SITE_URL"):
        return environ["SITE_URL"].rstrip("/")
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = (
        "Migrate, seed demo data and run web, worker and beat together. Links in emails and "
        "pages follow --host and --port unless SITE_URL is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--port",
            default="8000",
            help="Port to serve on (default 8000); absolute links in emails use it too.",
        )
        parser.add_argument("--no-seed", action="store_true", help="Skip the demo data.")

    def handle(self, *args, host, port, no_seed, **options):
        if unset := development_keys_in_use():
            raise CommandError(KEYS_REFUSAL.format(unset=" and ".join(unset)))
        # This process (the demo seeding) and the three it starts link to the served address.
        site_url = served_site_url(host, port)
        os.environ["SITE_URL"] = settings.SITE_URL = site_url
        self._prepare_var_dirs()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Database is migrated."))
        if not no_seed:
            call_command("seed_demo", verbosity=0)
            self._print_logins(host, port)
        self._run_processes(host, port)

    def _prepare_var_dirs(self):
        broker = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folders = [
            settings.VAR_DIR,
            settings.VAR_DIR / "cache",
            settings.STATIC_ROOT,
            settings.MEDIA_ROOT,
        ]
        keys = ("data_folder_in", "processed_folder", "control_folder")
        folders += [broker[key] for key in keys if key in broker]
        for folder in folders:
            os.makedirs(folder, exist_ok=True)

    def _print_logins(self, host, port):
        from accounts.demo import DEMO_PASSWORD, logins

        url = settings.SITE_URL
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"SoftwareSupp is starting at {url}/"))
        self.stdout.write(f"Health: {url}/healthz   Admin: {url}/admin/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in logins():
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write("Press Ctrl-C to stop the web server, the worker and beat.\n")
        self.stdout.flush()

    def _run_processes(self, host, port):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [python, manage, "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "softwaresupp",
                "worker",
                "--pool=solo",
                "-l",
                "info",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "softwaresupp",
                "beat",
                "-l",
                "info",
                "-s",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "softwaresupp.settings.local"
            ),
        }
        processes = {
            name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)
            for name, cmd in commands.items()
        }
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            if stopping:
                return
            stopping = True
            self.stdout.write("\nStopping web, worker and beat…")
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(
                        f"The {name} process exited ({process.returncode}); stopping the rest."
                    )
                    exit_code = process.returncode or 1
                    stop()
                    break
            time.sleep(0.5)
        sys.exit(exit_code)
