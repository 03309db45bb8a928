from django.db import models
from django.utils.translation import gettext_lazy as _


class Voivodeship(models.TextChoices):
    DOLNOSLASKIE = "dolnośląskie", "dolnośląskie"
    KUJAWSKO_POMORSKIE = "kujawsko-pomorskie", "kujawsko-pomorskie"
    LUBELSKIE = "lubelskie", "lubelskie"
    LUBUSKIE = "lubuskie", "lubuskie"
    LODZKIE = "łódzkie", "łódzkie"
    MALOPOLSKIE = "małopolskie", "małopolskie"
    MAZOWIECKIE = "mazowieckie", "mazowieckie"
    OPOLSKIE = "opolskie", "opolskie"
    PODKARPACKIE = "podkarpackie", "podkarpackie"
    PODLASKIE = "podlaskie", "podlaskie"
    POMORSKIE = "pomorskie", "pomorskie"
    SLASKIE = "śląskie", "śląskie"
    SWIETOKRZYSKIE = "świętokrzyskie", "świętokrzyskie"
    WARMINSKO_MAZURSKIE = "warmińsko-mazurskie", "warmińsko-mazurskie"
    WIELKOPOLSKIE = "wielkopolskie", "wielkopolskie"
    ZACHODNIOPOMORSKIE = "zachodniopomorskie", "zachodniopomorskie"


class MunicipalityKind(models.TextChoices):
    URBAN = "urban", _("urban municipality")
    RURAL = "rural", _("rural municipality")
    URBAN_RURAL = "urban-rural", _("urban-rural municipality")


class MaterialFormat(models.TextChoices):
    GUIDE = "guide", _("guide")
    PRESENTATION = "presentation", _("presentation")
    WEBINAR = "webinar", _("webinar recording")
    CHECKLIST = "checklist", _("checklist")
    TEMPLATE = "template", _("template document")


class MaterialLevel(models.TextChoices):
    BASIC = "basic", _("basic")
    INTERMEDIATE = "intermediate", _("intermediate")
    ADVANCED = "advanced", _("advanced")


class CreationMode(models.TextChoices):
    # Art. 9 of the Act of 19 July 2019: the three ways a centre comes into being.
    OPS_TRANSFORMATION = "ops_transformation", _("transformation of the social assistance centre (OPS)")
    MUNICIPAL_AGREEMENT = "municipal_agreement", _("agreement of municipalities")
    ALONGSIDE_OPS = "alongside_ops", _("alongside the OPS in a city over 100,000 residents")


class Funding(models.TextChoices):
    EU_PROJECT = "eu_project", _("EU project (e.g. PO WER)")
    OWN_BUDGET = "own_budget", _("municipality's own budget")
    OTHER = "other", _("other")


class PartnerKind(models.TextChoices):
    NGO = "ngo", _("non-governmental organisation")
    SOCIAL_ECONOMY = "social_economy", _("social-economy entity")
    PUBLIC = "public", _("public institution")
    OTHER = "other", _("other")


class InterpretationStatus(models.TextChoices):
    CURRENT = "current", _("current")
    OUTDATED = "outdated", _("outdated")
    SUPERSEDED = "superseded", _("superseded")


class EventMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid")


class RegistrationApproval(models.TextChoices):
    AUTOMATIC = "automatic", _("automatic, in order of registration")
    ORGANISER = "organiser", _("by the organiser")


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waiting list")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("text")
    CHOICE = "choice", _("choice from a list")
    YES_NO = "yes_no", _("yes or no")
