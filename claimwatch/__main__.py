"""``python -m claimwatch``: the same command line as ``claimwatch``."""

from claimwatch.cli import main

main()
