"""RSS and Atom feeds of new training materials and new legal interpretations."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from knowledge.models import LegalInterpretationPage, TrainingMaterialPage
from knowledge.selectors import published

FEED_SIZE = 30


class _PageFeed(Feed):
    model = None

    def items(self):
        return published(self.model).order_by("-date", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.full_url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [t.name for t in item.topics.all()]


class MaterialsFeed(_PageFeed):
    model = TrainingMaterialPage
    title = _("New training materials")
    link = "/"
    description = _("Training materials on social-services centres, newest first.")


class InterpretationsFeed(_PageFeed):
    model = LegalInterpretationPage
    title = _("New legal interpretations")
    link = "/"
    description = _("Legal interpretations of the Act on social-services centres, newest first.")


class MaterialsAtomFeed(MaterialsFeed):
    feed_type = Atom1Feed
    subtitle = MaterialsFeed.description


class InterpretationsAtomFeed(InterpretationsFeed):
    feed_type = Atom1Feed
    subtitle = InterpretationsFeed.description
