"""The "too little data" tables: EE401 as one table per grouping instead of a card per group.

EE401 is a statement about evidence (no difference was measured), and an audit with
intersections easily has dozens of them.  The HTML, Markdown and text reports therefore
show them as one table per grouping (attribute or intersection, single attributes first):
"which groups are too small to say anything", with the group, its number of cases, the
power to detect the configured ratio on the harmful side and the smallest detectable
ratio.  The same table lists the groups whose power is also below the bar but whose
interval already rules out a disparity of the configured size (sufficiency status
``no-material-gap``): for those the data are evidence of no material gap, not "too little
data".  The JSON keeps every EE401 finding and every sufficiency record.

Everything comes from the publishable data (``to_dict(suppress=True)``): a row of a group
with a small cell shows no numbers.

Examples
--------
>>> from eerlijkheid import audit
>>> from eerlijkheid.datasets import welfare_reexamination
>>> result = audit(welfare_reexamination(n=2_000, seed=0), decision="geselecteerd",
...                groups="migratieachtergrond", language="en")
>>> tables = sufficiency_tables(result.to_dict(suppress=True), "en")
>>> tables[0].attributes, tables[0].rows[0].verdict
('migratieachtergrond', 'too little data — suppressed (cell under 10)')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eerlijkheid.i18n import message
from eerlijkheid.report._json import labels, number, percent

__all__ = ["SufficiencyRow", "SufficiencyTable", "sufficiency_tables"]

#: The finding code the tables replace in the per-finding listings.
CODE = "EE401"


@dataclass(frozen=True)
class SufficiencyRow:
    """One group of a "too little data" table, its texts formatted for the language.

    Attributes
    ----------
    group : str
        The group's labels (``a × b``).
    cases, power, mdr : str
        Number of cases, power, minimum detectable ratio (``—`` when suppressed).
    verdict : str
        ``te weinig gegevens`` or the no-material-gap sentence.
    status : {'insufficient', 'no-material-gap'}
        The sufficiency status.
    fingerprint : str or None
        The EE401 finding's fingerprint (``None`` for a no-material-gap row).
    suppressed : bool
        Whether the row involves a small cell.
    """

    group: str
    cases: str
    power: str
    mdr: str
    verdict: str
    status: str
    fingerprint: str | None
    suppressed: bool


@dataclass(frozen=True)
class SufficiencyTable:
    """The "too little data" table of one grouping.

    Attributes
    ----------
    attributes : str
        The grouping (``migratieachtergrond × wijk``).
    title : str
        The table's heading.
    power_heading, mdr_heading : str
        Column headings that name the ratio and the required power.
    rows : tuple of SufficiencyRow
        Too-little-data groups and no-material-gap groups, in the audit's group order.
    """

    attributes: str
    title: str
    power_heading: str
    mdr_heading: str
    rows: tuple[SufficiencyRow, ...]

    @property
    def insufficient(self) -> int:
        """Number of groups with too little data (EE401 findings)."""
        return sum(1 for r in self.rows if r.status == "insufficient")


def _key(subject: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(subject.get("attributes") or ()), tuple(subject.get("group") or ())


def _ratio(value: float | None, language: str) -> str:
    return "—" if value is None else number(value, language) + "×"


def sufficiency_tables(data: Mapping[str, Any], language: str) -> tuple[SufficiencyTable, ...]:
    """Build the "too little data" tables from the publishable data.

    Parameters
    ----------
    data : mapping
        ``AuditResult.to_dict(suppress=True)``.
    language : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    tuple of SufficiencyTable
        One per grouping that has EE401 findings or no-material-gap groups below the
        power, single attributes first; empty when there are none.
    """

    def t(key: str, **fields: object) -> str:
        return message(key, language=language, **fields)

    findings = {_key(f["subject"]): f for f in data["findings"] if f["code"] == CODE}
    flagged = {_key(f["subject"]) for f in data["findings"] if f["code"] == "EE201"}
    config = data["config"]
    required = percent(config["power"], language)
    rows: dict[tuple[str, ...], list[SufficiencyRow]] = {}
    harmful: dict[tuple[str, ...], float] = {}
    for record in data["sufficiency"]:
        comparison = record["comparison"]
        key = (tuple(comparison["attributes"]), tuple(comparison["group"]))
        finding = findings.get(key)
        quiet = record["status"] == "no-material-gap" and not record["sufficient"]
        if finding is None and not (quiet and key not in flagged):
            continue
        suppressed = bool(record["suppressed"])
        if finding is not None:
            verdict = t("fmt-sufficiency-insufficient")
        else:
            verdict = t(
                "fmt-sufficiency-no-material-gap",
                ratio=_ratio(comparison["ratio"], language),
                low=number(comparison["ratio_interval"]["low"], language),
                high=number(comparison["ratio_interval"]["high"], language),
                detectable=_ratio(record["harmful_ratio"], language),
            )
        if suppressed:
            verdict += " — " + t(
                "fmt-evidence-suppressed", threshold=data["suppression"]["threshold"]
            )
        count = comparison["group_denominator"]
        mdr = record["minimum_detectable_ratio"]
        unreachable = not suppressed and (mdr is None or mdr == 0)  # inf (null) or 0: none
        rows.setdefault(key[0], []).append(
            SufficiencyRow(
                group=labels(key[1]),
                cases="—" if count is None else str(count),
                power=percent(record["power"], language),
                mdr=t("fmt-sufficiency-mdr-none") if unreachable else _ratio(mdr, language),
                verdict=verdict,
                status="insufficient" if finding is not None else "no-material-gap",
                fingerprint=None if finding is None else str(finding["fingerprint"]),
                suppressed=suppressed,
            )
        )
        harmful[key[0]] = float(record["harmful_ratio"])
    ordered = sorted(rows, key=len)  # stable: single attributes first
    return tuple(
        SufficiencyTable(
            attributes=labels(attributes),
            title=t("fmt-sufficiency-title", attributes=labels(attributes)),
            power_heading=t(
                "fmt-sufficiency-col-power", ratio=_ratio(harmful[attributes], language)
            ),
            mdr_heading=t(
                "fmt-sufficiency-col-mdr-lower"
                if harmful[attributes] < 1
                else "fmt-sufficiency-col-mdr",
                power=required,
            ),
            rows=tuple(rows[attributes]),
        )
        for attributes in ordered
    )
