"""Text helpers shared by the extraction stages and the geoparser (neither imports the other's internals).

- :mod:`.sentences`: per-document sentence index and text, built once
- :mod:`.intervals`: start-sorted items and interval cover questions in O(log n)
- :mod:`.inflection`: Ukrainian/Russian case endings, for matching inflected names
- :mod:`.safe`: strings from hostile inputs made safe to store, hash and print
"""
