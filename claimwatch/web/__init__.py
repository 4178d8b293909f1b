"""The analyst's workbench over HTTP: a FastAPI app over the same library the CLI uses.

    from claimwatch.web import create_app
    app = create_app(load_options(db="sqlite:///cw.db"))   # serve with uvicorn, or `claimwatch serve`

- :mod:`.app`: :func:`create_app`, JSON errors
- :mod:`.api`: the ``/api`` routes (thin: parse, call :mod:`claimwatch.query` / corrections, return JSON)
- :mod:`.security`: security headers, the host check, bearer tokens
"""

from .app import create_app

__all__ = ["create_app"]
