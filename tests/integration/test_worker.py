"""Round trips through a real Celery worker on Redis and PostgreSQL (run by .ci/run)."""

from __future__ import annotations

import pytest

from portal.tasks import ping

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_task_runs_in_a_real_worker_against_postgresql(celery_worker, django_user_model):
    django_user_model.objects.create_user("someone@verbale.test", "x" * 12)
    result = ping.delay().get(timeout=30)
    assert result == {"database": "postgresql", "users": 1}
