import logging
import re
import time

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UTCFormatter(logging.Formatter):
    """Security log lines carry UTC times, whatever the server's zone."""

    converter = time.gmtime


class OneLine(logging.Filter):
    """What a visitor typed (a username, a path) is written on its own line's terms: a
    newline or other control character in it is shown escaped, so it cannot start a forged
    line of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(escaped(arg) for arg in record.args)
        return True


def escaped(value):
    if not isinstance(value, str):
        return value
    return CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode(), value)
