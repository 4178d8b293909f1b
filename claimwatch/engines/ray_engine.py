"""Ingest on Ray: the plain run's reading, extraction and storing, spread over a Ray cluster with Ray Data.

Reads paths (files and folders, listed here, on the driver; every file is read in a Ray task by the project's
readers, so JSONL, Parquet, Telegram exports, text and HTML give the same articles and errors as the plain run)
and the store (which articles this pipeline version has already stored). Writes one streaming Ray Data dataset:

    input files -> read tasks (fractional CPUs, on the driver's node, where the files are)
                -> map_batches over an actor pool (one actor per CPU, each builds the pipeline once)
                -> the driver: each arriving block is appended to ``extractions.parquet`` in the run folder
                   (serialised extractions and errors, :mod:`.rows`) and stored through ``Store.upsert``

so the store gets what the plain run stores, claim for claim: the same Article and Extraction records (through
:mod:`claimwatch.serialize`), saved by the same function with the same dedup rules (an article stored by this
pipeline version is not extracted again; ``force`` replaces), in input order (Ray Data keeps it), each per-item
error recorded as the plain run records it. Returns the plain run's :class:`~claimwatch.ingest.IngestSummary`;
``on_item`` sees each outcome as it is stored (the CLI's progress bar). Linking is the caller's, as after
:func:`~claimwatch.ingest.ingest_paths`.

Ray is an optional extra (``pip install 'claimwatch[ray]'``), imported when a run starts.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..about import supersedes
from ..ingest import IngestSummary, OnItem, reporter, save
from ..model import ItemError
from ..pipeline import Pipeline
from ..readers.files import walk
from ..settings import Options
from ..store import Store
from ..store.schema import ArticleRow
from ..text.safe import printable
from . import rows as rows_mod
from .stages import ExtractRows, read_inputs, sorted_index

log = logging.getLogger(__name__)

MISSING_RAY = "the Ray engine needs Ray, an optional extra: pip install 'claimwatch[ray]'"
#: CPUs a read task asks for; an extraction actor asks for the rest of one CPU, so readers never starve.
READ_CPUS = 0.25
#: Most bytes in a block Ray Data passes between stages. Small, so that the rows of one large input file are cut
#: into many blocks (Ray Data gathers rows into blocks of up to this size, whatever a reader yields at a time): the
#: actors share them, each batch of ``batch_size`` rows gathered from a few blocks, and results reach the store
#: as they are made. (A ``Dataset.repartition(target_num_rows_per_block=...)`` between the stages instead left a
#: 2-CPU run waiting forever in a trial, the actors holding the CPUs its tasks wait for.)
BLOCK_BYTES = 128 << 10
#: Restarts of an extraction actor that died (its batch is tried again each time) before the run fails.
ACTOR_RESTARTS = 2
RUN_FILE = "extractions.parquet"
#: Terminal colour codes, which Ray puts in its error messages.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class RayEngineError(RuntimeError):
    """The Ray run cannot go on (Ray missing, the cluster unreachable, actors dying again and again)."""


@dataclass(frozen=True)
class Cluster:
    """Where a run goes: ``address`` ("" starts a private local Ray), CPUs to use (0: all the cluster has)."""

    address: str = ""
    cpus: int = 0
    object_store_mb: int = 512

    @classmethod
    def of(cls, options: Options) -> Cluster:
        return cls(options.ray_address, options.ray_cpus, options.ray_object_store_mb)


def require_ray() -> Any:
    """The ``ray`` module with Ray Data, or :class:`RayEngineError` saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayEngineError(MISSING_RAY) from exc
    return ray


