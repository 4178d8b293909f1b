"""Ukrainian and Russian inflection: the case and number endings that name matching strips or adds.

Reads nothing; shared by the actor registry (alias matching) and the geoparser (inflected place names).
"""

#: Ukrainian/Russian case and number endings, longest first: "України"/"Україна" -> "україн".
ENDINGS = sorted(["ами", "ями", "ого", "его", "ому", "ему", "ими", "ыми", "ій", "ий", "ый", "ой", "ей", "ая", "яя", "ое", "ее", "ие", "ые", "ую", "юю", "ою", "ею", "ом", "ем", "их", "ых", "ах", "ях", "ам", "ям", "ов", "ев", "ів", "і", "ї", "а", "я", "у", "ю", "ы", "и", "е", "є", "о", "ь", "й"], key=len, reverse=True)
