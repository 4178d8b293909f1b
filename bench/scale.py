"""Scale: ``claimwatch ingest`` end to end, as a new user runs it, with one and with several worker processes.

    python bench/scale.py [--n 500] [--russian 0.5] [--workers 1,2] [--corpus DIR] [--out DIR] [--no-link]
                          [--writer] [--ray]
    python bench/scale.py --n 10000 --writer --ray     # the 10,000-article run (about an hour per worker count)

Builds one JSONL file of ``--n`` articles (:func:`write_mixed_corpus`): a ``--russian`` share of Russian channel
posts (``../shared/datasets/ru_telegram/*.json``, by file and position, empty ones skipped) and the rest PolNeAR
texts (``../shared/datasets/polnear/*/text/*.txt``, sorted by path; title, outlet and date from ``metadata.tsv``),
interleaved; PolNeAR's 924 texts are used again when more are needed, each repeat under its own URL (so the
content hash, text plus URL, differs and nothing is dropped as already stored; copy detection finds the repeats,
as it finds syndicated copies). Then for each worker count it runs ``python -m claimwatch --db sqlite:///DB
ingest FILE --workers N`` in a fresh database (a subprocess, its models loaded from cold, linking included
unless ``--no-link``) and reports, per run: wall time, articles per hour, the CPU time of the main process and
of the workers, the peak RSS of the main process and of each worker process (``VmHWM`` polled from ``/proc``),
the database size, and the load average of the machine before and after (other work on a shared machine slows
every figure: CPU seconds far below cores x wall time mean the cores were busy elsewhere). Then the speed-up of
each run over the first.

``--writer`` measures the writer's ceiling: the extractions of the first run's database stored again, without
extraction, into a fresh SQLite database and (when ``initdb``/``pg_ctl`` and psycopg are there) a private
PostgreSQL server on 127.0.0.1 (:func:`writer_ceiling`), and linked there; and from those rates and the
workers' it projects what a day of 250,000 articles needs (:func:`projection`). ``--ray`` runs
``bench/scale_ray.py`` (the Ray engine against the plain run, on its own PolNeAR-only corpus of ``--n``) when
that file exists.

Reads the PolNeAR texts and Russian posts; writes the JSONL file and the databases under ``--out`` (a temporary
folder unless given) and nothing else.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "datasets" / "polnear"
DEFAULT_RUSSIAN = ROOT.parent / "shared" / "datasets" / "ru_telegram"
#: articles a day the projection is for
DAY = 250_000


@dataclass
class Run:
    workers: int
    seconds: float
    articles: int
    main_rss_mb: float
    worker_rss_mb: list[float]
    db_mb: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    output: str
    main_cpu_s: float = 0.0  #: CPU seconds of the main process (last seen: its final moments are missed)
    worker_cpu_s: float = 0.0  #: CPU seconds of the worker processes, together

    @property
    def per_hour(self) -> float:
        return self.articles / self.seconds * 3600


def write_corpus(corpus: Path, n: int, out: Path) -> int:
    """Write ``n`` PolNeAR texts to ``out`` as JSONL (one article per line); returns how many were written."""
    files = sorted(corpus.glob("*/text/*.txt"))[:n]
    if len(files) < n:
        raise SystemExit(f"{corpus}: only {len(files)} PolNeAR texts (need {n})")
    meta = _metadata(corpus / "metadata.tsv")
    with out.open("w", encoding="utf-8") as fh:
        for path in files:
            row = meta.get(path.stem, {})
            record = {"text": path.read_text(encoding="utf-8"), "title": row.get("title"),
                      "outlet": row.get("publisher"), "published": row.get("publication_date")}
            fh.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n")
    return len(files)


def _polnear_records(corpus: Path) -> list[dict[str, str]]:
    """Every PolNeAR text as a JSONL record (text, title, outlet, published), sorted by path."""
    meta = _metadata(corpus / "metadata.tsv")
    out = []
    for path in sorted(corpus.glob("*/text/*.txt")):
        row = meta.get(path.stem, {})
        record = {"text": path.read_text(encoding="utf-8"), "title": row.get("title"),
                  "outlet": row.get("publisher"), "published": row.get("publication_date")}
        out.append({k: v for k, v in record.items() if v})
    return out


def _russian_records(folder: Path, n: int) -> list[dict[str, str]]:
    """The first ``n`` non-empty Russian channel posts (files sorted by name), as JSONL records with the post's
    t.me-style URL, channel and date."""
    out: list[dict[str, str]] = []
    for path in sorted(folder.glob("*_messages.json")):
        for post in json.loads(path.read_text(encoding="utf-8")):
            text = post.get("text") or ""
            if isinstance(text, str) and text.strip():
                out.append({"text": text, "outlet": str(post.get("channel") or path.stem),
                            "url": f"https://t.me/c/{path.stem.split('_')[0]}/{post.get('message_id')}",
                            "published": str(post.get("date") or "")})
                if len(out) == n:
                    return out
    raise SystemExit(f"{folder}: only {len(out)} non-empty Russian posts (need {n})")


def mixed_records(polnear: list[dict[str, str]], russian: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    """``n`` records: the Russian ones and PolNeAR ones (repeated as needed, each repeat under its own URL)
    interleaved evenly, in a fixed order."""
    if not polnear and len(russian) < n:
        raise SystemExit("no PolNeAR texts to fill the corpus with")
    english = []
    for i in range(n - len(russian)):
        record = dict(polnear[i % len(polnear)])
        if i >= len(polnear):
            record["url"] = f"https://bench.example/repeat/{i // len(polnear)}/{i % len(polnear)}"
        english.append(record)
    spread = [((i + 0.5) / len(english), 0, r) for i, r in enumerate(english)]
    spread += [((j + 0.5) / len(russian), 1, r) for j, r in enumerate(russian)]
    return [r for _, _, r in sorted(spread, key=lambda x: (x[0], x[1]))]


def write_mixed_corpus(corpus: Path, russian_folder: Path, n: int, russian_share: float, out: Path) -> tuple[int, int]:
    """Write ``n`` articles to ``out`` as JSONL (:func:`mixed_records`); returns (PolNeAR, Russian) counts."""
    ru = round(n * russian_share)
    records = mixed_records(_polnear_records(corpus), _russian_records(russian_folder, ru) if ru else [], n)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return n - ru, ru


def _metadata(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc/*/stat parent ids)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def _is_worker(pid: int) -> bool:
    """A process started by multiprocessing's spawn (a worker), not its resource tracker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"multiprocessing.spawn" in command


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used so far; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MB; None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_ingest(jsonl: Path, db: Path, workers: int, articles: int, link: bool) -> Run:
    """One cold ``claimwatch ingest`` into a fresh database, its peak memory polled while it runs."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [sys.executable, "-m", "claimwatch", "--db", f"sqlite:///{db}", "ingest", str(jsonl),
               "--workers", str(workers), *([] if link else ["--no-link"])]
    load_before = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "COLUMNS": "120"})
        peaks: dict[int, float] = {}
        cpu: dict[int, float] = {}
        while proc.poll() is None:
            for pid in [proc.pid, *(p for p in _descendants(proc.pid) if _is_worker(p))]:
                rss, used = _peak_rss_mb(pid), _cpu_seconds(pid)
                if rss is not None:
                    peaks[pid] = max(peaks.get(pid, 0.0), rss)
                if used is not None:
                    cpu[pid] = used
            time.sleep(0.25)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if proc.returncode != 0:
        raise SystemExit(f"ingest with {workers} worker(s) failed ({proc.returncode}):\n{output[-3000:]}")
    main_rss, main_cpu = peaks.pop(proc.pid, 0.0), cpu.pop(proc.pid, 0.0)
    return Run(workers, seconds, articles, main_rss, sorted(peaks.values(), reverse=True),
               db.stat().st_size / 1e6, load_before, os.getloadavg(), output, main_cpu, sum(cpu.values()))


def report(run: Run) -> str:
    workers = ", ".join(f"{r:.0f}" for r in run.worker_rss_mb) or "none (extraction in the main process)"
    load = lambda avg: "/".join(f"{x:.2f}" for x in avg)
    return (f"workers={run.workers}: {run.seconds:.1f} s, {run.per_hour:,.0f} articles/hour; CPU main "
            f"{run.main_cpu_s:.0f} s, workers {run.worker_cpu_s:.0f} s; peak RSS main {run.main_rss_mb:.0f} MB, "
            f"worker processes [{workers}] MB; DB {run.db_mb:.1f} MB; load average before "
            f"{load(run.load_before)}, after {load(run.load_after)}")


@dataclass
class Writer:
    """The writer's rates on one backend: storing ready extractions, and linking them."""

    backend: str
    articles: int
    store_s: float
    link_s: float
    cpu_s: float = 0.0  #: CPU seconds of this process for both (a database server's own are not in it)

    @property
    def store_rate(self) -> float:
        return self.articles / self.store_s

    @property
    def rate(self) -> float:
        """Articles per second the one writing process can store and link."""
        return self.articles / (self.store_s + self.link_s)


