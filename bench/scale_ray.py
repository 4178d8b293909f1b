"""Scale on Ray: ``claimwatch ingest --engine ray`` on a local Ray of N CPUs against the plain run, same input.

    python bench/scale_ray.py [--n 500] [--cpus 2] [--plain 1,2] [--corpus DIR] [--out DIR] [--link]
    python bench/scale_ray.py --input FILE.jsonl [--plain 2]      # an input already written (bench/scale.py's)

Builds one JSONL file of ``--n`` PolNeAR texts (as ``bench/scale.py`` does: ``write_corpus``), or takes ``--input``
(such as the mixed file ``bench/scale.py`` writes: ``articles.jsonl`` in its ``--out``), then runs, each cold
in a subprocess and a fresh SQLite database, ``python -m claimwatch --db URL ingest FILE --engine ray --ray-cpus N``
(:func:`run_ray`: a private local Ray started by the command, its start included) and, for comparison, the plain
``--workers W`` run for each ``--plain`` count (:func:`run_plain`). Linking is left out unless ``--link`` (it is the
same work after either engine). Reports per run: wall seconds, articles per second, claims stored, the peak RSS
of the command's process and the peak of all its processes together (Ray's raylet, object store and workers
included: ``VmRSS`` summed over the process tree, polled from ``/proc``), their CPU seconds, the load average
before and after (a shared machine slows every figure); then whether every run stored the same claims as the
first, claim for claim.

Reads the PolNeAR texts; writes the JSONL file, the databases and Ray's run folders under ``--out`` (a temporary
folder unless given) and nothing else.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import DEFAULT_CORPUS, write_corpus  # the corpus exactly as the plain scale bench builds it


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (from the parent ids in /proc/*/stat)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [pid], [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def _status_mb(pid: int, key: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stored_claims(db_url: str) -> tuple[int, int, list[Any]]:
    """Articles, claims, and per article (by content hash: runs with workers store in another order) its claim
    records and place mentions, as stored at ``db_url``."""
    from claimwatch.store import Store

    with Store(db_url) as store:
        records = sorted(((e.article.content_hash, e.claims, e.places) for e in store.iter_extractions()),
                         key=lambda r: r[0])
        return len(records), sum(len(r[1]) for r in records), records


def _measure(command: Sequence[str], db_url: str, label: str) -> dict[str, Any]:
    """Run ``command`` (cold, in a subprocess), polling the memory and CPU of its process tree."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(list(command), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "COLUMNS": "120"})
        peak_main = peak_total = 0.0
        cpu: dict[int, float] = {}
        while proc.poll() is None:
            total = 0.0
            for pid in _tree(proc.pid):
                rss, used = _status_mb(pid, "VmRSS:"), _cpu_seconds(pid)
                total += rss or 0.0
                if used is not None:
                    cpu[pid] = used
            peak_main = max(peak_main, _status_mb(proc.pid, "VmHWM:") or 0.0)
            peak_total = max(peak_total, total)
            time.sleep(0.25)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed ({proc.returncode}):\n{output[-3000:]}")
    articles, claims, records = _stored_claims(db_url)
    return {"run": label, "seconds": seconds, "articles": articles, "claims": claims,
            "articles_per_s": articles / seconds if seconds else 0.0, "peak_rss_mb": peak_main,
            "peak_tree_rss_mb": peak_total, "cpu_s": sum(cpu.values()), "load_before": load_before,
            "load_after": os.getloadavg(), "records": records, "output": output}


def _fresh(db: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{db}"


def _db_path(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def run_ray(paths: Sequence[str | os.PathLike[str]], db_url: str, cpus: int, link: bool = False,
            run_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """``claimwatch ingest --engine ray --ray-cpus CPUS PATHS`` into a fresh SQLite ``db_url``: seconds, articles,
    claims, articles_per_s, peak_rss_mb (the command's process), peak_tree_rss_mb (with Ray's processes), cpu_s,
    load averages, the stored claim records and the command's output."""
    command = [sys.executable, "-m", "claimwatch", "--db", _fresh(_db_path(db_url)), "ingest", "--engine", "ray",
               "--ray-cpus", str(cpus), *([] if link else ["--no-link"]),
               *(["--run-dir", str(run_dir)] if run_dir else []), *map(str, paths)]
    return _measure(command, db_url, f"ray cpus={cpus}")


def run_plain(paths: Sequence[str | os.PathLike[str]], db_url: str, workers: int,
              link: bool = False) -> dict[str, Any]:
    """The same for ``claimwatch ingest --workers WORKERS PATHS``."""
    command = [sys.executable, "-m", "claimwatch", "--db", _fresh(_db_path(db_url)), "ingest", "--workers",
               str(workers), *([] if link else ["--no-link"]), *map(str, paths)]
    return _measure(command, db_url, f"plain workers={workers}")


def report(run: dict[str, Any]) -> str:
    load = lambda avg: "/".join(f"{x:.2f}" for x in avg)
    return (f"{run['run']}: {run['seconds']:.1f} s, {run['articles_per_s']:.2f} articles/s, {run['articles']} "
            f"articles, {run['claims']} claims; peak RSS {run['peak_rss_mb']:.0f} MB (process tree "
            f"{run['peak_tree_rss_mb']:.0f} MB); CPU {run['cpu_s']:.0f} s; load average before "
            f"{load(run['load_before'])}, after {load(run['load_after'])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="PolNeAR texts in the JSONL file")
    ap.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray")
    ap.add_argument("--plain", default="1,2", help="worker counts of the plain runs to compare ('' for none)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=None, help="folder for the JSONL file, databases and run folder")
    ap.add_argument("--link", action="store_true", help="link after ingesting (the same work for every engine)")
    ap.add_argument("--input", type=Path, default=None, help="a JSONL file to ingest instead of --n PolNeAR texts")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="claimwatch-scale-ray-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.input is not None:
        jsonl = args.input
        with jsonl.open("rb") as lines:
            what = f"{sum(1 for line in lines if line.strip())} articles of {jsonl}"
    else:
        jsonl = out / "polnear.jsonl"
        what = f"{write_corpus(args.corpus, args.n, jsonl)} PolNeAR texts as {jsonl}"
    print(f"{what}; {os.cpu_count()} cores; {'with' if args.link else 'without'} linking", flush=True)
    runs = [run_ray([jsonl], f"sqlite:///{out / 'ray.db'}", args.cpus, args.link, out / "ray-run")]
    print(report(runs[0]), flush=True)
    for workers in (int(w) for w in args.plain.split(",") if w.strip()):
        runs.append(run_plain([jsonl], f"sqlite:///{out / f'plain-{workers}.db'}", workers, args.link))
        print(report(runs[-1]), flush=True)
    for run in runs[1:]:
        same = run["records"] == runs[0]["records"]
        print(f"{run['run']} stored {'the same claims as' if same else 'OTHER CLAIMS THAN'} {runs[0]['run']}; "
              f"{runs[0]['run']} took {runs[0]['seconds'] / run['seconds']:.2f}x its time")
    return 0 if all(run["records"] == runs[0]["records"] for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
