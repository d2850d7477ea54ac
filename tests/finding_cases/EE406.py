"""EE406: 'b' and 'b ' (a trailing space) are one group after normalisation: 60 + 40 cases."""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "b": (30, 600), "b ": (20, 400)})
    return audit(data, decision="geselecteerd", groups=["groep"], count="count")
