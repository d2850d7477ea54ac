"""EE401: group c has 20 cases; a doubling of its selection rate could not be detected."""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "c": (1, 20)})
    return audit(
        data, decision="geselecteerd", groups=["groep"], count="count", reference={"groep": "a"}
    )
