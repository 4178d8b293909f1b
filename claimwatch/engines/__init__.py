"""Other ways to run the ingest loop than in this process (:mod:`claimwatch.ingest`): on a Ray cluster
(:mod:`.ray_engine`, the optional extra ``claimwatch[ray]``)."""
