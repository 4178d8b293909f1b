"""Scale: ``claimwatch ingest`` end to end, as a new user runs it, with one and with several worker processes.

    python bench/scale.py [--n 500] [--workers 1,2] [--corpus DIR] [--out DIR] [--no-link]

Builds one JSONL file of ``--n`` PolNeAR texts (``../shared/datasets/polnear/*/text/*.txt``, sorted by path; title,
outlet and date from ``metadata.tsv``), then for each worker count runs ``python -m claimwatch --db
sqlite:///DB ingest FILE --workers N`` in a fresh database (a subprocess, its models loaded from cold, linking
included unless ``--no-link``) and reports, per run: wall time, articles per hour, the CPU time of the main
process and of the workers, the peak RSS of the main process and of each worker process (``VmHWM`` polled from
``/proc``), the database size, and the load average of the machine before and after (other work on a shared
machine slows every figure: CPU seconds far below cores x wall time mean the cores were busy elsewhere). The last lines give the
speed-up of each run over the first.

Reads the PolNeAR texts; writes the JSONL file and the databases under ``--out`` (a temporary folder unless
given) and nothing else.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "datasets" / "polnear"


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="PolNeAR texts in the JSONL file")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, in order (comma-separated)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=None, help="folder for the JSONL file and the databases")
    ap.add_argument("--no-link", action="store_true", help="ingest without linking (claimwatch ingest --no-link)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="claimwatch-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "polnear.jsonl"
    n = write_corpus(args.corpus, args.n, jsonl)
    print(f"{n} PolNeAR texts from {args.corpus} as {jsonl} ({jsonl.stat().st_size / 1e6:.1f} MB); "
          f"{os.cpu_count()} cores; {'with' if not args.no_link else 'without'} linking")
    runs = []
    for workers in (int(w) for w in args.workers.split(",")):
        run = run_ingest(jsonl, out / f"scale-{workers}.db", workers, n, link=not args.no_link)
        print(report(run), flush=True)
        for line in run.output.splitlines():
            if " new, " in line or line.startswith("linked:"):
                print("  " + line.strip(), flush=True)
        runs.append(run)
    for run in runs[1:]:
        print(f"speed-up workers={run.workers} over workers={runs[0].workers}: "
              f"{runs[0].seconds / run.seconds:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
