"""Side effects of the desk, run by the task queue after the transaction commits."""

from django_tasks import task

from consultations import notifications


@task()
def notification_send_task(notification_id: int) -> None:
    notifications.notification_send(notification_id)
