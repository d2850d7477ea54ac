"""A Markdown report of selection rates and disparities (the first, minimal report).

Small cells are suppressed: a group whose denominator is below the threshold shows
neither its count nor its rate (``"< 10"`` and ``"onderdrukt"``/``"suppressed"``), and a
disparity involving such a group shows no numbers.  No row-level data is ever rendered.
"""

from __future__ import annotations

from collections.abc import Sequence

import jinja2

from eerlijkheid.i18n import get_language, message
from eerlijkheid.metrics import Disparity, GroupMetric

__all__ = ["SUPPRESSION_THRESHOLD", "render_rates_markdown"]

#: Default small-cell threshold: counts below it are not shown.
SUPPRESSION_THRESHOLD = 10

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eerlijkheid", "report/templates"),
    autoescape=False,  # Markdown, not HTML; user labels are escaped by the `md` filter
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _md(text: object) -> str:
    out = str(text)
    for char in "\\`*_{}[]<>|#":
        out = out.replace(char, "\\" + char)
    return out


_ENV.filters["md"] = _md


def _number(text: str, language: str) -> str:
    """Use the decimal comma in Dutch output."""
    return text.replace(".", ",") if language == "nl" else text


def render_rates_markdown(
    title: str,
    rates: Sequence[GroupMetric],
    comparisons: Sequence[Disparity],
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    language: str | None = None,
) -> str:
    """Render per-group rates and disparities as a Markdown report, small cells suppressed.

    Parameters
    ----------
    title : str
        Report title.
    rates : sequence of GroupMetric
        Per-group metrics.
    comparisons : sequence of Disparity
        Group-versus-reference disparities.
    threshold : int
        Small-cell suppression threshold.
    language : {'nl', 'en'}, optional
        Defaults to the library language.

    Returns
    -------
    str
        The Markdown document.

    Examples
    --------
    >>> import pandas as pd
    >>> from eerlijkheid import count_table, group_metrics, disparities
    >>> frame = pd.DataFrame({"g": ["a"] * 40 + ["b"] * 5, "d": [1, 0] * 20 + [1] * 5})
    >>> table = count_table(frame, decision="d", groups="g")
    >>> text = render_rates_markdown("Demo", group_metrics(table, metrics=["selection_rate"]),
    ...                              disparities(table), language="en")
    >>> "| b | < 10 | suppressed |" in text
    True
    """
    lang = get_language() if language is None else language

    def t(key: str, **fields: object) -> str:
        return message(key, language=lang, **fields)

    def count(value: int) -> str:
        return f"< {threshold}" if value < threshold else str(value)

    def pct(value: float) -> str:
        return "—" if value != value else _number(f"{100 * value:.1f}%", lang)  # noqa: PLR0124

    def num(value: float, spec: str) -> str:
        return _number(format(value, spec), lang)

    def small(*values: int) -> bool:
        return any(v < threshold for v in values)

    template = _ENV.get_template("rates.md.j2")
    return template.render(
        title=title,
        rates=rates,
        comparisons=comparisons,
        t=t,
        count=count,
        small=small,
        pct=pct,
        num=num,
        threshold=threshold,
    )
