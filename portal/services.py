"""Writes that set up the site itself: the page tree skeleton and its workflows."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site, Workflow, WorkflowPage

from knowledge.models import (
    EventIndexPage,
    ExplanationIndexPage,
    GlossaryPage,
    GoodPracticeIndexPage,
    InterpretationIndexPage,
    NewsIndexPage,
    TopicIndexPage,
    TrainingIndexPage,
)
from portal.models import HomePage, StandardPage

SECTIONS = [
    # model, slug, title (Polish: the site's content language), shown in the main menu
    (TrainingIndexPage, "materialy-szkoleniowe", "Materiały szkoleniowe", True),
    (GoodPracticeIndexPage, "dobre-praktyki", "Dobre praktyki", True),
    (InterpretationIndexPage, "interpretacje-prawne", "Interpretacje prawne", True),
    (ExplanationIndexPage, "wyjasnienia", "Wyjaśnienia i artykuły", True),
    (NewsIndexPage, "aktualnosci", "Aktualności", True),
    (EventIndexPage, "wydarzenia", "Wydarzenia", True),
    (TopicIndexPage, "tematy", "Tematy", True),
    (GlossaryPage, "slowniczek", "Słowniczek", True),
]
LEGAL_REVIEW_WORKFLOW = "Legal review"


@dataclass
class SiteStructure:
    home: HomePage
    sections: dict


@transaction.atomic
def site_ensure(*, hostname: str = "localhost", port: int = 80) -> SiteStructure:
    """Create the home page, the section pages and the site record if missing; idempotent."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Obserwatorium Centrów Usług Społecznych",
            slug="start",
            hero_title="Wiedza i wsparcie dla gmin tworzących centra usług społecznych",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        # Wagtail's welcome page is replaced by ours as the site root.
        for page in root.get_children().exclude(pk=home.pk).filter(depth=2):
            if not page.get_children().exists() and page.specific_class is Page:
                page.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Obserwatorium CUS"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])

    sections = {}
    for model, slug, title, in_menu in SECTIONS:
        section = model.objects.child_of(home).first()
        if section is None:
            section = model(title=title, slug=slug, show_in_menus=in_menu)
            home.add_child(instance=section)
            section.save_revision().publish()
        sections[model] = section

    legal = Workflow.objects.filter(name=LEGAL_REVIEW_WORKFLOW).first()
    if legal is not None:
        WorkflowPage.objects.update_or_create(
            page=sections[InterpretationIndexPage], defaults={"workflow": legal}
        )
    _grant_publishing(home, sections)
    return SiteStructure(home=home, sections=sections)


def _grant_publishing(home, sections):
    """Approving a workflow task publishes the page, so approvers need publish permission where they approve.

    Editors publish everywhere except the legal interpretations, which only legal reviewers publish; this is
    what keeps an interpretation off the site until a legal reviewer has approved it.
    """
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    editors = Group.objects.filter(name="Editors").first()
    reviewers = Group.objects.filter(name="Legal reviewers").first()
    if editors is not None:
        # Publishing the home page itself stays with administrators.
        targets = [page.pk for model, page in sections.items() if model is not InterpretationIndexPage]
        targets += list(StandardPage.objects.child_of(home).values_list("pk", flat=True))
        for page_id in targets:
            GroupPagePermission.objects.get_or_create(group=editors, page_id=page_id, permission=publish)
    if reviewers is not None:
        GroupPagePermission.objects.get_or_create(
            group=reviewers, page=sections[InterpretationIndexPage], permission=publish
        )
