import pytest

from knowledge import models as km
from portal.models import StandardPage

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    (km.TrainingMaterialPage, km.TrainingIndexPage),
    (km.GoodPracticePage, km.GoodPracticeIndexPage),
    (km.LegalInterpretationPage, km.InterpretationIndexPage),
    (km.ExplanationPage, km.ExplanationIndexPage),
    (km.NewsPage, km.NewsIndexPage),
    (km.EventPage, km.EventIndexPage),
]


@pytest.mark.parametrize("model, index_model", PAGE_TYPES)
def test_admin_add_form_offers_every_field_in_polish(client, admin_user, sections, model, index_model):
    km.Topic.objects.create(name="tworzenie CUS")
    client.force_login(admin_user)
    parent = sections[index_model]
    url = f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{parent.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="pl"' in html
    for field in ("summary", "topics", "review_date"):
        assert f'name="{field}"' in html, field


def test_admin_edit_form_of_an_interpretation_has_structured_legal_basis(client, admin_user, make):
    page = make.interpretation(legal_basis=[("28", "", "")])
    client.force_login(admin_user)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="legal_basis-0-article"' in html and 'value="28"' in html
    assert 'name="status"' in html and 'name="superseded_by"' in html and 'name="law_as_at"' in html


def test_admin_snippets_for_vocabularies_are_listed(client, admin_user, site):
    km.GlossaryTerm.objects.create(
        term="IPUS", expansion="indywidualny plan usług społecznych", definition="Plan."
    )
    client.force_login(admin_user)
    response = client.get("/admin/snippets/knowledge/glossaryterm/")
    assert response.status_code == 200 and "IPUS" in response.content.decode()


def test_every_body_block_renders(client, make):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Wykres", file=get_test_image_file())
    doc = Document(title="Uchwała – wzór")
    doc.file.save("uchwala.pdf", ContentFile(b"%PDF-1.4 wzor"), save=False)
    doc.save()
    body = [
        {"type": "heading", "value": {"text": "Krok pierwszy", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Akapit z <b>pogrubieniem</b>.</p>"},
        {"type": "quote", "value": {"text": "Usługi bliżej mieszkańców.", "attribution": "dyrektor CUS"}},
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "Wykres liczby centrów", "caption": "Rys. 1"},
        },
        {"type": "document", "value": {"document": doc.pk, "title": "Pobierz wzór uchwały"}},
        {
            "type": "table",
            "value": {
                "data": [["Rok", "Liczba CUS"], ["2023", "51"]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Centra w latach",
            },
        },
        {
            "type": "callout",
            "value": {"kind": "warning", "title": "Termin", "text": "<p>Uchwała do 30 czerwca.</p>"},
        },
    ]
    page = make.training(body=body)
    html = client.get(page.url).content.decode()
    assert '<h2 class="block-heading">Krok pierwszy</h2>' in html
    assert "<b>pogrubieniem</b>" in html
    assert "Usługi bliżej mieszkańców." in html and "dyrektor CUS" in html
    assert 'alt="Wykres liczby centrów"' in html
    assert "Pobierz wzór uchwały" in html and "(PDF," in html
    assert '<th scope="col">Liczba CUS</th>' in html and "<td>51</td>" in html
    assert "callout--warning" in html and "Uchwała do 30 czerwca." in html


def test_image_block_requires_alt_text():
    from django.core.exceptions import ValidationError

    from knowledge.blocks import ImageBlock

    with pytest.raises(ValidationError):
        ImageBlock().clean({"image": None, "alt_text": "", "caption": ""})


def test_standard_pages_hold_the_accessibility_statement(client, site):
    page = StandardPage(title="Deklaracja dostępności", slug="deklaracja-dostepnosci", intro="Wstęp")
    site.home.add_child(instance=page)
    page.save_revision().publish()
    assert client.get(page.url).status_code == 200
