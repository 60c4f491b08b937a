"""An invoice as a PDF (fpdf2: pure Python, no system libraries), the same figures as the
printable page. It uses fpdf2's built-in Helvetica, which covers Latin-1 only: other
characters are transliterated where Unicode can (é stays é, "–" becomes "-") and shown as
"?" otherwise, rather than shipping a font file with the app."""

import unicodedata

from django.conf import settings
from fpdf import FPDF

from payments.models import Invoice

_REPLACEMENTS = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."}


def _latin1(text) -> str:
    text = "".join(_REPLACEMENTS.get(char, char) for char in str(text))
    try:
        return text.encode("latin-1").decode("latin-1")
    except UnicodeEncodeError:
        out = []
        for char in text:
            try:
                char.encode("latin-1")
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode()
                char = base or "?"
            out.append(char)
        return "".join(out)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice with its lines (``invoice.lines`` prefetched with projects and experts)."""
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Invoice {invoice.number}"))
    pdf.set_author(_latin1(settings.SITE_NAME))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin1(f"Invoice {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    details = [
        f"From: {settings.SITE_NAME}",
        f"Billed to: {invoice.billed_to}"
        + (f" <{invoice.billing_email}>" if invoice.billing_email else ""),
        f"Issued: {invoice.issued_at:%d %b %Y}",
        f"Hours of: {invoice.starts_on:%d %b %Y} - {invoice.ends_on:%d %b %Y}",
        f"State: {invoice.get_state_display()}"
        + (f", paid on {invoice.paid_on:%d %b %Y}" if invoice.paid_on else ""),
    ]
    for line in details:
        pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (60, 50, 20, 28, 32)
    pdf.set_font("Helvetica", "B", 10)
    for width, title in zip(widths, ("Project", "Expert", "Hours", "Rate", "Amount"), strict=True):
        pdf.cell(width, 8, title, border="B", align="L" if width > 40 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for line in invoice.lines.all():
        values = (
            line.project.name,
            line.expert.get_full_name() or line.expert.email,
            f"{line.hours}",
            f"${line.customer_rate}/h",
            f"${line.amount}",
        )
        for width, value in zip(widths, values, strict=True):
            pdf.cell(width, 7, _latin1(value)[:40], align="L" if width > 40 else "R")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(sum(widths[:-1]), 9, "Total", border="T")
    pdf.cell(widths[-1], 9, f"${invoice.total}", border="T", align="R")
    pdf.ln(14)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(
        0,
        4,
        "US dollars. Each line is hours x the customer rate in force on each day, rounded "
        "half-up to the cent once per line; the total is the sum of the lines.",
    )
    return bytes(pdf.output())