def ingest_ray(store: Store, paths: Iterable[str | os.PathLike[str]], options: Options, *, force: bool = False,
               pipeline: Pipeline | None = None, on_item: OnItem | None = None,
               run_dir: str | os.PathLike[str] | None = None, outlet_prior: bool = True) -> IngestSummary:
    """Ingest ``paths`` into ``store`` on Ray (``options.ray_address``, else a local Ray with
    ``options.ray_cpus`` CPUs); what :func:`claimwatch.ingest.ingest_paths` stores, claim for claim.

    ``run_dir``: the folder that keeps ``extractions.parquet`` (one row per item: serialised extraction or
    error; :func:`load_run` stores it again); default: a temporary folder, removed at the end. Uses the Ray
    session already started in this process, if any (and leaves it running). ``outlet_prior``: as for
    :func:`~claimwatch.ingest.ingest_paths`; the priors travel to the workers with the pipeline."""
    ray = require_ray()
    pipeline = pipeline or Pipeline(options)
    from ..ingest import outlet_priors_for

    with outlet_priors_for(store, pipeline, outlet_prior):
        blob = _pickled(pipeline)
    inputs = list(_inputs(paths))
    summary = IngestSummary()
    if not inputs:
        return summary
    stored = sorted_index([] if force else _up_to_date_hashes(store, pipeline.version))
    load = _loader(store, force, summary, on_item)
    with _session(ray, Cluster.of(options)) as cpus, _run_file(run_dir) as write, warnings.catch_warnings():
        _quiet_ray_warnings()
        for block in _blocks(ray, _plan(ray, inputs, options, blob, stored, cpus)):
            write(block)
            for row in block.to_pylist():
                load(row)
    return summary


def _blocks(ray: Any, dataset: Any) -> Iterator[Any]:
    """The dataset's blocks as Arrow tables, as they arrive; a failure of the run is a :class:`RayEngineError`
    (what the caller did with the blocks before it stays done)."""
    blocks = iter(dataset.iter_batches(batch_size=None, batch_format="pyarrow"))
    while True:
        try:
            block = next(blocks)
        except StopIteration:
            return
        except (ray.exceptions.RayError, RuntimeError) as exc:
            first = _ANSI.sub("", str(exc)).splitlines()[0] if str(exc) else type(exc).__name__
            raise RayEngineError(f"the Ray run stopped: {printable(first)[:300]}") from exc
        yield block


def load_run(store: Store, run_dir: str | os.PathLike[str], *, force: bool = False,
             on_item: OnItem | None = None) -> IngestSummary:
    """Store the ``extractions.parquet`` a Ray run left in ``run_dir`` (into another database, say); no Ray
    needed, only pyarrow."""
    import pyarrow.parquet as pq

    summary = IngestSummary()
    load = _loader(store, force, summary, on_item)
    for batch in pq.ParquetFile(Path(run_dir) / RUN_FILE).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            load(row)
    return summary


# -- storing ----------------------------------------------------------------------------------------

def _loader(store: Store, force: bool, summary: IngestSummary,
            on_item: OnItem | None) -> Callable[[rows_mod.Row], None]:
    """What stores one row and counts it, as the plain run's ``report`` does."""
    report = reporter(store, summary, on_item)

    def load(row: rows_mod.Row) -> None:
        kind = row["kind"]
        summary.read += int(row["read"] or 0)
        if kind == "extraction":
            try:
                extraction = rows_mod.extraction_of(row)
            except (TypeError, ValueError, KeyError) as exc:
                report("error", ItemError(row["origin"] or "?", f"could not be stored: the run's record cannot be "
                                          f"read back: {type(exc).__name__}: {printable(str(exc))[:200]}",
                                          stage="store"))
                return
            report(*save(store, extraction, force))
        elif kind == "unchanged":
            report("unchanged", rows_mod.article_of(row))
        elif kind == "skipped":
            report("skipped", rows_mod.skipped_of(row))
        elif kind == "error":
            report("error", rows_mod.error_of(row))
        else:
            report("error", ItemError(row["origin"] or "?", f"the Ray run left a row of kind {kind!r}",
                                      stage="extract"))

    return load


def _up_to_date_hashes(store: Store, version: str) -> list[str]:
    """Content hashes of the stored articles that this pipeline version would not extract again."""
    query = select(ArticleRow.content_hash, ArticleRow.pipeline_version)
    with Session(store.engine) as session:
        return [h for h, stored in session.execute(query) if not supersedes(version, stored or "")]


@contextmanager
def _run_file(run_dir: str | os.PathLike[str] | None) -> Iterator[Callable[[Any], None]]:
    """A function that appends a block of rows to ``extractions.parquet`` in ``run_dir`` (a temporary folder,
    removed on the way out, when None)."""
    import tempfile

    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="claimwatch-ray-") as scratch:
        folder = Path(run_dir) if run_dir is not None else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(folder / RUN_FILE, rows_mod.schema()) as writer:
            yield lambda block: writer.write_table(block.cast(rows_mod.schema()))


# -- Ray --------------------------------------------------------------------------------------------

