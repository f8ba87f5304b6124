"""``{% pdf_link url label %}``: a PDF download button, or, without LibreOffice, a note saying how to add it."""

from django import template

from appraisal.documents.pdf import INSTALL_HINT, pdf_available

register = template.Library()


@register.inclusion_tag("includes/pdf_link.html")
def pdf_link(url: str, label: str) -> dict[str, object]:
    return {"url": url, "label": label, "available": pdf_available(), "hint": INSTALL_HINT}


@register.inclusion_tag("includes/export_button.html", takes_context=True)
def export_button(
    context: template.Context, year: int, document: str, fmt: str, label: str
) -> dict[str, object]:
    """A button that builds one of the period's documents as a background job (its progress page, then the
    file); a PDF button says how to add LibreOffice when it is missing."""
    return {
        "csrf_token": context.get("csrf_token"),
        "year": year,
        "document": document,
        "fmt": fmt,
        "label": label,
        "available": fmt != "pdf" or pdf_available(),
        "hint": INSTALL_HINT,
    }