def writer_ceiling(source_db: Path, url: str, backend: str) -> Writer:
    """Store the extractions of ``source_db`` again into the empty database ``url`` (no extraction: the writer
    alone, one transaction per article as ingest does), then link them there; both timed."""
    sys.path.insert(0, str(ROOT))
    from claimwatch.link import link
    from claimwatch.link.similarity import default_embedder
    from claimwatch.settings import load_options
    from claimwatch.store import Store

    with Store(f"sqlite:///{source_db}") as source:
        extractions = list(source.iter_extractions())
    for extraction in extractions:
        extraction.article.id = None
        for claim in extraction.claims:
            claim.story = claim.verdict = None
    embedder = default_embedder()
    embedder.embed(["warm up"])  # the encoder's load is not the writer's
    with Store(url) as target:
        cpu, started = time.process_time(), time.perf_counter()
        for extraction in extractions:
            target.upsert(extraction)
        stored = time.perf_counter()
        link(target, load_options(), embedder=embedder)
        linked = time.perf_counter()
    return Writer(backend, len(extractions), stored - started, linked - stored, time.process_time() - cpu)


def postgres() -> tuple[str, Callable[[], None]] | None:
    """A private PostgreSQL server on 127.0.0.1 (as the tests start one) and how to stop it; None without one."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None
    if not shutil.which("initdb") or not shutil.which("pg_ctl"):
        return None
    folder = Path(tempfile.mkdtemp(prefix="claimwatch-scale-pg-"))
    data = folder / "data"
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder.chmod(0o777)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)
    try:
        run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        run("pg_ctl", "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start")
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"PostgreSQL could not be started: {exc}")
        shutil.rmtree(folder, ignore_errors=True)
        return None

    def stop() -> None:
        subprocess.run([*as_user, "pg_ctl", "-D", str(data), "-m", "fast", "stop"], check=False,
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


def projection(runs: list[Run], writers: list[Writer], day: int = DAY) -> list[str]:
    """How many workers a day of ``day`` articles needs, from the workers' measured CPU seconds per article, and
    where each backend's writer (storing and linking in one process) stops more workers from helping."""
    several = [r for r in runs if r.workers > 1 and r.worker_cpu_s > 0] or runs
    run = several[-1]
    cpu_per_article = (run.worker_cpu_s or run.main_cpu_s) / run.articles
    per_worker = 1 / cpu_per_article  # articles per second one busy worker extracts
    need = day / 86_400
    lines = [(f"one worker extracts {per_worker:.2f} articles/s ({cpu_per_article:.2f} CPU s each, measured with "
             f"workers={run.workers}); {day:,} articles a day are {need:.2f} articles/s: "
             f"{math.ceil(need / per_worker)} busy workers (cores), without headroom")]
    for w in writers:
        lines.append(f"writer on {w.backend}: stores {w.store_rate:.1f} articles/s, stores and links "
                     f"{w.rate:.1f} articles/s ({w.articles} articles: store {w.store_s:.1f} s, link "
                     f"{w.link_s:.1f} s, {w.cpu_s:.1f} CPU s of this process) = {w.rate * 86_400:,.0f} articles "
                     f"a day; it is the bottleneck from {w.rate / per_worker:.1f} workers on; a {day:,}-article day "
                     f"uses {need / w.rate:.0%} of it")
    return lines


