"""A real SMTP server for the outbox tests and the fault drills (aiosmtpd).

It accepts mail, refuses chosen recipients permanently (550) or a number of times
temporarily (451), and records what it received. Run alone for a drill:
``python -m tests.smtp_server --port 2525 --log var/drill/smtp.jsonl [--delay 0.3]`` (one
JSON line per delivered recipient).
"""

import argparse
import asyncio
import email
import json
import socket
import time
from contextlib import contextmanager
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeSMTPHandler:
    def __init__(self, permanent=(), temporary: dict[str, int] | None = None, log=None, delay=0.0):
        self.delay = delay  # seconds spent on each message before accepting it
        self.permanent = set(permanent)
        self.temporary = dict(temporary or {})  # address → how many more times to refuse
        self.received: list[tuple[str, str]] = []  # (recipient, subject)
        self.log = log

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.permanent:
            return "550 5.1.1 No such mailbox"
        if self.temporary.get(address, 0) > 0:
            self.temporary[address] -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=default)
        subject = " ".join(str(message["Subject"]).split())  # unfolded
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, subject))
            if self.log:
                line = {"to": recipient, "subject": subject, "at": time.time()}
                self.log.write(json.dumps(line) + "\n")
                self.log.flush()
        return "250 Message accepted"


@contextmanager
def smtp_server(settings=None, **handler_options):
    """A running server; with pytest-django's ``settings``, Django's SMTP backend uses it."""
    handler = FakeSMTPHandler(**handler_options)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    if settings is not None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield handler
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with open(args.log, "a", encoding="utf-8") as log:
        handler = FakeSMTPHandler(log=log, delay=args.delay)
        controller = Controller(handler, hostname="127.0.0.1", port=args.port)
        controller.start()
        try:
            while True:
                time.sleep(3600)
        finally:
            controller.stop()


if __name__ == "__main__":
    main()
