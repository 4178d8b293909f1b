"""Version information: the single source of the package and pipeline versions."""

__version__ = "0.1.0"

#: Bumped whenever extraction output can change for the same input; stored with every claim.
PIPELINE_VERSION = "cw-0.1.0"
