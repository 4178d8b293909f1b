"""``python -m claimwatch``: the same command line as ``claimwatch``."""

from claimwatch.cli import main

if __name__ == "__main__":  # not when a worker process (spawn) imports this module again
    main()
