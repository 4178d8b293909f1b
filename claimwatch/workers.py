"""Extraction in worker processes: batches of articles in, one result per article out, as they arrive.

Reads batches of :class:`~claimwatch.model.Article` from the caller (the ingest loop) and a pipeline (anything
with ``extract_many``, which must pickle: a :class:`~claimwatch.pipeline.Pipeline` pickles as its options and
stage lists, so each worker builds its own and loads its models once, on its first batch); writes, per article,
an :class:`~claimwatch.model.Extraction` or an :class:`~claimwatch.model.ItemError`, in order of arrival, to
the one process that stores them.

Each worker holds one batch at a time, so what a worker held when it died is known: a crash (segfault, the
out-of-memory killer, ``os._exit``) costs nothing but a replacement process when it happens during a batch of
several articles (they are extracted again one by one), and one ItemError when it happens during a single
article. Workers start as batches need them, with the ``spawn`` start method (no state is inherited from the
parent: no open database, no threads), ignore Ctrl-C (the parent stops them; a worker whose parent is gone
exits when it next reads from or writes to its pipe), and send their log records to the parent, which handles
them as its own.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Protocol, Self

from .model import Article, Extraction, ItemError
from .text.safe import printable

log = logging.getLogger(__name__)

#: Workers that may die before they have said they are ready before the pool gives up.
START_FAILURES = 3
#: Seconds a worker gets to exit after it is told to stop, before it is killed.
STOP_TIMEOUT_S = 10


class Extractor(Protocol):
    """What a worker runs: :class:`~claimwatch.pipeline.Pipeline` or a stand-in (tests)."""

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction | ItemError]: ...


class WorkerError(RuntimeError):
    """The worker processes cannot run at all (the message says why); per-article problems are ItemErrors."""


# -- in the worker ------------------------------------------------------------------------------------

def extract_batch(pipeline: Extractor, batch: list[Article]) -> Iterator[Extraction | ItemError]:
    """One result per article of ``batch``, in order, even when ``extract_many`` raises part way: the articles
    it has not answered for are extracted one by one, so only an article that fails again costs an error."""
    done = 0
    try:
        for result in pipeline.extract_many(batch):
            done += 1
            yield result
    except Exception as exc:  # noqa: BLE001 - the rest of the batch is retried article by article
        log.warning("extraction of a batch stopped after %d of %d articles (%s: %s); going on one by one",
                    done, len(batch), type(exc).__name__, exc)
        for article in batch[done:]:
            yield _extract_one(pipeline, article)


def _extract_one(pipeline: Extractor, article: Article) -> Extraction | ItemError:
    try:
        results = list(pipeline.extract_many([article]))
        if len(results) == 1:
            return results[0]
        problem = f"the pipeline gave {len(results)} results for one article"
    except Exception as exc:  # one article's failure is that article's error
        log.debug("extraction failed for %s", article.origin, exc_info=exc)
        problem = f"{type(exc).__name__}: {printable(str(exc))[:200]}"
    return _error(article, f"extraction failed: {problem}")


def _error(article: Article, message: str) -> ItemError:
    return ItemError(article.origin or article.title or "?", message, stage="extract")


class _Forward(logging.Handler):
    """Sends each log record to the parent (message formatted, traceback as text: records must pickle)."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.exc_info:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.msg, record.args, record.exc_info = record.getMessage(), None, None
            self.conn.send(("log", record))
        except Exception:  # noqa: BLE001 - logging never breaks extraction
            self.handleError(record)


