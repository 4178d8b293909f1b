"""Extraction stages over a parsed document, one package or module per stage:

- :mod:`.attribution`: who claims what (cues scored in ``cues``, sources and contents in ``claims``, content
  ends in ``boundaries``, pronoun sources in ``coref``, trailers and speaker lines in ``layout``)
- :mod:`.status`: the epistemic status of each claim
- :mod:`.events`: what each claim says happened (typing in ``classify``, the trigger lexicon in ``lexicon``,
  actors in ``arguments``, dates normalised in ``dates``, quantities in ``quantities``)

Places are the geoparser's stage (:mod:`claimwatch.geo`).
"""
