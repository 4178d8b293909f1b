"""Browser tests' (and the screenshot and map benches') plumbing: Debian's chromium driven by Playwright, and
the workbench served by uvicorn on a free loopback port in a thread.

Chromium comes from the OS package manager (``apt-get install -y chromium``, as root, when it is missing),
never from ``playwright install`` (which downloads a browser build). :func:`chromium` says why it cannot be had
when it cannot, so that the tests skip with that reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> tuple[str | None, str]:
    """The chromium executable (installed with apt-get when missing and we are root), or None and why not."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM, ""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None, f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get)"
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if done.returncode != 0:
            return None, f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return (CHROMIUM, "") if os.path.exists(CHROMIUM) else (None, "apt-get installed no /usr/bin/chromium")


@contextmanager
def browser() -> Iterator[Any]:
    """A headless chromium (Playwright ``Browser``); raises RuntimeError saying why when there is none."""
    from playwright.sync_api import sync_playwright

    path, why = chromium()
    if path is None:
        raise RuntimeError(why)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on 127.0.0.1 in a thread; yields its base URL, stops it afterwards."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="workbench", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
