"""E-mails through the real database queue: a stopped worker loses nothing and sends nothing twice."""

import pytest
from django.core import mail
from django.core.management import call_command

from consultations import notifications
from consultations.models import Notification


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# The worker closes database connections between tasks, so these tests commit for real.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestWorkerStopped:
    @pytest.fixture(autouse=True)
    def database_queue(self, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def test_queued_mail_waits_for_the_worker_and_goes_out_once(self, desk):
        case = desk.ask()
        assert mail.outbox == []  # the worker is stopped: nothing sent, but the case and its notices exist
        assert Notification.objects.filter(consultation=case, email_sent_at__isnull=True).count() == 2
        run_worker()  # the worker comes back
        assert sorted(m.to[0] for m in mail.outbox) == sorted([desk.official.email, desk.lawyer.user.email])
        run_worker()
        notifications.notifications_retry()
        assert len(mail.outbox) == 2

    def test_a_task_killed_mid_run_is_covered_by_the_retry_and_never_doubles(self, desk):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        desk.ask()
        # A worker took both jobs and died before finishing them: they stay "running" forever.
        mail_tasks = DBTaskResult.objects.filter(task_path__endswith="notification_send_task")
        assert mail_tasks.count() == 2
        mail_tasks.update(status=TaskResultStatus.RUNNING)
        run_worker()
        assert mail.outbox == []
        from django.utils import timezone

        sent, failing = notifications.notifications_retry(now=timezone.now())
        assert (sent, failing) == (2, 0)
        # If the stuck jobs are ever run again, the notices are already sent and nothing goes out twice.
        for task in mail_tasks:
            notifications.notification_send(task.args_kwargs["args"][0])
        assert len(mail.outbox) == 2
