"""Writes to knowledge content: importing pages from JSON Lines."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from knowledge.importer import ImportItem, ImportLineError
from knowledge.models import (
    ACT_CUS,
    Audience,
    EventIndexPage,
    EventPage,
    EventProgrammeItem,
    ExplanationIndexPage,
    ExplanationPage,
    GoodPracticeIndexPage,
    GoodPracticePage,
    GoodPracticePartner,
    InterpretationChange,
    InterpretationIndexPage,
    LegalInterpretationPage,
    LegalReference,
    Municipality,
    NewsIndexPage,
    NewsPage,
    SocialService,
    Topic,
    TrainingIndexPage,
    TrainingMaterialPage,
)

PAGE_TYPES = {
    "training_material": (TrainingMaterialPage, TrainingIndexPage),
    "good_practice": (GoodPracticePage, GoodPracticeIndexPage),
    "legal_interpretation": (LegalInterpretationPage, InterpretationIndexPage),
    "article": (ExplanationPage, ExplanationIndexPage),
    "explanation": (ExplanationPage, ExplanationIndexPage),
    "news": (NewsPage, NewsIndexPage),
    "event": (EventPage, EventIndexPage),
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    pages: list | None = None


def _named(model, names):
    return [model.objects.get_or_create(name=name)[0] for name in names]


def _municipality(data) -> Municipality:
    if data.get("teryt"):
        found = Municipality.objects.filter(teryt=data["teryt"]).first()
        if found:
            return found
    found = Municipality.objects.filter(name=data["name"], voivodeship=data["voivodeship"] or "").first()
    if found is None:
        found = Municipality.objects.filter(name=data["name"]).first() if not data["voivodeship"] else None
    found = found or Municipality(name=data["name"])
    for key in ("teryt", "kind", "voivodeship", "population"):
        if data.get(key):
            setattr(found, key, data[key])
    found.full_clean()
    found.save()
    return found


def _apply(page, item: ImportItem):
    fields = dict(item.fields)
    if fields.get("date") is None:
        fields.pop("date")
    for name, value in fields.items():
        setattr(page, name, value)
    page.topics.set(_named(Topic, item.topics))
    rel = item.relations
    if "audience" in rel:
        page.audience.set(_named(Audience, rel["audience"]))
    if "services" in rel:
        page.services.set(_named(SocialService, rel["services"]))
    if isinstance(page, GoodPracticePage):
        page.municipality = _municipality(rel["municipality"]) if rel.get("municipality") else None
        page.partners = [GoodPracticePartner(**p) for p in rel["partners"]]
    if isinstance(page, LegalInterpretationPage):
        page.legal_basis = [
            LegalReference(
                act=ref["act"] or ACT_CUS,
                article=ref["article"],
                paragraph=ref["paragraph"],
                point=ref["point"],
            )
            for ref in rel["legal_basis"]
        ]
        page.changes = [InterpretationChange(**change) for change in rel["changes"]]
    if isinstance(page, EventPage):
        page.programme = [EventProgrammeItem(**entry) for entry in rel["programme"]]


def content_import(items: list[ImportItem], *, user=None, sections=None) -> ImportResult:
    """Create or update one published page per item, matched by slug; all or nothing."""
    from portal.services import site_ensure

    result = ImportResult(pages=[])
    with transaction.atomic():
        sections = sections or site_ensure().sections
        for item in _successors_first(items):
            model, index_model = PAGE_TYPES[item.type]
            parent = sections[index_model]
            existing = parent.get_children().filter(slug=item.slug).first()
            try:
                if existing is not None:
                    page = existing.specific
                    if not isinstance(page, model):
                        raise ImportLineError(
                            item.line_number,
                            f"“{item.slug}” already exists as a {page._meta.verbose_name}, "
                            f"not a {model._meta.verbose_name}",
                        )
                    result.updated += 1
                else:
                    page = model(slug=item.slug, owner=user)
                    result.created += 1
                _apply(page, item)
                if item.relations.get("superseded_by"):
                    page.superseded_by = LegalInterpretationPage.objects.get(
                        slug=item.relations["superseded_by"]
                    )
                if existing is None:
                    parent.add_child(instance=page)
                # An import is run by an operator at the shell, not through editor permissions.
                page.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
            except ValidationError as exc:
                messages = (
                    "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
                    if hasattr(exc, "message_dict")
                    else " ".join(exc.messages)
                )
                raise ImportLineError(item.line_number, messages) from None
            result.pages.append(page)
    return result


def _successors_first(items: list[ImportItem]) -> list[ImportItem]:
    """Order items so an interpretation comes after the one superseding it (links may point forwards)."""
    pending = list(items)
    ordered: list[ImportItem] = []
    in_file = {item.slug for item in items}
    done: set[str] = set()
    while pending:
        progressed = False
        for item in list(pending):
            target = item.relations.get("superseded_by")
            if not target or target in done or target not in in_file:
                ordered.append(item)
                done.add(item.slug)
                pending.remove(item)
                progressed = True
        if not progressed:
            raise ImportLineError(pending[0].line_number, "“superseded_by” links form a cycle")
    return ordered


@dataclass
class ReminderResult:
    mails: int = 0
    pages: int = 0


def review_reminders_send(*, today=None) -> ReminderResult:
    """One e-mail per owner listing their pages due for review; pages without an owner go to superusers."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import timezone, translation

    from knowledge.selectors import pages_due_for_review

    today = today or timezone.localdate()
    by_owner: dict = {}
    fallback = list(get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email=""))
    for page in pages_due_for_review(today=today):
        owners = [page.owner] if page.owner and page.owner.is_active and page.owner.email else fallback
        for owner in owners:
            by_owner.setdefault(owner, []).append(page)
    result = ReminderResult()
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for owner, pages in by_owner.items():
        rows = [
            {
                "page": page,
                "overdue": page.review_date < today,
                "edit_url": base + reverse("wagtailadmin_pages:edit", args=[page.pk]),
            }
            for page in pages
        ]
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "owner": owner,
                "rows": rows,
                "today": today,
                "report_url": base + reverse("knowledge_review_report"),
            }
            subject = render_to_string("knowledge/mail/review_reminder_subject.txt", context).strip()
            body = render_to_string("knowledge/mail/review_reminder.txt", context)
        send_mail(subject, body, None, [owner.email])
        result.mails += 1
        result.pages += len(pages)
    return result
