"""Round trips through a real Celery worker on Redis and PostgreSQL (run by .ci/run)."""

from __future__ import annotations

import pytest

from portal.tasks import ping

# serialized_rollback: the flush after each transactional test would wipe the registry
# loaded by migrations; this restores it.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_task_runs_in_a_real_worker_against_postgresql(celery_worker, django_user_model):
    django_user_model.objects.create_user("someone@verbale.test", "x" * 12)
    result = ping.delay().get(timeout=30)
    assert result == {"database": "postgresql", "users": 1}


def test_reminder_task_runs_in_a_real_worker(celery_worker):
    import datetime

    from django.utils import timezone

    from surveys.models import EmailLog, Respondent
    from surveys.tasks import send_due_reminders
    from tests.factories import MembershipFactory, build_questionnaire

    niger = Respondent.objects.get(code="NER")
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    build_questionnaire(
        dispatch_to=[niger], deadline=deadline, cutoff=deadline + datetime.timedelta(days=30)
    )
    focal = MembershipFactory(respondent=niger).user
    assert send_due_reminders.delay().get(timeout=60) == 1
    assert list(EmailLog.objects.filter(kind="reminder").values_list("to", flat=True)) == [
        focal.email
    ]
    assert send_due_reminders.delay().get(timeout=60) == 0
