"""Storage: SQLAlchemy 2 models, bundled Alembic migrations and the :class:`Store` API.

    from claimwatch.store import Store
    with Store("sqlite:///claimwatch.db") as store:
        article_id = store.save(extraction)
        again = store.get_extraction(article_id)

Stages never import this package; the CLI, the API and the exporters' callers do.
"""

from ..model import Review
from .engine import StoreUnavailable, make_engine
from .store import SaveResult, Store, StoredClaim

__all__ = ["Review", "SaveResult", "Store", "StoreUnavailable", "StoredClaim", "make_engine"]
