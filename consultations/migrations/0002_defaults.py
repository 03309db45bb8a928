"""Default deadlines, routing rules, the first privacy clause and the coordinators' permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

DEADLINES = {"legal": 14, "organisation": 10, "services": 10, "financing": 10, "cooperation": 10, "other": 10}

CLAUSE = """Administratorem danych osobowych podanych w formularzu jest operator Obserwatorium CUS.
Dane przetwarzamy wyłącznie w celu udzielenia odpowiedzi na pytanie gminy (art. 6 ust. 1 lit. e RODO) i kontaktu \
w tej sprawie. Dostęp do nich mają koordynator punktu konsultacyjnego oraz prawnik lub ekspert, któremu przydzielono \
sprawę. Dane przechowujemy przez 24 miesiące od zamknięcia sprawy, a potem je anonimizujemy. Masz prawo dostępu do \
swoich danych, ich sprostowania, ograniczenia przetwarzania, wniesienia sprzeciwu oraz skargi do Prezesa UODO. \
Podanie danych jest dobrowolne, ale bez nich nie możemy przyjąć pytania. Odpowiedź zostanie opublikowana tylko \
za Twoją zgodą i po usunięciu danych gminy oraz danych osobowych."""

COORDINATOR_MODELS = [
    "consultation", "official", "verifieddomain", "adviser", "absence", "routingrule", "categorypolicy",
    "privacyclause", "answertemplate",
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    CategoryPolicy = apps.get_model("consultations", "CategoryPolicy")
    RoutingRule = apps.get_model("consultations", "RoutingRule")
    PrivacyClause = apps.get_model("consultations", "PrivacyClause")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for category, days in DEADLINES.items():
        CategoryPolicy.objects.get_or_create(category=category, defaults={"deadline_days": days})
        RoutingRule.objects.get_or_create(
            category=category, topic=None, voivodeship="",
            defaults={"pool": "lawyer" if category == "legal" else "expert", "priority": 100},
        )
    PrivacyClause.objects.get_or_create(version="2026-1", defaults={"text": CLAUSE, "published_at": timezone.now()})
    coordinators, _ = Group.objects.get_or_create(name="Coordinators")
    for model in COORDINATOR_MODELS:
        for action in ("add", "change", "delete", "view"):
            coordinators.permissions.add(
                Permission.objects.get(content_type__app_label="consultations", codename=f"{action}_{model}")
            )
    for name in ("Legal reviewers", "Experts"):
        group, _ = Group.objects.get_or_create(name=name)
        for codename in ("view_answertemplate", "add_answertemplate"):
            group.permissions.add(Permission.objects.get(content_type__app_label="consultations", codename=codename))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial"), ("portal", "0002_groups_and_workflows")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
