"""The parse guard on pathological texts: time and peak memory of ``guard.safe_parse`` (and, optionally, of the
bare ``nlp(text)`` it replaces), one fresh process per case.

    python bench/parse_guard.py [--cases bang emoji prose line mixed] [--bare] [--bare-timeout 120]

Cases: ``bang`` 50 KB of "!", ``emoji`` 400 KB of one emoji (100,000 characters), ``prose`` 858 KB of news
prose (the bundled examples repeated), ``line`` 5 MB without spaces (over ``max_chars``: ingest refuses it;
parsed here anyway), ``mixed`` 50 KB of "!?" without spaces. Each case runs in a child process that loads the
English model, parses the text once and prints ``seconds`` and the peak resident memory (``ru_maxrss``) before
and after the parse. ``--bare`` also runs spaCy's plain ``nlp(text)`` with a time limit, for comparison.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's claimwatch, not an installed one
CASES = ("bang", "emoji", "prose", "line", "mixed")


def make_text(case: str) -> str:
    if case == "bang":
        return "The ministry said " + "!" * 50_000
    if case == "emoji":
        return "\U0001F600" * 100_000  # 400 KB of UTF-8
    if case == "prose":
        base = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt")))
        return (base * (858_000 // len(base) + 1))[:858_000]
    if case == "line":
        return "x" * 2_500_000 + "ab" * 1_250_000
    if case == "mixed":
        return "!?" * 25_000
    raise SystemExit(f"unknown case {case}")


def child(case: str, bare: bool) -> None:
    import resource
    import time

    from claimwatch.nlp import guard, resources

    nlp = resources.english()
    nlp.max_length = 10_000_000
    nlp("Warm up: the ministry said so.")
    text = make_text(case)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    doc = nlp(text) if bare else guard.safe_parse(nlp, text)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert len(doc.text) == len(text)
    print(json.dumps({"case": case, "bare": bare, "chars": len(text), "tokens": len(doc), "seconds": round(seconds, 2),
                      "rss_before_mb": before // 1024, "peak_mb": peak // 1024}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    ap.add_argument("--bare", action="store_true", help="also time spaCy's plain nlp(text)")
    ap.add_argument("--bare-timeout", type=float, default=120.0)
    ap.add_argument("--child", nargs=2, metavar=("CASE", "BARE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1] == "1")
        return 0
    for case in args.cases:
        for bare in ((False, True) if args.bare else (False,)):
            cmd = [sys.executable, __file__, "--child", case, "1" if bare else "0"]
            try:
                done = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT,
                                      timeout=args.bare_timeout if bare else None)
                print(done.stdout.strip() or done.stderr.strip().splitlines()[-1], flush=True)
            except subprocess.TimeoutExpired:
                print(json.dumps({"case": case, "bare": bare, "seconds": f"> {args.bare_timeout:.0f}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
