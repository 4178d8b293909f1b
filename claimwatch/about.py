"""Version information: the single source of the package and pipeline versions, and how two pipeline versions
compare (which extraction replaces which)."""

import re

__version__ = "0.1.0"

#: Bumped whenever extraction output can change for the same input; stored with every claim.
PIPELINE_VERSION = "cw-0.2.0"


def pipeline_version(disabled: tuple[str, ...] | list[str] = ()) -> str:
    """The version an extraction is stored under: ``PIPELINE_VERSION``, plus the stages that were off
    ("cw-0.1.0 without events,geo"), so a partial extraction is never taken for a complete one."""
    off = sorted(set(disabled))
    return f"{PIPELINE_VERSION} without {','.join(off)}" if off else PIPELINE_VERSION


def is_partial(version: str) -> bool:
    """Whether ``version`` names stages that were switched off."""
    return " without " in version


def version_key(version: str) -> tuple[int, ...]:
    """Numbers in a pipeline version string, for ordering ("cw-0.1.10" after "cw-0.1.9")."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def supersedes(new: str, old: str) -> bool:
    """Whether output of pipeline version ``new`` should replace output of ``old``: a newer version does, an
    older one never does, and at the same version a complete extraction replaces a partial one but not the
    other way round."""
    if new == old:
        return False
    if version_key(new) != version_key(old):
        return version_key(new) > version_key(old)
    return not (is_partial(new) and not is_partial(old))
