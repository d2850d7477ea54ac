"""EE102: an input is another protected ground (age)."""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "b": (60, 1000)})
    return audit(
        data, decision="geselecteerd", groups=["groep"], count="count", inputs=["leeftijd"]
    )
