"""The knowledge loop: a good answer becomes a draft interpretation (or explanation) for public use.

The draft carries the question and the answer with the municipality and personal data removed, the legal basis
and a private link back to the case; it then goes through the section's normal review workflow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from consultations import redaction
from consultations.choices import AccessAction, Category, Status
from consultations.models import AccessLog, Consultation
from consultations.selectors import viewer_for
from consultations.services import ActionRefused
from consultations.workdays import local_date
from portal.html import clean_html, html_to_text

NO_CONSENT = gettext_lazy("The requester did not agree to publish the answer.")
NOT_ANSWERED = gettext_lazy("Only an answered case can become public knowledge.")
ALREADY_DRAFTED = gettext_lazy("A draft has already been made from this case.")
NOT_ALLOWED = gettext_lazy("Only the coordinator or the adviser who answered can do this.")
HEADING_QUESTION = gettext_lazy("Question")
HEADING_ANSWER = gettext_lazy("Answer")

CITATION = re.compile(
    r"\bart\.?\s*(?P<article>\d+[a-z]?)(?:\s*ust\.?\s*(?P<paragraph>\d+[a-z]?))?(?:\s*pkt\.?\s*(?P<point>\d+[a-z]?))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Proposal:
    """What the reviewer sees: redacted texts to edit, and the originals with personal data marked."""

    title: str
    question: str
    answer: str
    provisions: str
    marked_question: SafeString
    marked_answer: SafeString
    found: int


def can_draft(user, consultation: Consultation) -> bool:
    viewer = viewer_for(user)
    answered_by_them = viewer.adviser is not None and consultation.answered_by_id == viewer.adviser.pk
    return viewer.coordinator or answered_by_them


def _check(user, consultation: Consultation) -> None:
    if not can_draft(user, consultation):
        raise ActionRefused(NOT_ALLOWED)
    if consultation.status not in (Status.ANSWERED, Status.CLOSED) or not consultation.answer:
        raise ActionRefused(NOT_ANSWERED)
    if not consultation.consent_publish:
        raise ActionRefused(NO_CONSENT)
    if consultation.knowledge_page_id is not None:
        raise ActionRefused(ALREADY_DRAFTED)


def _known(consultation: Consultation) -> dict:
    people = [consultation.requester] if consultation.requester else []
    people += [m.author for m in consultation.messages.select_related("author") if m.author]
    names = sorted({p.get_full_name() for p in people if p.get_full_name()})
    return {"names": names, "municipalities": [consultation.municipality.name]}


def proposal_for(*, consultation: Consultation, user) -> Proposal:
    _check(user, consultation)
    known = _known(consultation)
    answer_text = html_to_text(consultation.answer)
    question_spans = redaction.find_personal_data(consultation.question, **known)
    answer_spans = redaction.find_personal_data(answer_text, **known)
    title_spans = redaction.find_personal_data(consultation.title, **known)
    return Proposal(
        title=redaction.redact(consultation.title, title_spans),
        question=redaction.redact(consultation.question, question_spans),
        answer=redaction.redact(answer_text, answer_spans),
        provisions=consultation.provisions,
        marked_question=redaction.highlight_html(consultation.question, question_spans),
        marked_answer=redaction.highlight_html(answer_text, answer_spans),
        found=len(question_spans) + len(answer_spans) + len(title_spans),
    )


def legal_references(provisions: str) -> list[dict]:
    """Article, paragraph and point of each "art. N ust. M pkt K" in the text; the Act on CUS by default."""
    return [
        {"article": m["article"], "paragraph": m["paragraph"] or "", "point": m["point"] or ""}
        for m in CITATION.finditer(provisions or "")
    ]


def consultation_draft_knowledge(
    *,
    consultation: Consultation,
    actor,
    title: str,
    summary: str,
    question: str,
    answer: str,
    provisions: str = "",
):
    """Create the draft page (not published) and submit it to the section's workflow; returns the page."""
    from knowledge.models import (
        ExplanationIndexPage,
        ExplanationPage,
        InterpretationIndexPage,
        LegalInterpretationPage,
        LegalReference,
    )

    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .get(pk=consultation.pk)
        )
        _check(actor, consultation)
        today = local_date(timezone.now())
        answer_html = clean_html(answer)
        adviser = consultation.answered_by
        author = adviser.name if adviser else ""
        if consultation.category == Category.LEGAL:
            parent = InterpretationIndexPage.objects.first()
            page = LegalInterpretationPage(
                title=title,
                summary=summary,
                question=clean_html(question),
                answer=[{"type": "paragraph", "value": answer_html}],
                issued=local_date(consultation.answered_at) if consultation.answered_at else today,
                law_as_at=today,
                author=author,
                author_role=str(adviser.get_role_display()) if adviser else "",
                source_case=consultation,
                live=False,
                owner=actor,
            )
            references = legal_references(provisions) or [{"article": "", "paragraph": "", "point": ""}]
            page.legal_basis = [LegalReference(**ref) for ref in references]
        else:
            parent = ExplanationIndexPage.objects.first()
            body = clean_html(question)
            page = ExplanationPage(
                title=title,
                summary=summary,
                author=author,
                body=[
                    {"type": "heading", "value": {"text": str(HEADING_QUESTION), "level": "h2"}},
                    {"type": "paragraph", "value": body},
                    {"type": "heading", "value": {"text": str(HEADING_ANSWER), "level": "h2"}},
                    {"type": "paragraph", "value": answer_html},
                ],
                source_case=consultation,
                live=False,
                owner=actor,
            )
        parent.add_child(instance=page)
        page.save_revision(user=actor)
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, actor)
        consultation.knowledge_page = page
        consultation.save(update_fields=["knowledge_page", "updated_at"])
        AccessLog.objects.create(
            user=actor, consultation=consultation, action=AccessAction.EXPORT, detail=f"draft page {page.pk}"
        )
    return page
