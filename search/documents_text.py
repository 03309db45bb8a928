"""Text of attached documents (PDF, DOCX, ODT), extracted once per file and cached by its hash."""

import io
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)
MAX_CHARS = 200_000


def document_text(document) -> str:
    key = f"search:doctext:{document.file_hash or document.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    text = ""
    try:
        with document.open_file() as fh:
            data = fh.read()
        text = extract_text(data, document.file_extension.lower())
    except Exception:  # a broken upload must not stop indexing of the page
        logger.warning("Could not read text of document %s", document.pk, exc_info=True)
    text = text[:MAX_CHARS]
    cache.set(key, text, 7 * 24 * 3600)
    return text


def extract_text(data: bytes, extension: str) -> str:
    if extension == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if extension == "docx":
        import docx

        doc = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in doc.paragraphs)
    if extension in ("odt", "ods", "odp"):
        from odf import teletype, text
        from odf.opendocument import load

        doc = load(io.BytesIO(data))
        return "\n".join(teletype.extractText(p) for p in doc.getElementsByType(text.P))
    if extension in ("txt", "csv"):
        return data.decode("utf-8", errors="replace")
    return ""