def _pickled(pipeline: Pipeline) -> bytes:
    try:
        return pickle.dumps(pipeline)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ValueError(f"the pipeline cannot be sent to Ray workers ({exc}); use --engine local") from exc


@contextmanager
def _session(ray: Any, cluster: Cluster) -> Iterator[int]:
    """A Ray session for the run (one already started in this process is used and left running); yields the
    CPUs to extract with."""
    if ray.is_initialized():
        yield _cpus(ray, cluster)
        return
    try:
        if cluster.address in ("", "local"):
            ray.init(address="local", num_cpus=cluster.cpus or os.cpu_count() or 1,
                     object_store_memory=cluster.object_store_mb << 20, include_dashboard=False,
                     _node_ip_address="127.0.0.1", configure_logging=False)
        else:
            ray.init(address=cluster.address, configure_logging=False)
    except Exception as exc:
        raise RayEngineError(f"cannot start or reach Ray at {cluster.address or 'a new local instance'}: "
                             f"{printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}") from exc
    try:
        yield _cpus(ray, cluster)
    finally:
        ray.shutdown()


def _cpus(ray: Any, cluster: Cluster) -> int:
    """The cluster's CPUs, capped at ``cluster.cpus`` when given."""
    available = max(1, int(ray.cluster_resources().get("CPU", 1)))
    return min(available, cluster.cpus) if cluster.cpus else available


@contextmanager
def _data_context(ray: Any) -> Iterator[None]:
    """Ray Data set for a run (input order kept, small blocks, no progress bars of its own), restored after."""
    context = ray.data.DataContext.get_current()
    saved = (context.execution_options.preserve_order, context.target_max_block_size,
             context.enable_progress_bars, context.print_on_execution_start)
    context.execution_options.preserve_order = True
    context.target_max_block_size = BLOCK_BYTES
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    try:
        yield
    finally:
        (context.execution_options.preserve_order, context.target_max_block_size,
         context.enable_progress_bars, context.print_on_execution_start) = saved


def _quiet_ray_warnings() -> None:
    """Warnings of Ray's about itself, not about the run: deprecated settings it reads, and an actor pool larger
    than the count of input files (each file is read in many blocks)."""
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="ray")
    warnings.filterwarnings("ignore", message="The minimum number of concurrent actors")


def _plan(ray: Any, inputs: list[dict[str, Any]], options: Options, pipeline: bytes, stored: Any,
          cpus: int) -> Any:
    """The dataset of a run (lazy: it runs as the driver iterates over it). Read tasks run on the driver's node
    (the ``ray.io/node-id`` label: where the input files are), as Ray's own ``local://`` reads do."""
    here = {"ray.io/node-id": ray.get_runtime_context().get_node_id()}
    level = logging.getLogger("claimwatch").getEffectiveLevel()
    with _data_context(ray), warnings.catch_warnings():
        # max_restarts has no named parameter yet; Ray Data's default (restart forever) would retry an
        # article that kills its actor forever
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*is deprecated")
        dataset = ray.data.from_items(inputs, override_num_blocks=len(inputs))
        dataset = dataset.map_batches(read_inputs, batch_size=1, batch_format="pyarrow",
                                      fn_kwargs={"options": options, "stored": stored},
                                      compute=ray.data.TaskPoolStrategy(size=max(1, cpus // 2)),
                                      num_cpus=READ_CPUS, label_selector=here)
        return dataset.map_batches(ExtractRows, batch_size=options.batch_size, batch_format="pyarrow",
                                   fn_constructor_kwargs={"pipeline": pipeline, "level": level},
                                   compute=ray.data.ActorPoolStrategy(size=cpus), num_cpus=1 - READ_CPUS,
                                   max_restarts=ACTOR_RESTARTS, max_task_retries=ACTOR_RESTARTS)


def _inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[dict[str, Any]]:
    """One input row per file under ``paths`` (folders listed as the plain run lists them; a path that cannot be
    read is left to the reader, which says why) or per folder that cannot be listed."""
    for path in map(Path, paths):
        if not path.is_dir():
            yield {"path": str(path), "origin": None, "message": None}
            continue
        for found in walk(path, errors=True):
            if isinstance(found, ItemError):
                yield {"path": None, "origin": found.origin, "message": found.message}
            else:
                yield {"path": str(found), "origin": None, "message": None}
