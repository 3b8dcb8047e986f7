"""What every Excel export shares: formula-like text is kept as text.

A cell starting with one of FORMULA_CHARS is run as a formula by spreadsheet
programs (CSV/DDE injection). Exports prefix such text with an apostrophe;
imports remove that apostrophe again, so an exported file imports unchanged."""

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_CHARS:
        return value[1:]
    return value
