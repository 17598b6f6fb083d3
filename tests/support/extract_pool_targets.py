"""Stand-in extraction targets for the pool tests.

Worker processes import these by name, so they live in a plain module (not a test file) and
take their orders from the ``html`` argument: the pool passes it through untouched.
"""

from __future__ import annotations

import os
import signal
import threading

from crawler.topic.facts import places


def scripted(html: str, url: str) -> object:
    """Behave as ``html`` says: hang, crash in some way, fail, return something unpicklable,
    report the worker's pid or whether it holds the gazetteer before any page needed it, meet
    another job through a FIFO, or echo the page upper-cased."""
    command, _, argument = html.partition(":")
    if command == "hang":
        threading.Event().wait()  # never set: only the deadline ends this
    if command == "exit":
        os._exit(3)
    if command == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if command == "memory":
        raise MemoryError
    if command == "raise":
        raise ValueError(argument)
    if command == "unpicklable":
        return lambda: None
    if command == "pid":
        return os.getpid()
    if command == "gazetteer-loaded":
        return places.gazetteer_loaded()
    if command == "fifo-write":
        return _fifo_write(argument)
    if command == "fifo-read":
        return _fifo_read(argument)
    return html.upper()


def _fifo_write(path: str) -> bool:
    # Opening a FIFO blocks until the other end is opened too: these two jobs can only
    # finish if they run at the same moment, in two workers.
    fd = os.open(path, os.O_WRONLY)
    try:
        return os.write(fd, b"x") == 1
    finally:
        os.close(fd)


def _fifo_read(path: str) -> bool:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 1) == b"x"
    finally:
        os.close(fd)
