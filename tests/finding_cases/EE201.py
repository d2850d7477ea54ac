"""EE201: group b is selected three times as often as reference group a (5% vs 15%)."""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "b": (150, 1000)})
    return audit(
        data, decision="geselecteerd", groups=["groep"], count="count", reference={"groep": "a"}
    )
