"""The public API is what ``claimwatch.__all__`` says: pinned here so a change to it is a deliberate one."""

from __future__ import annotations

import claimwatch

EXPORTED = [
    "PIPELINE_VERSION",
    "Actor",
    "ActorRef",
    "Article",
    "Claim",
    "ClaimKind",
    "DateRange",
    "Event",
    "Extraction",
    "ItemError",
    "Options",
    "Outlet",
    "Pipeline",
    "Place",
    "PlaceMention",
    "Polarity",
    "Precision",
    "Quantity",
    "Review",
    "Role",
    "Source",
    "Span",
    "Status",
    "__version__",
    "extract",
    "extract_many",
    "ingest_ray",
    "load_options",
]


def test_all_is_pinned() -> None:
    assert sorted(claimwatch.__all__) == sorted(EXPORTED)
    assert len(set(claimwatch.__all__)) == len(claimwatch.__all__)


def test_every_exported_name_exists() -> None:
    for name in claimwatch.__all__:
        assert hasattr(claimwatch, name), name


def test_exported_records_and_functions_say_where_they_live() -> None:
    for name in claimwatch.__all__:
        member = getattr(claimwatch, name)
        if callable(member) and not name.startswith("_"):
            assert member.__module__.startswith("claimwatch."), name


def test_public_names_not_exported_are_private_or_modules() -> None:
    import types

    public = {n for n in vars(claimwatch) if not n.startswith("_")}
    extra = {n for n in public - set(claimwatch.__all__) if not isinstance(getattr(claimwatch, n), types.ModuleType)}
    assert extra == set()
