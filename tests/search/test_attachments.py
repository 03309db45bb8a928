"""Text of attached documents is searchable; each format is read with its real library."""

import io

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from knowledge import models as km
from search.selectors import search_run
from search.services import search_reindex

pytestmark = pytest.mark.django_db


def text_pdf(text: str) -> bytes:
    """A minimal one-page PDF whose page content draws the text (ASCII) in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "extension, make_file, word, query",
    [
        ("pdf", text_pdf, "teleopieka", "teleopieki"),
        ("docx", docx_bytes, "Wytchnieniowe wsparcie opiekunów", "wsparcia wytchnieniowego"),
        ("odt", odt_bytes, "Mieszkania treningowe dla młodzieży", "mieszkanie treningowe"),
    ],
)
def test_text_of_attached_documents_is_found(make, site, settings, extension, make_file, word, query):
    settings.ELASTICSEARCH_URL = None
    page = make.training(title="Materiał z załącznikiem")
    document = Document(title="Załącznik")
    document.file.save(f"zalacznik.{extension}", ContentFile(make_file(word)), save=False)
    document.save()
    page.attachments.add(km.TrainingMaterialDocument(document=document))
    page.save_revision().publish()
    make.training(title="Inny materiał")
    search_reindex()
    assert [h.url for h in search_run(query).results] == [page.url]