def _ray(args: argparse.Namespace, out: Path) -> None:
    """Run bench/scale_ray.py (another engineer's) when it exists, with this run's size."""
    script = ROOT / "bench" / "scale_ray.py"
    if not script.is_file():
        print("bench/scale_ray.py is not here: no Ray run")
        return
    command = [sys.executable, str(script), "--n", str(args.n), "--plain", "", "--out", str(out / "ray"),
               *([] if args.no_link else ["--link"])]
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="articles in the JSONL file")
    ap.add_argument("--russian", type=float, default=0.5, help="share of Russian channel posts among them")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, in order (comma-separated)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the PolNeAR folder")
    ap.add_argument("--russian-corpus", type=Path, default=DEFAULT_RUSSIAN, help="the ru_telegram folder")
    ap.add_argument("--out", type=Path, default=None, help="folder for the JSONL file and the databases")
    ap.add_argument("--no-link", action="store_true", help="ingest without linking (claimwatch ingest --no-link)")
    ap.add_argument("--writer", action="store_true", help="measure the writer's ceiling and project a 250k day")
    ap.add_argument("--ray", action="store_true", help="also run bench/scale_ray.py when it exists")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="claimwatch-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "articles.jsonl"
    english, russian = write_mixed_corpus(args.corpus, args.russian_corpus, args.n, args.russian, jsonl)
    print(f"{args.n} articles ({english} PolNeAR texts, {russian} Russian posts) as {jsonl} "
          f"({jsonl.stat().st_size / 1e6:.1f} MB); {os.cpu_count()} cores; "
          f"{'with' if not args.no_link else 'without'} linking", flush=True)
    runs = []
    for workers in (int(w) for w in args.workers.split(",")):
        run = run_ingest(jsonl, out / f"scale-{workers}.db", workers, args.n, link=not args.no_link)
        print(report(run), flush=True)
        for line in run.output.splitlines():
            if " new, " in line or line.startswith("linked:"):
                print("  " + line.strip(), flush=True)
        runs.append(run)
    for run in runs[1:]:
        print(f"speed-up workers={run.workers} over workers={runs[0].workers}: "
              f"{runs[0].seconds / run.seconds:.2f}x", flush=True)
    if args.writer and runs:
        writers = [writer_ceiling(out / f"scale-{runs[0].workers}.db", f"sqlite:///{out / 'writer.db'}", "SQLite")]
        server = postgres()
        if server is not None:
            try:
                writers.append(writer_ceiling(out / f"scale-{runs[0].workers}.db", server[0], "PostgreSQL"))
            finally:
                server[1]()
        for line in projection(runs, writers):
            print(line, flush=True)
    if args.ray:
        _ray(args, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
