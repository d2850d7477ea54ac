"""Renderers: turn results into documents people read.  Only this layer imports jinja2.

Examples
--------
>>> from eerlijkheid.report import SUPPRESSION_THRESHOLD
>>> SUPPRESSION_THRESHOLD
10
"""

from eerlijkheid.report._markdown import SUPPRESSION_THRESHOLD, render_rates_markdown

__all__ = ["SUPPRESSION_THRESHOLD", "render_rates_markdown"]
