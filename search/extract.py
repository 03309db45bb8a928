"""Turn a published page into the plain fields the search layer indexes."""

from django.utils.html import strip_tags

from knowledge import models as km

PAGE_TYPES = {
    km.TrainingMaterialPage: "training_material",
    km.GoodPracticePage: "good_practice",
    km.LegalInterpretationPage: "legal_interpretation",
    km.ExplanationPage: "explanation",
    km.NewsPage: "news",
    km.EventPage: "event",
}


def _stream_text(stream) -> str:
    if not stream:
        return ""
    parts = stream.stream_block.get_searchable_content(stream)
    return "\n".join(strip_tags(str(part)) for part in parts if part)


def _attachments_text(page) -> str:
    from search.documents_text import document_text

    attachments = getattr(page, "attachments", None)
    if attachments is None:
        return ""
    return "\n".join(document_text(a.document) for a in attachments.select_related("document"))


def page_fields(page) -> dict:
    """The raw (not yet normalised) fields of one knowledge page."""
    body_parts: list[str] = []
    basis: list[str] = []
    extra: dict = {"status": "", "voivodeship": "", "municipality_kind": "", "municipality": ""}
    if isinstance(page, km.LegalInterpretationPage):
        body_parts += [strip_tags(page.question), _stream_text(page.answer)]
        basis = [ref.citation for ref in page.legal_basis.all()]
        extra["status"] = page.status
    elif isinstance(page, km.GoodPracticePage):
        body_parts += [_stream_text(page.body), strip_tags(page.worked), strip_tags(page.pitfalls)]
        body_parts += [s.name for s in page.services.all()] + [p.name for p in page.partners.all()]
        if page.municipality:
            extra.update(
                voivodeship=page.municipality.voivodeship,
                municipality_kind=page.municipality.kind,
                municipality=page.municipality.name,
            )
    else:
        body_parts.append(_stream_text(getattr(page, "body", None)))
        for name in ("trainer", "organiser", "venue", "author"):
            if getattr(page, name, ""):
                body_parts.append(getattr(page, name))
    body_parts.append(_attachments_text(page))
    return {
        "type": PAGE_TYPES[type(page)],
        "title": page.title,
        "summary": page.summary,
        "body": "\n".join(p for p in body_parts if p).strip(),
        "url": page.url or "",
        "date": page.date,
        "topics": [[t.slug, t.name] for t in page.topics.all()],
        "legal_basis": basis,
        **extra,
    }
