"""A payee's statement as a PDF (ReportLab): the same lines, in words, and the same totals
as the page. Chinese text uses ReportLab's built-in STSong-Light CID font (no font file)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from meritline.core.money import format_fen

FONT = "STSong-Light"
_registered: list[bool] = []


def _font() -> str:
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered.append(True)
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor="#555"),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=17, spaceBefore=8),
        "h3": ParagraphStyle("h3", parent=base, fontSize=10, leading=14, spaceBefore=6),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


GRID = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dadfe5")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)


def _totals_rows(totals: dict[str, int], s: dict[str, ParagraphStyle]) -> list[list[Any]]:
    labels = [
        ("earned_fen", _("Earned")),
        ("cap_cut_fen", _("Cut by caps")),
        ("held_fen", _("Held until collected")),
        ("released_fen", _("Released")),
        ("clawed_back_fen", _("Clawed back")),
        ("adjustment_fen", _("Adjustments")),
        ("carried_in_fen", _("Carried in from the last period")),
        ("payable_fen", _("Payable")),
        ("carried_out_fen", _("Carried to the next period")),
    ]
    return [
        [_p(label, s["base"]), _p(format_fen(totals[key]), s["right"])] for key, label in labels
    ]


def statement_pdf(data: Any, *, compress: bool = True) -> bytes:
    """The PDF of a :class:`~meritline.incentives.views.statement_data.StatementData`
    (``compress=False`` leaves the page streams readable, for tests)."""
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Incentive statement"),
        author="Meritline",
        pageCompression=1 if compress else 0,
    )
    width = doc.width
    story: list[Any] = [
        _p(_("Incentive statement"), s["title"]),
        _p(
            _("%(name)s (%(number)s) · period %(period)s")
            % {
                "name": data.employee.name,
                "number": data.employee.employee_no,
                "period": data.period,
            },
            s["base"],
        ),
        _p(
            _("Printed %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
            s["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    totals = Table(_totals_rows(data.totals, s), colWidths=[width * 0.6, width * 0.4])
    totals.setStyle(GRID)
    story.append(totals)
    for part in data.parts:
        run = part.run
        heading = f"{run.plan_version.plan.name} · {run.plan_version.label}"
        if part.is_draft:
            heading += " · " + _("draft, may still change")
        story.append(_p(heading, s["h2"]))
        for group in part.groups:
            story.append(_p(f"{group.name} · {format_fen(group.total_fen)}", s["h3"]))
            rows = [
                [
                    _p(f"[{row.kind_label}] {row.text}", s["base"]),
                    _p(format_fen(row.line.amount_fen), s["right"]),
                ]
                for row in group.lines
            ]
            table = Table(rows, colWidths=[width * 0.78, width * 0.22])
            table.setStyle(GRID)
            story.append(table)
    doc.build(story)
    return buffer.getvalue()
