"""The coordinator's dashboard, the knowledge loop, retention and the demo desk."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations import knowledge_loop, services
from consultations.choices import Status
from consultations.models import Consultation
from tests.consultations.conftest import TUESDAY

pytestmark = pytest.mark.django_db


def day(n):
    return TUESDAY + dt.timedelta(days=n)


class TestDashboard:
    def test_only_the_coordinator_sees_it(self, client, desk):
        for user in (desk.official, desk.lawyer.user, desk.stranger):
            client.force_login(user)
            assert client.get(reverse("consultation_dashboard")).status_code == 404

    def test_figures_reflect_the_cases(self, client, desk):
        on_time = desk.ask()
        services.consultation_answer(consultation=on_time, actor=desk.lawyer.user, body="Tak", now=day(2))
        late = desk.ask(title="Spóźniona sprawa")
        services.consultation_answer(consultation=late, actor=desk.lawyer.user, body="Tak", now=day(40))
        overdue = desk.ask(category="financing", title="Zaległe pytanie o finansowanie")
        client.force_login(desk.coordinator)
        response = client.get(reverse("consultation_dashboard"))
        page = response.content.decode()
        assert response.status_code == 200
        assert overdue.number in page  # due long ago, still open
        assert "50%" in page  # one of two answers on time
        assert "<svg" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
        csv = client.get(reverse("consultation_dashboard") + "?format=csv")
        assert csv["Content-Type"].startswith("text/csv")
        body = csv.content.decode("utf-8-sig")
        assert "share answered on time,,0.5," in body
        assert f"overdue,{overdue.number}," in body


PERSONAL_QUESTION = (
    "Dzień dobry, nazywam się Jan Kowalski i pracuję w OPS w Gogolinie. Mój e-mail: jan.kowalski@gogolin.pl, "
    "tel. 601 234 567. Pani Anna Nowak (PESEL 44051401359) pyta, czy CUS może prowadzić dla niej usługi "
    "opiekuńcze."
)


class TestKnowledgeLoop:
    @pytest.fixture
    def answered(self, desk, site):
        case = desk.ask(
            question=PERSONAL_QUESTION, provisions="art. 30 ust. 2 i art. 11", consent_publish=True
        )
        services.consultation_answer(
            consultation=case,
            actor=desk.lawyer.user,
            body="Tak. Gmina Gogolin może zlecić usługi opiekuńcze zgodnie z art. 30 ust. 2 ustawy o CUS.",
            now=day(3),
        )
        case.refresh_from_db()
        return case

    def test_the_answering_lawyer_drafts_an_anonymised_interpretation(self, client, desk, answered):
        from knowledge.models import LegalInterpretationPage

        client.force_login(desk.lawyer.user)
        url = reverse("consultation_knowledge", kwargs={"year": answered.year, "seq": answered.seq})
        page = client.get(url).content.decode()
        assert '<mark data-kind="name">Jan Kowalski</mark>' in page
        assert '<mark data-kind="email">' in page and '<mark data-kind="pesel">' in page
        proposal = knowledge_loop.proposal_for(consultation=answered, user=desk.lawyer.user)
        for secret in ("Kowalski", "jan.kowalski@gogolin.pl", "601 234 567", "44051401359", "Gogolin"):
            assert secret not in proposal.question + proposal.answer

        response = client.post(
            url,
            {
                "title": "Zlecanie usług opiekuńczych przez CUS",
                "summary": "Czy CUS może zlecić usługi opiekuńcze?",
                "question": proposal.question,
                "answer": proposal.answer,
                "provisions": proposal.provisions,
                "reviewed": "on",
            },
        )
        draft = LegalInterpretationPage.objects.get()
        assert response.status_code == 302
        assert not draft.live
        assert draft.source_case == answered
        assert [(r.article, r.paragraph) for r in draft.legal_basis.all()] == [("30", "2"), ("11", "")]
        assert "Kowalski" not in str(draft.question) and "Gogolin" not in str(draft.answer)
        # The draft waits for a legal reviewer in the normal workflow.
        assert draft.current_workflow_state is not None
        assert draft.current_workflow_state.workflow.name == "Legal review"
        answered.refresh_from_db()
        assert answered.knowledge_page.pk == draft.pk

    def test_a_non_legal_answer_becomes_an_explanation(self, desk, site):
        from knowledge.models import ExplanationPage

        case = desk.ask(category="organisation", consent_publish=True)
        services.consultation_answer(consultation=case, actor=desk.expert.user, body="Tak", now=day(2))
        knowledge_loop.consultation_draft_knowledge(
            consultation=case,
            actor=desk.coordinator,
            title="Zespół",
            summary="S",
            question="Pytanie",
            answer="Tak",
        )
        assert ExplanationPage.objects.get().source_case == case

    def test_no_consent_no_draft_and_only_the_right_people(self, desk, answered):
        other = desk.adviser("lawyer", "inny")
        for user in (other.user, desk.official, desk.expert.user):
            with pytest.raises(services.ActionRefused):
                knowledge_loop.proposal_for(consultation=answered, user=user)
        Consultation.objects.filter(pk=answered.pk).update(consent_publish=False)
        answered.refresh_from_db()
        with pytest.raises(services.ActionRefused):
            knowledge_loop.proposal_for(consultation=answered, user=desk.coordinator)


class TestRetention:
    def test_closed_cases_are_anonymised_after_the_retention_period(self, desk, settings):
        settings.CONSULTATION_RETENTION_MONTHS = 24
        case = desk.ask(question=PERSONAL_QUESTION)
        services.consultation_message(
            consultation=case,
            actor=desk.official,
            body="Proszę o kontakt: jan.kowalski@gogolin.pl",
            now=day(1),
        )
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Tak", now=day(2))
        services.consultation_accept(consultation=case, actor=desk.official, now=day(3))
        assert services.consultations_anonymise_expired(now=day(700)) == 0
        assert services.consultations_anonymise_expired(now=day(740)) == 1
        case.refresh_from_db()
        assert case.requester is None and case.anonymised_at is not None
        assert "Kowalski" not in case.question and "601 234 567" not in case.question
        assert all("jan.kowalski" not in m.body for m in case.messages.all())
        assert case.status == Status.CLOSED and case.number  # statistics stay
        assert services.consultations_anonymise_expired(now=day(800)) == 0


class TestDemo:
    def test_the_demo_desk_has_a_case_in_every_working_status(self, site):
        from consultations.demo import desk_demo_load

        desk_demo_load()
        statuses = set(Consultation.objects.values_list("status", flat=True))
        assert statuses == set(Status.values)
        # Safe to run twice.
        desk_demo_load()
        assert Consultation.objects.count() == 9
