"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), keeping what it receives."""

import datetime
import email
import io
import re
import socket
from email import policy
from zoneinfo import ZoneInfo

import time_machine
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

LONDON = ZoneInfo("Europe/London")


class Keep:
    """Keeps each message; refuses the addresses in `refuse`."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(Mail(envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address: str) -> list["Mail"]:
        return [m for m in self.messages if address in m.recipients]


class Mail:
    def __init__(self, recipients, message):
        self.recipients, self.message = recipients, message
        self.subject = message["Subject"]
        self.text = message.get_body(("plain",)).get_content()
        self.html = message.get_body(("html",)).get_content()

    def html_links(self) -> list[str]:
        return re.findall(r'href="([^"]+)"', self.html)

    def text_links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.text)


def free_port() -> int:
    with socket.socket() as s:  # port=0 does not work with Controller
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Keep()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def on(day: str, hour: int = 8):
    """Travel to `day` (YYYY-MM-DD) at `hour` o'clock in London, with the clock stopped."""
    when = datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=LONDON)
    return time_machine.travel(when, tick=False)


def send() -> CommandError | None:
    """Run send_reminders: None when it succeeds, its error when it exits 1."""
    try:
        call_command("send_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        return error
    return None
