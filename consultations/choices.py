from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    LEGAL = "legal", _("legal question")
    ORGANISATION = "organisation", _("organisation and staffing")
    SERVICES = "services", _("services and the services programme")
    FINANCING = "financing", _("financing")
    COOPERATION = "cooperation", _("cooperation with NGOs and social-economy entities")
    OTHER = "other", _("other")


class Role(models.TextChoices):
    LAWYER = "lawyer", _("lawyer")
    EXPERT = "expert", _("social-services expert")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    AWAITING_INFO = "awaiting_info", _("awaiting information")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REJECTED = "rejected", _("rejected as out of scope")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.AWAITING_INFO,
    Status.REOPENED,
)
# The deadline clock runs in these states; it stops while awaiting information and after the answer.
CLOCK_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)


class OfficialStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("e-mail not verified")
    PENDING = "pending", _("awaiting approval")
    ACTIVE = "active", _("active")
    REJECTED = "rejected", _("rejected")


class MessageKind(models.TextChoices):
    QUESTION = "question", _("question")
    REPLY = "reply", _("reply to the requester")
    NOTE = "note", _("internal note")
    INFO_REQUEST = "info_request", _("request for information")
    INFO_REPLY = "info_reply", _("information from the requester")
    ANSWER = "answer", _("answer")
    FOLLOW_UP = "follow_up", _("follow-up question")
    EXTENSION = "extension", _("deadline extension")
    SYSTEM = "system", _("system")


# Messages a requester never sees.
INTERNAL_KINDS = (MessageKind.NOTE,)


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    DOWNLOAD = "download", _("downloaded a file")
    CHANGE = "change", _("changed")
    EXPORT = "export", _("exported")
