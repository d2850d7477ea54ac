"""EE101: the inputs hold a race indicator (country of birth) and nationality.

Both get EE101, each with the norm of its own ground: race never, nationality only in very
exceptional cases.
"""

from finding_cases._build import audit, selection


def findings():
    data = selection({"a": (50, 1000), "b": (60, 1000)})
    return audit(
        data,
        decision="geselecteerd",
        groups=["groep"],
        count="count",
        inputs=["geboorteland", "nationaliteit", "inkomen"],
    )
