"""A second process that imports a command's slow library while Django starts.

`manage.py committee_report` spends about half a second starting Django before it can
compose the paper, and WeasyPrint takes about as long to import. manage.py calls
start() before it imports Django, so on two or more cores both happen at once: this
process imports the library, then runs the calls the command sends it with call().
Forking before Django means no thread, lock or database connection crosses the fork.
"""

import gc
import importlib
import multiprocessing
import os
import signal

PRELOAD = {"committee_report": "weasyprint"}

_connection = None
_process = None


def start(argv: list[str]) -> None:
    """Start the process when this command has a library to preload and there is a core for it."""
    global _connection, _process
    library = PRELOAD.get(argv[1] if len(argv) > 1 else "")
    if library is None or cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    _process = context.Process(target=serve, args=(theirs, ours, library), daemon=True)
    _process.start()
    theirs.close()
    _connection = ours


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def serve(connection, commands_end, library: str) -> None:
    commands_end.close()  # so that when the command's process ends, recv() sees it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    # This process does one command's work and exits, so the cyclic garbage collector
    # would only cost time: about a tenth of WeasyPrint's, for 1 MB of memory on a paper.
    gc.disable()
    importlib.import_module(library)
    while True:
        try:
            function, args = connection.recv()
        except EOFError:  # the command has finished, or failed before it needed us
            return
        try:
            connection.send((True, function(*args)))
        except Exception as error:  # noqa: BLE001 - raised again in the command's process
            connection.send((False, error))


def call(function, *args):
    """function(*args), in the head-start process if one was started, else here."""
    if _connection is None:
        return function(*args)
    try:
        _connection.send((function, args))
        ok, value = _connection.recv()
    except (EOFError, OSError):  # the process died (killed, out of memory): do it here
        stop()
        return function(*args)
    if not ok:
        raise value
    return value


def stop() -> None:
    """End the process now, rather than when the command's process exits."""
    global _connection, _process
    if _connection is not None:
        _connection.close()
        _process.terminate()
        _process.join()
        _connection = _process = None
