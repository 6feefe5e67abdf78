"""Many delegations autosave at once near a deadline: on PostgreSQL, one delegation's save never
waits for another's, and two people of one delegation still save one at a time (run by
.ci/run)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from portal.errors import StaleAnswerError
from surveys.models import Answer, Reply, Respondent
from surveys.replies import services as replies
from tests.factories import MembershipFactory, build_questionnaire, question

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("Row locks are only real on PostgreSQL: run with DATABASE_URL=postgres://…")


def _save(reply: Reply, question_id: int, user: Any, value: str) -> Answer:
    return replies.save_answer(
        reply=reply, question_id=question_id, user=user, value=value, expected_version=0
    )


@contextmanager
def _save_in_progress(reply: Reply, question_id: int, user: Any, value: str) -> Iterator[None]:
    """A save that has taken its locks and not committed yet (another connection, another
    thread), held until the block ends; then it commits."""
    saved, release, failure = threading.Event(), threading.Event(), []

    def save_and_hold() -> None:
        try:
            with transaction.atomic():
                _save(reply, question_id, user, value)
                saved.set()
                release.wait(30)
        except Exception as error:  # reported in the test's thread
            failure.append(error)
            saved.set()
        finally:
            connection.close()

    holder = threading.Thread(target=save_and_hold)
    holder.start()
    try:
        assert saved.wait(30) and not failure, failure
        yield
    finally:
        release.set()
        holder.join(30)
    assert not failure, failure


def _with_lock_timeout(seconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{seconds}s'")


def test_a_save_in_progress_does_not_hold_up_another_delegations_save():
    niger, chile = Respondent.objects.get(code="NER"), Respondent.objects.get(code="CHL")
    q = build_questionnaire(dispatch_to=[niger, chile])
    offences = question(q, "2").pk
    niger_reply = Reply.objects.get(questionnaire=q, respondent=niger)
    chile_reply = Reply.objects.get(questionnaire=q, respondent=chile)
    niger_focal = MembershipFactory(respondent=niger, role="focal_point").user
    chile_focal = MembershipFactory(respondent=chile, role="focal_point").user

    # Fails with "canceling statement due to lock timeout" if the Niger's save held the
    # questionnaire (or anything else the two replies share).
    with (
        _save_in_progress(niger_reply, offences, niger_focal, "Articles 181 and 182."),
        transaction.atomic(),
    ):
        _with_lock_timeout(3)
        assert _save(chile_reply, offences, chile_focal, "Law No. 20.507.").version == 1

    stored = dict(Answer.objects.filter(question=offences).values_list("reply_id", "value"))
    assert stored == {niger_reply.pk: "Articles 181 and 182.", chile_reply.pk: "Law No. 20.507."}


def test_the_same_reply_is_still_saved_one_at_a_time():
    """The second person's save waits for the first, then sees its version (and is refused as
    stale) instead of overwriting it."""
    niger = Respondent.objects.get(code="NER")
    q = build_questionnaire(dispatch_to=[niger])
    offences = question(q, "2").pk
    reply = Reply.objects.get(questionnaire=q, respondent=niger)
    focal = MembershipFactory(respondent=niger, role="focal_point").user
    expert = MembershipFactory(respondent=niger, role="expert").user

    with (
        _save_in_progress(reply, offences, focal, "Articles 181 and 182."),
        pytest.raises(OperationalError, match="lock timeout"),
        transaction.atomic(),
    ):
        _with_lock_timeout(1)
        _save(reply, offences, expert, "Something else.")

    with pytest.raises(StaleAnswerError):
        _save(reply, offences, expert, "Something else.")
    assert Answer.objects.get(reply=reply, question=offences).value == "Articles 181 and 182."
