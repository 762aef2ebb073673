import logging
import time


class UTCFormatter(logging.Formatter):
    """Security log lines carry UTC times, whatever the server's zone."""

    converter = time.gmtime
