"""PDF documents (certificates, invoices, a whole Section 11 return) drawn by WeasyPrint from a template, sent
through core.downloads."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from assure.core.downloads import file_download


def pdf_download(request, template: str, context: dict, *, filename: str, record, description: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return file_download(
        request,
        content=HTML(string=html).write_pdf(),
        filename=f"{filename}.pdf",
        content_type="application/pdf",
        description=description,
        record=record,
    )
