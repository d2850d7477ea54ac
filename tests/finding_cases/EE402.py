"""EE402: 100 of 2100 cases have no group label; they are counted as their own group."""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "b": (50, 1000), None: (10, 100)})
    return audit(data, decision="geselecteerd", groups=["groep"], count="count")