def _serve(conn: Connection, pipeline_bytes: bytes, level: int) -> None:
    """A worker's life: build the pipeline, say ready, then extract each batch it is sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logger = logging.getLogger("claimwatch")
    logger.setLevel(level)
    logger.addHandler(_Forward(conn))
    try:
        pipeline = pickle.loads(pipeline_bytes)
    except Exception as exc:  # noqa: BLE001 - told to the parent, which stops
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            batch = conn.recv()
        except EOFError:  # the parent is gone
            return
        if batch is None:
            return
        conn.send_bytes(_results_message(list(extract_batch(pipeline, batch))))


def _results_message(results: list[Extraction | ItemError]) -> bytes:
    """The pickled ``("done", results)``; a result that does not pickle is replaced by an ItemError saying so."""
    try:
        return pickle.dumps(("done", results))
    except Exception:  # noqa: BLE001 - find which result, below
        return pickle.dumps(("done", [_sendable(r) for r in results]))


def _sendable(result: Extraction | ItemError) -> Extraction | ItemError:
    try:
        pickle.dumps(result)
        return result
    except Exception as exc:  # noqa: BLE001 - that article's error
        article = result.article if isinstance(result, Extraction) else None
        if article is None:
            return ItemError(getattr(result, "origin", "?"), f"unpicklable error record: {exc}", stage="extract")
        return _error(article, f"the result cannot be sent to the storing process: {type(exc).__name__}: {exc}")


# -- in the parent ------------------------------------------------------------------------------------

class _Worker:
    """One worker process, its end of the pipe, and the batch it holds."""

    def __init__(self, context: Any, pipeline_bytes: bytes, level: int) -> None:
        self.conn, theirs = context.Pipe()
        # not a daemon: a worker may start a process of its own (the gazetteer index is built in one)
        self.process: BaseProcess = context.Process(target=_serve, args=(theirs, pipeline_bytes, level),
                                                    name="claimwatch-extract")
        self.process.start()
        theirs.close()
        self.batch: list[Article] | None = None
        self.ready = False

    def give(self, batch: list[Article]) -> None:
        self.batch = batch
        try:
            self.conn.send(batch)
        except OSError:  # the process is gone: the pool finds out from its sentinel and retries the batch
            log.debug("could not send a batch to worker %s", self.process.pid, exc_info=True)

    def stop(self) -> None:
        """An idle worker is told to stop and given :data:`STOP_TIMEOUT_S`; a busy one is killed now."""
        if self.batch is None:
            try:
                self.conn.send(None)
                self.process.join(STOP_TIMEOUT_S)
            except OSError:
                pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class ExtractionPool:
    """Up to ``workers`` processes, each running its own copy of ``pipeline``; use as a context manager.

    ``pipeline`` is pickled once, here: one that cannot be sent to another process (a stage holding a lambda)
    raises ValueError now.
    """

    def __init__(self, pipeline: Extractor, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        try:
            self._pipeline = pickle.dumps(pipeline)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise ValueError(f"the pipeline cannot be sent to worker processes ({exc}); use one worker") from exc
        self.size = workers
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._start_failures = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker: idle ones are told to, busy ones (the caller gave up on their batch) are killed."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()

    def results(self, batches: Iterable[list[Article]]) -> Iterator[Extraction | ItemError]:
        """One result per article of ``batches``, in order of arrival (not input order)."""
        todo = iter(batches)
        retry: deque[list[Article]] = deque()
        exhausted = False
        while True:
            exhausted = self._dispatch(todo, retry, exhausted)
            busy = [w for w in self._workers if w.batch is not None]
            if not busy:
                return
            waiting: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(wait(waiting))
            arrived: list[Extraction | ItemError] = []
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    arrived.extend(self._collect(worker, retry))
            exhausted = self._dispatch(todo, retry, exhausted)  # the next batch goes out before these are stored
            yield from arrived

    def _dispatch(self, todo: Iterator[list[Article]], retry: deque[list[Article]], exhausted: bool) -> bool:
        """Give a batch to every idle worker, starting workers while there are fewer than ``size``; returns
        whether ``todo`` has run out."""
        while True:
            idle = next((w for w in self._workers if w.batch is None), None)
            if idle is None and len(self._workers) >= self.size:
                return exhausted
            batch = retry.popleft() if retry else None
            if batch is None and not exhausted:
                batch = next(todo, None)
                exhausted = batch is None
            if batch is None:
                return exhausted
            if idle is None:
                idle = _Worker(self._context, self._pipeline, logging.getLogger("claimwatch").getEffectiveLevel())
                self._workers.append(idle)
            idle.give(batch)

    def _collect(self, worker: _Worker, retry: deque[list[Article]]) -> list[Extraction | ItemError]:
        """Handle what ``worker`` sent (log records, readiness, results); a dead worker's batch is retried or
        becomes an error, and the worker is dropped (a new one starts when a batch needs it)."""
        results: list[Extraction | ItemError] = []
        gone = False
        try:
            while worker.batch is not None and worker.conn.poll():
                kind, payload = worker.conn.recv()
                if kind == "log":
                    logging.getLogger(payload.name).handle(payload)
                elif kind == "ready":
                    worker.ready = True
                elif kind == "failed":
                    raise WorkerError(f"a worker process could not start: {payload}")
                elif kind == "done":
                    worker.batch = None
                    results.extend(payload)
        except (EOFError, OSError):
            gone = True  # the pipe closed: the process has ended or is ending
        if worker.batch is not None and (gone or not worker.process.is_alive()):
            results.extend(self._lost(worker, retry))
        return results

    def _lost(self, worker: _Worker, retry: deque[list[Article]]) -> list[ItemError]:
        batch, worker.batch = worker.batch or [], None
        worker.process.join(STOP_TIMEOUT_S)
        worker.stop()  # kills it if its pipe closed and it is somehow still there
        code = worker.process.exitcode
        self._workers.remove(worker)
        if not worker.ready:
            self._start_failures += 1
            if self._start_failures >= START_FAILURES:
                raise WorkerError(f"worker processes exit before they start (exit code {code}); "
                                  "run with one worker (--workers 1) to see why")
        how = _death(code)
        if len(batch) > 1:
            log.warning("a worker process %s while extracting %d articles; extracting them again one by one",
                        how, len(batch))
            retry.extend([a] for a in batch)
            return []
        for article in batch:
            log.warning("a worker process %s while extracting %s", how, printable(article.origin or "?"))
        return [_error(a, f"extraction failed: the worker process {how} while extracting it") for a in batch]


def _death(code: int | None) -> str:
    """'was killed by signal 9 (SIGKILL)' / 'exited with code 3'."""
    if code is not None and code < 0:
        try:
            name = f" ({signal.Signals(-code).name})"
        except ValueError:
            name = ""
        return f"was killed by signal {-code}{name}"
    return f"exited with code {code}"


def default_workers() -> int:
    """One worker per core (``os.cpu_count()``; 1 when it cannot be told)."""
    return os.cpu_count() or 1
