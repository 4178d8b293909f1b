"""Version information: the single source of the package and pipeline versions, and how two pipeline versions
compare (which extraction replaces which)."""

import re

__version__ = "0.1.0"

#: Bumped whenever extraction output can change for the same input; stored with every claim.
PIPELINE_VERSION = "cw-0.2.4"


def pipeline_version(disabled: tuple[str, ...] | list[str] = (), accurate: bool = False) -> str:
    """The version an extraction is stored under: ``PIPELINE_VERSION``, "accurate" for the ``--accurate`` mode's
    attribution, plus the stages that were off ("cw-0.1.0 without events,geo"), so a partial extraction is never
    taken for a complete one."""
    off = sorted(set(disabled))
    base = f"{PIPELINE_VERSION} accurate" if accurate else PIPELINE_VERSION
    return f"{base} without {','.join(off)}" if off else base


def is_accurate(version: str) -> bool:
    """Whether ``version`` was extracted in the ``--accurate`` mode."""
    return " accurate" in version


def is_partial(version: str) -> bool:
    """Whether ``version`` names stages that were switched off."""
    return " without " in version


def version_key(version: str) -> tuple[int, ...]:
    """Numbers in a pipeline version string, for ordering ("cw-0.1.10" after "cw-0.1.9")."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def supersedes(new: str, old: str) -> bool:
    """Whether output of pipeline version ``new`` should replace output of ``old``: a newer version does, an
    older one never does, and at the same version a complete extraction replaces a partial one but not the
    other way round; among complete (or among partial) ones, an ``--accurate`` one replaces a plain one."""
    if new == old:
        return False
    if version_key(new) != version_key(old):
        return version_key(new) > version_key(old)
    rank = lambda v: (not is_partial(v), is_accurate(v))
    return rank(new) >= rank(old)
