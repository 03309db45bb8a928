import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from knowledge import models as km

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_pages_only(client, make):
    live = make.training(title="Opublikowany", slug="opublikowany")
    make.training(title="Szkic", slug="szkic", publish=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locs = [
        el.text
        for el in ET.fromstring(response.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert any(loc.endswith(live.url) for loc in locs)
    assert not any("szkic" in loc for loc in locs)


def test_robots_txt_points_to_the_sitemap(client, site):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body


def test_rss_and_atom_feeds_of_materials_and_interpretations(client, make):
    make.training(title="Nowy poradnik", date=dt.date(2026, 1, 5))
    make.interpretation(title="Nowa interpretacja")
    rss = client.get("/feeds/materialy.rss")
    assert rss["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(rss.content).findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["Nowy poradnik"]
    atom = client.get("/feeds/interpretacje.atom")
    entries = ET.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.findtext("{http://www.w3.org/2005/Atom}title") for e in entries] == ["Nowa interpretacja"]


def test_api_serves_published_good_practices_with_their_fields(client, make):
    from tests.factories import MunicipalityFactory

    tarnow = MunicipalityFactory(name="Tarnów", voivodeship="małopolskie", kind="urban")
    make.good_practice(title="CUS w Tarnowie", municipality=tarnow, funding="own_budget")
    make.good_practice(title="Szkic praktyki").unpublish()
    response = client.get("/api/v2/pages/", {"type": "knowledge.GoodPracticePage", "fields": "*"})
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 1
    item = data["items"][0]
    assert item["title"] == "CUS w Tarnowie"
    assert item["municipality"] == "Tarnów" and item["voivodeship"] == "małopolskie"
    assert item["funding"] == "own_budget"


def test_api_is_read_only(client, make):
    page = make.news()
    assert client.post("/api/v2/pages/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v2/pages/{page.pk}/").status_code == 405


def test_api_interpretation_detail_has_structured_legal_basis(client, make):
    page = make.interpretation(legal_basis=[("9", "1", "2")])
    item = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert item["legal_basis"][0]["article"] == "9"
    assert item["legal_basis"][0]["citation"].startswith("art. 9 ust. 1 pkt 2 ustawy o realizowaniu")


def test_detail_page_has_canonical_and_open_graph_metadata(client, make):
    page = make.training(title="Poradnik OG", summary="Krótki opis materiału.")
    html = client.get(page.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{page.url}">' in html
    assert '<meta property="og:title" content="Poradnik OG">' in html
    assert '<meta property="og:description" content="Krótki opis materiału.">' in html
    assert '<meta name="description" content="Krótki opis materiału.">' in html


def test_polish_by_default_even_for_english_browsers_and_english_on_request(client, make, settings):
    page = make.training()
    html = client.get(page.url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="pl">' in html and "Przejdź do treści" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(page.url).content.decode()
    assert '<html lang="en">' in html and "Skip to main content" in html


def test_language_switcher_sets_the_choice_and_returns(client, make):
    page = make.training()
    response = client.get("/jezyk/en/", {"next": page.url})
    assert response.status_code == 302 and response["Location"] == page.url
    assert "Skip to main content" in client.get(page.url).content.decode()
    assert client.get("/jezyk/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/jezyk/xx/").status_code == 404


def test_pages_have_landmarks_skip_link_and_one_h1(client, make, site):
    for page in [site.home, make.training(), make.interpretation(), site.sections[km.TrainingIndexPage]]:
        html = client.get(page.url).content.decode()
        assert html.count("<h1") == 1, page
        assert 'href="#main"' in html and '<main id="main"' in html
        assert "<header" in html and "<footer" in html and '<nav class="site-nav"' in html


def test_anonymous_pages_are_cached_and_a_publish_shows_at_once(
    client, make, django_assert_num_queries, django_capture_on_commit_callbacks
):
    page = make.training(title="Wersja 1")
    assert "Wersja 1" in client.get(page.url).content.decode()
    with django_assert_num_queries(0):
        cached = client.get(page.url)
    assert "Wersja 1" in cached.content.decode()
    assert "no-cache" in cached["Cache-Control"] and "csrftoken" not in cached.cookies
    page.title = "Wersja 2"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert "Wersja 2" in client.get(page.url).content.decode()


def test_logged_in_users_bypass_the_page_cache(client, make, admin_user):
    page = make.training()
    client.get(page.url)
    client.force_login(admin_user)
    # A logged-in editor sees the live page with the editing bar, never a cached anonymous copy.
    assert "wagtail-userbar" in client.get(page.url).content.decode()


def test_the_user_bar_outside_pages_follows_the_editors_rights(client, site):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory(username="redaktorka", groups=["Editors"])
    client.force_login(editor)
    # The search page is no Wagtail page: its user bar is kept per user, and forgotten when rights change.
    assert "wagtail-userbar" in client.get("/szukaj/").content.decode()
    assert "wagtail-userbar" in client.get("/szukaj/").content.decode()
    editor.groups.remove(Group.objects.get(name="Editors"))
    assert "wagtail-userbar" not in client.get("/szukaj/").content.decode()


def test_the_menu_follows_a_change_of_the_sites_root(client, site):
    from wagtail.models import Page, Site

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="czytelnik"))  # signed in: past the full-page cache

    def menu():
        html = client.get("/szukaj/").content.decode()
        return html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]

    assert "Dobre praktyki" in menu()
    current = Site.objects.get(hostname="testserver")
    current.root_page = Page.get_first_root_node().add_child(title="Inny portal", slug="inny")
    current.save()
    assert "Dobre praktyki" not in menu()


def test_unknown_page_gets_a_helpful_404(client, site):
    response = client.get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    assert 'role="search"' in response.content.decode()


def test_home_page_shows_latest_content_and_entry_points(client, make, site):
    make.news(title="Świeża wiadomość")
    make.training(title="Świeży materiał")
    make.interpretation(title="Świeża interpretacja")
    make.event(title="Nadchodzące spotkanie")
    html = client.get("/").content.decode()
    for title in ("Świeża wiadomość", "Świeży materiał", "Świeża interpretacja", "Nadchodzące spotkanie"):
        assert title in html
    assert 'role="search"' in html


def test_no_assets_from_external_hosts(client, make):
    html = client.get(make.training().url).content.decode()
    import re

    for match in re.finditer(r'(?:src|href)="(https?://[^"]+)"', html):
        assert match.group(1).startswith("http://testserver"), match.group(1)


def test_pages_that_must_never_be_stored_keep_their_private_headers(client, site):
    # The sign-in form carries a CSRF token: neither the server cache nor the browser may keep it.
    response = client.get("/konto/logowanie/")
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control and "public" not in control


@pytest.mark.parametrize("number", [1, 2, 40])
def test_kept_pagination_links_match_the_template_for_any_page_and_query(number):
    from django.core.paginator import Paginator
    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.utils import translation

    page = Paginator(range(1000), 25).page(number)
    context = {"page_obj": page, "querystring": "q=a%26b&topic=x"}
    for language in ("pl", "en"):
        with translation.override(language):
            kept = Template("{% load portal_tags %}{% pagination %}").render(Context(context))
            assert kept == render_to_string("includes/pagination.html", context)
            assert kept == Template("{% load portal_tags %}{% pagination %}").render(Context(context))
    assert ('rel="prev"' in kept) == (number > 1) and "q=a%26b&amp;topic=x&amp;page=39" in kept
