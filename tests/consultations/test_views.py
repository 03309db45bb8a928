"""The desk through the browser's eyes: asking, the case page, actions, downloads and who sees what."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import services
from consultations.choices import Status
from consultations.models import Attachment, Consultation, PendingUpload

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    + (b"trailer<</Root 1 0 R>>\n%%EOF\n")
)


def pdf(name="uchwala.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def question_data(**overrides):
    data = {
        "category": "legal",
        "title": "Czy CUS może prowadzić klub seniora?",
        "question": "Gmina chce powierzyć CUS prowadzenie klubu seniora. Czy to zgodne z ustawą?",
        "provisions": "art. 2 ustawy o CUS",
        "consent_publish": "on",
        "privacy_accepted": "on",
    }
    data.update(overrides)
    return data


def case_url(case, action=None):
    if action is None:
        return case.get_absolute_url()
    return reverse("consultation_action", kwargs={"year": case.year, "seq": case.seq, "name": action})


class TestAsking:
    def test_an_official_asks_and_lands_on_the_case_page(self, client, desk):
        client.force_login(desk.official)
        response = client.get(reverse("consultation_new"))
        assert response.status_code == 200
        assert desk.clause.text[:40] in response.content.decode()

        response = client.post(
            reverse("consultation_new"),
            {**question_data(), "topics": [desk.topic.pk], "attachments": [pdf()]},
        )
        case = Consultation.objects.get()
        assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
        assert case.privacy_clause == desk.clause and case.consent_publish
        assert list(case.topics.all()) == [desk.topic]
        assert case.attachments.get().name == "uchwala.pdf"
        page = client.get(response["Location"]).content.decode()
        assert case.number in page and "klub seniora" in page

    def test_invalid_input_keeps_what_was_typed_and_the_attached_file(self, client, desk):
        client.force_login(desk.official)
        response = client.post(
            reverse("consultation_new"),
            question_data(title="", urgent="on", urgency_reason="", attachments=[pdf()]),
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "klubu seniora. Czy to zgodne" in page  # the question is still there
        assert 'href="#id_title"' in page and 'href="#id_urgency_reason"' in page  # errors link to fields
        kept = PendingUpload.objects.get(owner=desk.official)
        assert "uchwala.pdf" in page
        assert not Consultation.objects.exists()

        response = client.post(
            reverse("consultation_new"),
            question_data(
                title="Klub seniora w CUS", urgent="on", urgency_reason="sesja rady 10 marca", kept=kept.pk
            ),
        )
        case = Consultation.objects.get()
        assert response.status_code == 302
        assert [a.name for a in case.attachments.all()] == ["uchwala.pdf"]
        assert case.urgency_reason == "sesja rady 10 marca"
        assert not PendingUpload.objects.exists()

    def test_too_many_questions_are_refused_in_the_readers_language_and_the_text_is_kept(
        self, client, desk, settings
    ):
        settings.CONSULTATION_SUBMIT_RATE = "1/h"
        client.force_login(desk.official)
        assert client.post(reverse("consultation_new"), question_data()).status_code == 302
        response = client.post(reverse("consultation_new"), question_data(title="Drugie pytanie"))
        assert response.status_code == 429
        page = response.content.decode()
        assert "Zbyt wiele prób z Twojego adresu" in page
        assert "Drugie pytanie" in page and "klubu seniora. Czy to zgodne" in page
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.post(reverse("consultation_new"), question_data()).content.decode()
        assert "Too many attempts from your address" in page
        assert Consultation.objects.count() == 1

    def test_a_file_that_is_not_what_its_name_says_is_refused_with_a_message(self, client, desk):
        client.force_login(desk.official)
        fake = SimpleUploadedFile(
            "opinia.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
        )
        response = client.post(reverse("consultation_new"), question_data(attachments=[fake]))
        assert response.status_code == 400
        assert "opinia.pdf" in response.content.decode()
        assert not Consultation.objects.exists() and not PendingUpload.objects.exists()

    def test_someone_elses_kept_file_cannot_be_smuggled_in(self, client, desk):
        theirs = services.pending_upload_store(owner=desk.outsider, upload=_checked(pdf("cudzy.pdf")))
        client.force_login(desk.official)
        client.post(reverse("consultation_new"), question_data(kept=theirs.pk))
        assert not Attachment.objects.exists()
        assert PendingUpload.objects.filter(pk=theirs.pk).exists()

    @pytest.mark.parametrize("who", ["stranger", "lawyer", "coordinator"])
    def test_only_officials_can_open_the_form(self, client, desk, who):
        user = {"stranger": desk.stranger, "lawyer": desk.lawyer.user, "coordinator": desk.coordinator}[who]
        client.force_login(user)
        assert client.get(reverse("consultation_new")).status_code == 403
        assert client.post(reverse("consultation_new"), question_data()).status_code == 403
        assert not Consultation.objects.exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, desk):
        response = client.get(reverse("consultation_new"))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def _checked(upload):
    from consultations.uploads import validate_upload

    upload.checked = validate_upload(upload, max_bytes=10 * 1024 * 1024)
    return upload


class TestAccess:
    """A case that is not yours answers 404 on every view, download and action."""

    @pytest.fixture
    def case(self, desk):
        case = desk.ask()
        note = services.consultation_message(
            consultation=case, actor=desk.lawyer.user, body="Notatka tylko dla zespołu", internal=True
        )
        services.attachment_add(
            consultation=case,
            pending=services.pending_upload_store(owner=desk.official, upload=_checked(pdf())),
            user=desk.official,
        )
        self.note = note
        return case

    def urls(self, case):
        attachment = case.attachments.get()
        return [
            ("get", case_url(case)),
            (
                "get",
                reverse(
                    "consultation_attachment",
                    kwargs={"year": case.year, "seq": case.seq, "pk": attachment.pk},
                ),
            ),
            *[
                ("post", case_url(case, name))
                for name in ("message", "reply", "answer", "accept", "withdraw", "reassign")
            ],
        ]

    @pytest.mark.parametrize("who", ["outsider", "stranger", "expert"])
    def test_people_outside_the_case_get_404_everywhere(self, client, desk, case, who):
        user = {"outsider": desk.outsider, "stranger": desk.stranger, "expert": desk.expert.user}[who]
        client.force_login(user)
        for method, url in self.urls(case):
            response = getattr(client, method)(
                url, {"message-body": "x", "reply-body": "x", "answer-body": "x"}
            )
            assert response.status_code == 404, (method, url)
        case.refresh_from_db()
        assert case.status == Status.ASSIGNED and case.messages.count() == 1

    @pytest.mark.parametrize("who", ["official", "colleague", "lawyer", "coordinator"])
    def test_the_people_of_the_case_see_it(self, client, desk, case, who):
        user = {
            "official": desk.official,
            "colleague": desk.colleague,
            "lawyer": desk.lawyer.user,
            "coordinator": desk.coordinator,
        }[who]
        client.force_login(user)
        page = client.get(case_url(case)).content.decode()
        assert case.title in page
        staff = who in ("lawyer", "coordinator")
        assert ("Notatka tylko dla zespołu" in page) is staff

    def test_a_previous_assignee_keeps_read_access(self, client, desk, case):
        services.consultation_reassign(
            consultation=case, actor=desk.coordinator, adviser=desk.expert, reason="x"
        )
        client.force_login(desk.lawyer.user)
        assert client.get(case_url(case)).status_code == 200
        response = client.post(case_url(case, "answer"), {"answer-body": "Odpowiedź"})
        assert response.status_code == 409  # may read, may no longer act
        case.refresh_from_db()
        assert case.status == Status.ASSIGNED

    def test_downloads_are_attachments_never_inline(self, client, desk, case):
        client.force_login(desk.official)
        attachment = case.attachments.get()
        response = client.get(
            reverse(
                "consultation_attachment", kwargs={"year": case.year, "seq": case.seq, "pk": attachment.pk}
            )
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF

    def test_staff_reads_and_downloads_are_in_the_audit_log(self, client, desk, case):
        client.force_login(desk.lawyer.user)
        client.get(case_url(case))
        attachment = case.attachments.get()
        client.get(
            reverse(
                "consultation_attachment", kwargs={"year": case.year, "seq": case.seq, "pk": attachment.pk}
            )
        )
        actions = list(case.access_log.filter(user=desk.lawyer.user).values_list("action", flat=True))
        assert "view" in actions and "download" in actions

    def test_the_list_shows_each_person_their_own_cases(self, client, desk, case):
        other = desk.ask(requester=desk.outsider, title="Pytanie z Tarnowa")
        client.force_login(desk.official)
        page = client.get(reverse("consultation_list")).content.decode()
        assert case.number in page and other.number not in page
        client.force_login(desk.coordinator)
        page = client.get(reverse("consultation_list")).content.decode()
        assert case.number in page and other.number in page


class TestActions:
    def test_lawyer_answers_and_official_accepts_through_the_pages(self, client, desk):
        case = desk.ask()
        client.force_login(desk.lawyer.user)
        response = client.post(
            case_url(case, "answer"), {"answer-body": "Tak, <b>może</b>.<script>alert(1)</script>"}
        )
        assert response.status_code == 302
        client.force_login(desk.official)
        page = client.get(case_url(case)).content.decode()
        assert "Tak, <b>może</b>." in page and "<script>alert(1)" not in page
        assert client.post(case_url(case, "accept")).status_code == 302
        case.refresh_from_db()
        assert case.status == Status.CLOSED
        client.post(case_url(case, "rate"), {"rate-rating": "4", "rate-comment": "Pomocne"})
        case.refresh_from_db()
        assert case.rating == 4

    def test_an_invalid_action_keeps_the_text_and_explains(self, client, desk):
        case = desk.ask()
        client.force_login(desk.lawyer.user)
        response = client.post(
            case_url(case, "extend"), {"extend-days": "99", "extend-reason": "Opinia ministerstwa"}
        )
        assert response.status_code == 400
        assert "Opinia ministerstwa" in response.content.decode()

    def test_a_refused_move_shows_a_clear_message(self, client, desk):
        case = desk.ask()
        client.force_login(desk.official)
        response = client.post(case_url(case, "accept"), follow=True)
        assert "cannot become" in response.content.decode() or "nie może" in response.content.decode()
        case.refresh_from_db()
        assert case.status == Status.ASSIGNED

    def test_unknown_actions_and_get_requests_are_refused(self, client, desk):
        case = desk.ask()
        client.force_login(desk.official)
        assert client.post(case_url(case, "delete_everything")).status_code == 404
        assert client.get(case_url(case, "accept")).status_code == 405

    def test_csrf_is_required(self, desk):
        from django.test import Client

        case = desk.ask()
        client = Client(enforce_csrf_checks=True)
        client.force_login(desk.official)
        assert client.post(case_url(case, "withdraw")).status_code == 403


class TestNotificationsAndSearch:
    def test_notices_are_listed_with_an_unread_count_and_can_be_marked_read(self, client, desk):
        case = desk.ask()
        client.force_login(desk.official)
        page = client.get(reverse("consultation_list")).content.decode()
        assert '<span class="badge">1<span class="visually-hidden">' in page
        page = client.get(reverse("consultation_notifications")).content.decode()
        assert case.number in page and case.get_absolute_url() in page
        client.post(reverse("consultation_notifications"))
        page = client.get(reverse("consultation_list")).content.decode()
        assert 'class="badge"' not in page

    def test_the_unread_count_follows_new_notices_although_it_is_cached(self, client, desk):
        case = desk.ask()
        client.force_login(desk.official)
        assert '<span class="badge">1<span' in client.get(reverse("consultation_list")).content.decode()
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Tak")
        assert '<span class="badge">2<span' in client.get(reverse("consultation_list")).content.decode()

    def test_cases_never_appear_in_search(self, client, desk, site):
        from search.selectors import search_run
        from search.services import search_reindex

        desk.ask(title="Zapytanie o przepiórczy fundusz", question="Przepiórczy fundusz gminy – czy wolno?")
        search_reindex()
        assert search_run("przepiórczy").total == 0
        assert (
            "przepiórczy"
            not in client.get(reverse("search_api"), {"q": "przepiórczy"}).content.decode().lower()
        )

    def test_similar_answers_are_suggested_from_published_interpretations(self, client, desk, make):
        make.interpretation(
            title="Klub seniora prowadzony przez CUS", summary="Czy CUS może prowadzić klub seniora"
        )
        from search.services import search_reindex

        search_reindex()
        client.force_login(desk.official)
        data = client.get(reverse("consultation_similar"), {"q": "klub seniora"}).json()
        assert [r["title"] for r in data["results"]] == ["Klub seniora prowadzony przez CUS"]
        assert client.get(reverse("consultation_similar"), {"q": "ab"}).json() == {"results": []}


def test_requesters_see_all_their_cases_and_staff_their_open_ones(client, desk):
    open_case = desk.ask(title="Otwarta sprawa")
    answered = desk.ask(title="Sprawa z odpowiedzią")
    services.consultation_answer(consultation=answered, actor=desk.lawyer.user, body="Tak")
    client.force_login(desk.official)
    page = client.get(reverse("consultation_list")).content.decode()
    assert open_case.number in page and answered.number in page
    client.force_login(desk.lawyer.user)
    page = client.get(reverse("consultation_list")).content.decode()
    assert open_case.number in page and answered.number not in page
    page = client.get(reverse("consultation_list"), {"status": "answered"}).content.decode()
    assert answered.number in page and open_case.number not in page


def test_a_lawyers_list_stays_within_a_query_budget_however_many_cases(
    client, desk, django_assert_max_num_queries
):
    cases = [desk.ask(title=f"Sprawa numer {n}") for n in range(30)]
    assert {case.assignee for case in cases} == {desk.lawyer}
    desk.lawyer.user.groups.add(Group.objects.get(name="Legal reviewers"))  # an editor: the user bar shows
    client.force_login(desk.lawyer.user)
    client.get(reverse("consultation_list"))  # fills the navigation, user bar and unread count caches
    # Session, the user with their desk role, the count and the page of cases: not one per row.
    with django_assert_max_num_queries(4):
        page = client.get(reverse("consultation_list")).content.decode()
    assert page.count('<td><a href="/konsultacje/KONS/') == 25
    links = set(re.findall(r'<td><a href="([^"]+)">', page))
    assert len(links) == 25 and links <= {case.get_absolute_url() for case in cases}
    assert "po terminie" in page and "Gogolin" in page and "Piotr Prawnik" in page
    assert "wagtail-userbar" in page and 'href="?page=2"' in page
    with django_assert_max_num_queries(4):
        second = client.get(reverse("consultation_list"), {"page": 2}).content.decode()
    assert second.count('<td><a href="/konsultacje/KONS/') == 5
