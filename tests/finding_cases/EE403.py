"""EE403: the counts are declared rounded (as statistics-office tables are, to tens)."""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "b": (50, 1000)})
    return audit(data, decision="geselecteerd", groups=["groep"], count="count", rounded=True)
