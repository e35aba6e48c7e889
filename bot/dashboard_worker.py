"""The dashboard's pages computed in long-lived worker processes, so that building their figures never competes with
the server's event loop for the GIL.

`herobot serve` starts `[web] dashboard_workers` of them (default 1; 0 computes the pages in threads of the server, as
the tests' apps do). Each is `python -m bot.dashboard_worker`: a fresh interpreter that imports only the dashboard and
storage modules (never Bolt or the Agents SDK, and the server is never forked with its threads and connections). It
answers calls of bot.dashboard's readers sent as pickled frames on its stdin, several at once in threads of its own
(their queries run side by side as they did in the server's threads), and only the built figures come back.

A page asked for while a worker starts waits for it. A worker that dies is noticed at once and started again; the
calls it was running fail with WorkerLost (the page answers 503). Closing the server closes the workers' stdin: they
finish what they run and exit, or are killed after STOP_TIMEOUT. A worker whose server is killed outright sees its
stdin end and exits too: none is left behind.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import logging
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0  # seconds a page waits for a starting worker before it is answered 503
STOP_TIMEOUT = 5.0  # seconds a worker has to finish its calls when the server stops
THREADS = 4  # calls a worker runs at once
NICENESS = 5  # below the server's priority: where they compete for a core, the bot's answers come first
_LENGTH = struct.Struct(">I")
ROOT = str(Path(__file__).resolve().parent.parent)  # the worker imports the very code the server runs


class WorkerLost(Exception):
    """The worker computing a page died, or none could be started: the page cannot be answered now."""


class PageWorker:
    """One worker process, started again whenever it dies, until `close`."""

    def __init__(self) -> None:
        self.starts = 0  # processes started so far
        self.started_in: float | None = None  # seconds the last one took to be ready
        self._process: asyncio.subprocess.Process | None = None
        self._ready = asyncio.Event()
        self._calls: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._closing = False
        self._task: asyncio.Task | None = None

    @property
    def pid(self) -> int | None:
        """The running process's id, ready or still starting."""
        return self._process.pid if self._process and self._process.returncode is None else None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def busy(self) -> int:
        return len(self._calls)

    def start(self) -> None:
        """Start the process in the background: the server answers meanwhile."""
        self._task = asyncio.create_task(self._supervise(), name="dashboard worker")

    async def run(self, function: Callable, *args):
        """`function(*args)` computed in the worker (a module-level function; arguments and result are pickled)."""
        try:
            async with asyncio.timeout(START_TIMEOUT):
                while not self._ready.is_set():  # set when it woke us, it may have been cleared since
                    await self._ready.wait()
        except TimeoutError:
            raise WorkerLost("the dashboard worker is not running") from None
        call_id = next(self._ids)
        answer = self._calls[call_id] = asyncio.get_running_loop().create_future()
        try:
            _send(self._process.stdin, (call_id, function, args))
            await self._process.stdin.drain()
            return await answer
        except ConnectionError:
            raise WorkerLost("the dashboard worker stopped") from None
        finally:
            self._calls.pop(call_id, None)

    async def close(self) -> None:
        self._closing = True
        if self._task and not self._ready.is_set():  # starting or waiting to start again: nothing to finish
            self._task.cancel()
        elif self._process and self._process.returncode is None:
            self._process.stdin.close()
        if self._task:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_TIMEOUT)
            except TimeoutError:
                self._task.cancel()  # kills the process on its way out
                await asyncio.gather(self._task, return_exceptions=True)

    async def _supervise(self) -> None:
        failures = 0
        while not self._closing:
            try:
                ready = await self._run_one()
            except Exception:  # it could not be started, or it answered what cannot be read: start another
                log.exception("dashboard worker failed")
                ready = False
            failures = 0 if ready else failures + 1
            if failures and not self._closing:
                await asyncio.sleep(min(30, 2 ** failures))  # one that cannot start is not restarted in a hot loop

    async def _run_one(self) -> bool:
        """Run one process until it exits; whether it got ready."""
        began = time.monotonic()
        process = self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", __name__, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (ROOT, os.environ.get("PYTHONPATH"))))})
        self.starts += 1
        try:
            if await _receive(process.stdout) is not None:  # its "ready", once its modules are imported
                self.started_in = time.monotonic() - began
                log.info("dashboard worker %d ready in %.2f s", process.pid, self.started_in)
                self._ready.set()
                while (answer := await _receive(process.stdout)) is not None:
                    self._settle(*answer)
                return True
            return False
        finally:
            self._ready.clear()
            if process.returncode is None and (not self._closing or asyncio.current_task().cancelling()):
                with suppress(ProcessLookupError):
                    process.kill()
            code = await process.wait()
            for answer in self._calls.values():
                if not answer.done():
                    answer.set_exception(WorkerLost("the dashboard worker stopped while computing this page"))
            if not self._closing:
                log.error("dashboard worker %d exited (%s); starting another", process.pid, code)

    def _settle(self, call_id: int, ok: bool, value) -> None:
        answer = self._calls.get(call_id)
        if answer is not None and not answer.done():  # not given up on (a request cancelled by its client)
            answer.set_result(value) if ok else answer.set_exception(value)


class PageWorkers:
    """`count` worker processes; each call goes to the least busy one that is running."""

    def __init__(self, count: int) -> None:
        self.workers = [PageWorker() for _ in range(count)]

    async def run(self, function: Callable, *args):
        worker = min(self.workers, key=lambda w: (not w.ready, w.busy))
        return await worker.run(function, *args)


@asynccontextmanager
async def running_workers(count: int):
    """`count` workers, started in the background, stopped on the way out."""
    workers = PageWorkers(count)
    for worker in workers.workers:
        worker.start()
    try:
        yield workers
    finally:
        await asyncio.gather(*(w.close() for w in workers.workers))


def _send(stream, message: object) -> None:
    data = pickle.dumps(message)
    stream.write(_LENGTH.pack(len(data)) + data)


async def _receive(stream: asyncio.StreamReader):
    """The next message, or None once the other side is gone."""
    try:
        length, = _LENGTH.unpack(await stream.readexactly(_LENGTH.size))
        return pickle.loads(await stream.readexactly(length))
    except asyncio.IncompleteReadError:
        return None


# --- the worker process ---------------------------------------------------------------------------------

def _read_message(stream: BinaryIO):
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    length, = _LENGTH.unpack(header)
    return pickle.loads(stream.read(length))


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then stops its workers
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to the server's log, not into the answers
    importlib.import_module("bot.dashboard")  # the readers' module, imported before the worker says it is ready
    os.nice(NICENESS)  # once started: a worker that starts fast serves the first pages sooner

    lock = threading.Lock()

    def answer(call_id: int, ok: bool, value) -> None:
        try:
            data = pickle.dumps((call_id, ok, value))
        except Exception as error:  # an exception that does not pickle is told by its text
            data = pickle.dumps((call_id, False, RuntimeError(f"{type(value).__name__}: {value} ({error})")))
        with lock:
            answers.write(_LENGTH.pack(len(data)) + data)
            answers.flush()

    def call(call_id: int, function: Callable, args: tuple) -> None:
        try:
            answer(call_id, True, function(*args))
        except Exception as error:
            answer(call_id, False, error)

    answer(0, True, os.getpid())
    with ThreadPoolExecutor(THREADS) as pool:
        while (message := _read_message(sys.stdin.buffer)) is not None:
            pool.submit(call, *message)


if __name__ == "__main__":
    main()
