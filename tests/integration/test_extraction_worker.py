"""Text extraction through a real Celery worker: the upload answers while the document is not
yet read (the work waits in the broker), and its text reaches the reviewers' search once a
worker has read it (run by .ci/run)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.celery import app
from surveys.models import Attachment, Reply, Respondent, SearchEntry
from surveys.replies import services as replies
from tests.factories import MembershipFactory, ReviewerFactory, build_questionnaire, question
from tests.integration.test_faults import (
    _forget_connections,
    _free_port,
    _private_redis,
    _private_worker,
)
from tests.surveys.review.support import docx_with_text, save

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(condition: Callable[[], Any], *, seconds: float = 90, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"Timed out waiting for {what}")


def queued_tasks(port: int) -> list[str]:
    return [
        json.loads(message)["headers"]["task"]
        for message in redis.Redis(port=port).lrange("celery", 0, -1)
    ]


def test_the_upload_answers_before_the_text_is_read_and_the_text_reaches_search_after(
    client, settings, tmp_path, monkeypatch
):
    # A broker of this test only: no worker consumes it until the test starts one, so what
    # the upload left to do is still there to be seen.
    monkeypatch.delenv("CELERY_BROKER_URL")  # Celery prefers it to conf.broker_url
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    (tmp_path / "redis").mkdir()
    salvador = Respondent.objects.get(code="SLV")
    q = build_questionnaire(dispatch_to=[salvador])
    reply = Reply.objects.get(questionnaire=q, respondent=salvador)
    focal = MembershipFactory(respondent=salvador, role="focal_point").user
    for number, value in (
        ("1", "yes"),
        ("1 (a)", "2004"),
        ("2", "See the annex."),
        ("3", "adopted"),
        ("4", ["police"]),
    ):
        save(reply, focal, number, value)

    previous = app.conf.broker_url
    with _private_redis(port, tmp_path / "redis", persistent=False):
        app.conf.broker_url = broker
        _forget_connections(app)
        try:
            client.force_login(focal)
            response = client.post(
                reverse("surveys:attachment-upload", kwargs={"pk": reply.pk}),
                {
                    "question": question(q, "6").pk,
                    "file": SimpleUploadedFile(
                        "law.docx", docx_with_text("Tribunal of Hippodrome exploitation")
                    ),
                },
                HTTP_X_VERBALE_PARTIAL="1",
            )
            assert response.status_code == 200
            attachment = Attachment.objects.get(reply=reply)
            # The page has answered; the document is unread and its reading is in the queue.
            assert attachment.text_status == "pending" and attachment.extracted_text == ""
            assert queued_tasks(port) == ["surveys.extract_attachment_text"]

            replies.submit_reply(reply=reply, user=focal)
            with _private_worker(broker, settings.MEDIA_ROOT, tmp_path / "worker.log"):
                wait_for(
                    lambda: SearchEntry.objects.filter(attachment=attachment).exists(),
                    what="the worker to read the document and index it",
                )
        finally:
            app.conf.broker_url = previous
            _forget_connections(app)

    attachment.refresh_from_db()
    assert attachment.text_status == "extracted"
    assert "Hippodrome" in attachment.extracted_text
    reviewer = Client()
    reviewer.force_login(ReviewerFactory())
    page = reviewer.get(reverse("surveys:review-search"), {"q": "hippodrome"})
    assert page.status_code == 200
    hits = page.context["hits"]
    assert [hit.entry.attachment_id for hit in hits] == [attachment.pk]
