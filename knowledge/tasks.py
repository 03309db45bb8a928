"""Side effects of event registration, run by the task queue after the transaction commits."""

from django_tasks import task

from knowledge import registration_mail


@task()
def registration_email_send_task(email_id: int) -> None:
    registration_mail.email_send(email_id)
