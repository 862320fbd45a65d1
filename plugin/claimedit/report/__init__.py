"""The findings report: one self-contained HTML page built from the replay rows (``--format html``)."""

from claimedit.report.html import render_html, write_html

__all__ = ["render_html", "write_html"]
