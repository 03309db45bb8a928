"""Security headers and robustness of the public surface: CSP without inline scripts, no 500 for any input."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)


def test_public_pages_allow_scripts_only_from_the_site(client, make):
    page = make.training()
    for url in ("/", page.url, reverse("search") + "?q=CUS", reverse("account_login")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'", (url, policy)
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        assert not INLINE_SCRIPT.search(response.content.decode()), url


def test_the_question_form_and_case_page_have_no_inline_scripts(client, desk_official_client):
    client, case_url = desk_official_client
    for url in (reverse("consultation_new"), case_url):
        response = client.get(url)
        assert response.status_code == 200
        assert not INLINE_SCRIPT.search(response.content.decode()), url


@pytest.fixture
def desk_official_client(client, db):
    from consultations import services
    from consultations.models import Adviser, Official, PrivacyClause
    from tests.factories import MunicipalityFactory, UserFactory

    municipality = MunicipalityFactory(name="Gogolin")
    official = UserFactory(username="u", is_staff=False)
    Official.objects.create(user=official, municipality=municipality, position="x", status="active")
    Adviser.objects.create(user=UserFactory(username="p"), role="lawyer")
    case = services.consultation_submit(
        requester=official,
        category="legal",
        title="T",
        question="Q",
        privacy_clause=PrivacyClause.objects.latest(),
    )
    client.force_login(official)
    return client, case.get_absolute_url()


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
PARAMS = st.dictionaries(
    st.sampled_from(["q", "type", "topic", "page", "sort", "voivodeship", "year", "status", "kind", "x"]),
    TEXT,
    max_size=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=PARAMS)
def test_the_search_api_never_fails_with_a_server_error(client, site, params):
    for name in ("search_api", "search_autocomplete", "search"):
        response = client.get(reverse(name), params)
        assert response.status_code in (200, 400), (name, params, response.status_code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "first_name",
                "last_name",
                "email",
                "position",
                "municipality",
                "password1",
                "password2",
                "consent",
                "x",
            ]
        ),
        TEXT,
        max_size=9,
    )
)
def test_sign_up_and_sign_in_never_fail_with_a_server_error(client, site, data):
    from django.core.cache import caches

    caches["default"].clear()  # the rate limits would otherwise answer 429 after a few examples
    for name in ("account_signup", "account_login"):
        response = client.post(reverse(name), data)
        assert response.status_code < 500, (name, data)
