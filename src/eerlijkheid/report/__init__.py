"""Renderers: one result model, many outputs.  Only this layer imports jinja2.

Every renderer reads the publishable, small-cell-suppressed view of a result
(:meth:`eerlijkheid.audit.AuditResult.to_dict` with ``suppress=True``), so no small cell
and no row-level data reaches any output.

Examples
--------
>>> import pandas as pd
>>> import eerlijkheid as ee
>>> from eerlijkheid.report import render_json
>>> frame = pd.DataFrame({"g": ["a", "b"] * 100, "d": [1, 0, 0, 1] * 50})
>>> render_json(ee.audit(frame, decision="d", groups="g")).startswith("{")
True
"""

from eerlijkheid.report._github import render_github
from eerlijkheid.report._html import render_html
from eerlijkheid.report._json import publishable, render_json, schema
from eerlijkheid.report._junit import render_junit
from eerlijkheid.report._markdown_report import render_markdown
from eerlijkheid.report._text import render_text

__all__ = [
    "publishable",
    "render_github",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_text",
    "schema",
]
