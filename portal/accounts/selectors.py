"""Reads about accounts: finding a user by login, roles, pending officials, personal data."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from consultations.choices import OfficialStatus
from consultations.models import Official

COORDINATORS_GROUP = "Coordinators"


def user_find_by_login(identifier: str) -> AbstractBaseUser | None:
    """The account whose username or e-mail matches, ignoring case; None when none or ambiguous."""
    identifier = identifier.strip()
    if not identifier:
        return None
    User = get_user_model()
    by_username = User.objects.filter(username__iexact=identifier)
    users = list(by_username[:2]) or list(User.objects.filter(email__iexact=identifier)[:2])
    # Two accounts sharing an address (possible for old staff accounts) must not guess which one is meant.
    return users[0] if len(users) == 1 else None


def email_taken(email: str) -> bool:
    User = get_user_model()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def is_coordinator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()


def is_staff_member(user) -> bool:
    """Advisers, coordinators, editors and administrators: the accounts that can see other people's data."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or is_coordinator(user):
        return True
    from consultations.models import Adviser

    return Adviser.objects.filter(user=user).exists()


def coordinator_recipients() -> QuerySet:
    """Active coordinators with an address; administrators stand in when no coordinator is set up."""
    User = get_user_model()
    people = User.objects.filter(is_active=True).exclude(email="")
    coordinators = people.filter(groups__name=COORDINATORS_GROUP).distinct()
    return coordinators if coordinators.exists() else people.filter(is_superuser=True)


def officials_pending() -> QuerySet:
    return (
        Official.objects.filter(status=OfficialStatus.PENDING)
        .select_related("user", "municipality")
        .order_by("created_at", "pk")
    )


def _iso(value):
    return value.isoformat() if value is not None else None


def user_personal_data(user) -> dict:
    """Everything the portal keeps about a person, as the RODO right of access requires (Art. 15)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from consultations.choices import INTERNAL_KINDS
    from consultations.models import Adviser, Consultation, Message

    data = {
        "account": {
            "login": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "two_factor_devices": [
                {"name": d.name, "confirmed": d.confirmed, "created_at": _iso(d.created_at)}
                for d in TOTPDevice.objects.filter(user=user)
            ],
        },
        "official": None,
        "adviser": None,
        "consultations": [],
        "messages_written": [],
    }
    official = Official.objects.filter(user=user).select_related("municipality").first()
    if official is not None:
        data["official"] = {
            "municipality": str(official.municipality),
            "position": official.position,
            "phone": official.phone,
            "status": official.status,
            "registered_at": _iso(official.created_at),
            "email_verified_at": _iso(official.email_verified_at),
            "approved_at": _iso(official.approved_at),
        }
    adviser = Adviser.objects.filter(user=user).first()
    if adviser is not None:
        data["adviser"] = {"role": adviser.role, "voivodeship": adviser.voivodeship}
    cases = (
        Consultation.objects.filter(requester=user).select_related("municipality").order_by("submitted_at")
    )
    for case in cases:
        visible = case.messages.exclude(kind__in=INTERNAL_KINDS).order_by("created_at", "pk")
        data["consultations"].append(
            {
                "number": case.number,
                "municipality": str(case.municipality),
                "category": case.category,
                "title": case.title,
                "question": case.question,
                "provisions": case.provisions,
                "status": case.status,
                "submitted_at": _iso(case.submitted_at),
                "answered_at": _iso(case.answered_at),
                "answer": case.answer,
                "consent_publish": case.consent_publish,
                "rating": case.rating,
                "rating_comment": case.rating_comment,
                "messages": [
                    {
                        "kind": m.kind,
                        "created_at": _iso(m.created_at),
                        "body": m.body,
                        "mine": m.author_id == user.pk,
                    }
                    for m in visible
                ],
            }
        )
    # Whatever the person wrote on other cases (e.g. as an adviser) is theirs too.
    for message in (
        Message.objects.filter(author=user)
        .exclude(consultation__requester=user)
        .select_related("consultation")
    ):
        data["messages_written"].append(
            {
                "consultation": message.consultation.number,
                "kind": message.kind,
                "created_at": _iso(message.created_at),
                "body": message.body,
            }
        )
    return data
