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
            LegalReference(act=ref["act"] or ACT_CUS, article=ref["article"], paragraph=ref["paragraph"], point=ref["point"])
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
        by_slug = {}
        for item in items:
            model, index_model = PAGE_TYPES[item.type]
            parent = sections[index_model]
            existing = parent.get_children().filter(slug=item.slug).first()
            try:
                if existing is not None:
                    page = existing.specific
                    if not isinstance(page, model):
                        raise ImportLineError(
                            item.line_number,
                            f"“{item.slug}” already exists as a {page._meta.verbose_name}, not a {model._meta.verbose_name}",
                        )
                    result.updated += 1
                else:
                    page = model(slug=item.slug, owner=user)
                    result.created += 1
                _apply(page, item)
                if existing is None:
                    parent.add_child(instance=page)
                page.save_revision(user=user, log_action=True).publish(user=user)
            except ValidationError as exc:
                messages = "; ".join(
                    f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items()
                ) if hasattr(exc, "message_dict") else " ".join(exc.messages)
                raise ImportLineError(item.line_number, messages) from None
            by_slug[item.slug] = page
            result.pages.append(page)
        # Second pass: links between interpretations may point forwards in the file.
        for item in items:
            target = item.relations.get("superseded_by")
            if target:
                page = by_slug[item.slug]
                page.superseded_by = LegalInterpretationPage.objects.get(slug=target)
                page.save_revision(user=user).publish(user=user)
    return result
