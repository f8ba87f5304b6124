"""``{% pdf_link url label %}``: a PDF download button, or, without LibreOffice, a note saying how to add it."""

from django import template

from appraisal.documents.pdf import INSTALL_HINT, pdf_available

register = template.Library()


@register.inclusion_tag("includes/pdf_link.html")
def pdf_link(url: str, label: str) -> dict[str, object]:
    return {"url": url, "label": label, "available": pdf_available(), "hint": INSTALL_HINT}
