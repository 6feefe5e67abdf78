"""The Celery app. Tasks are thin: they take ids and call a service (see STYLE.md)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("verbale")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
