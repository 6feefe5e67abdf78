"""Backup and restore as README.md describes it: ``pg_dump -Fc``, then ``pg_restore`` into a new
database, where every reply, answer and revision is found again (run by .ci/run)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from psycopg2 import sql

from surveys.models import Answer, Reply, Respondent, Revision
from surveys.replies import services as replies
from tests.factories import MembershipFactory, build_questionnaire
from tests.surveys.replies.test_replies import fill_required

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _server() -> dict[str, str]:
    db = connection.settings_dict
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
    }


def _psql(sql: str) -> None:
    server = _server()
    subprocess.run(
        ["psql", "-h", server["host"], "-p", server["port"], "-U", server["user"], "-d",
         "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip


def test_a_dump_restored_into_a_new_database_holds_every_reply_and_revision(tmp_path: Path):
    states = [Respondent.objects.get(code=code) for code in ("NER", "EST", "SLV")]
    q = build_questionnaire(dispatch_to=states)
    for state in states:
        reply = Reply.objects.get(questionnaire=q, respondent=state)
        focal = MembershipFactory(respondent=state, role="focal_point").user
        fill_required(reply, focal)
        if state.code != "SLV":  # El Salvador keeps a draft
            replies.submit_reply(reply=reply, user=focal)
    estonia = Reply.objects.get(questionnaire=q, respondent__code="EST")
    replies.reopen_reply(reply=estonia, user=estonia.revisions.get().submitted_by)
    replies.submit_reply(reply=estonia, user=estonia.revisions.get().submitted_by)
    expected = {
        "replies": sorted(Reply.objects.values_list("pk", "status")),
        "answers": sorted(Answer.objects.values_list("pk", "reply_id", "version")),
        "revisions": sorted(Revision.objects.values_list("pk", "reply_id", "number")),
    }
    assert len(expected["revisions"]) == 3

    server = _server()
    dump = tmp_path / "verbale.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "-h", server["host"], "-p", server["port"], "-U", server["user"],
         "-f", str(dump), connection.settings_dict["NAME"]],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    restored = f"verbale_restore_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-h", server["host"], "-p",
             server["port"], "-U", server["user"], "-d", restored, str(dump)],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip
        copy = psycopg2.connect(
            dbname=restored, host=server["host"], port=server["port"], user=server["user"]
        )
        try:
            with copy.cursor() as cursor:
                cursor.execute(
                    sql.SQL("SELECT id, status FROM {}").format(
                        sql.Identifier(Reply._meta.db_table)
                    )
                )
                found_replies = sorted(cursor.fetchall())
                cursor.execute(
                    sql.SQL("SELECT id, reply_id, version FROM {}").format(
                        sql.Identifier(Answer._meta.db_table)
                    )
                )
                found_answers = sorted(cursor.fetchall())
                cursor.execute(
                    sql.SQL("SELECT id, reply_id, number, answers FROM {}").format(
                        sql.Identifier(Revision._meta.db_table)
                    )
                )
                found_revisions = sorted(cursor.fetchall())
        finally:
            copy.close()
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{restored}"')
    assert found_replies == expected["replies"]
    assert found_answers == expected["answers"]
    assert [r[:3] for r in found_revisions] == expected["revisions"]
    # The answers as submitted, byte for byte.
    for pk, _, _, answers in found_revisions:
        assert answers == Revision.objects.get(pk=pk).answers
