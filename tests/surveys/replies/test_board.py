"""The status board for a full cycle: sort, filter, page and export the rows the filters keep,
in a number of queries that does not grow with the recipients."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from surveys.models import EmailLog, Reply, Respondent
from tests.factories import MembershipFactory, SecretariatFactory, build_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def sec_client(client, secretariat):  # type: ignore[no-untyped-def]
    client.force_login(secretariat)
    return client


@pytest.fixture
def everyone(secretariat):  # type: ignore[no-untyped-def]
    """Sent to every Member State; Japan received late, Niger with a focal point and a failed
    e-mail."""
    states = list(Respondent.objects.filter(kind="member_state"))
    q = build_questionnaire(by=secretariat, dispatch_to=states)
    Reply.objects.filter(questionnaire=q, respondent__code="JPN").update(
        status="submitted", received_on=datetime.date(2008, 1, 2)
    )
    niger = Respondent.objects.get(code="NER")
    MembershipFactory(respondent=niger)
    EmailLog.objects.create(
        kind="reminder",
        to="fp@niger.example",
        subject="R",
        body="B",
        questionnaire=q,
        respondent=niger,
        status="failed",
        error="SMTPServerDisconnected: closed",
    )
    return q


def _url(q) -> str:  # type: ignore[no-untyped-def]
    return reverse("surveys:questionnaire-status", args=[q.pk])


def test_the_board_pages_every_member_state_fifty_at_a_time(sec_client, everyone):
    total = Respondent.objects.filter(kind="member_state").count()
    assert total >= 190
    first = sec_client.get(_url(everyone)).content.decode()
    assert first.count('<th scope="row">') == 50
    assert f"{total} recipients" in first
    assert "Page 1 of" in first
    last = sec_client.get(_url(everyone), {"page": "999"}).content.decode()
    assert last.count('<th scope="row">') == total - 50 * (total // 50)


def test_board_queries_do_not_grow_with_recipients(
    sec_client, secretariat, everyone, django_assert_max_num_queries
):
    small = build_questionnaire(
        by=secretariat, dispatch_to=Respondent.objects.filter(code__in=["NER", "QAT"])
    )
    with django_assert_max_num_queries(12) as small_queries:
        sec_client.get(_url(small))
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        sec_client.get(_url(everyone))
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        sec_client.get(_url(everyone), {"export": "xlsx"})


def test_filter_by_kind_group_state_and_focal_point(sec_client, everyone):
    page = sec_client.get(_url(everyone), {"focal_point": "yes"}).content.decode()
    assert page.count('<th scope="row">') == 1 and ">Niger</a>" in page
    page = sec_client.get(_url(everyone), {"focal_point": "no", "status": "submitted"})
    assert page.content.decode().count('<th scope="row">') == 1
    assert ">Japan</a>" in page.content.decode()
    page = sec_client.get(_url(everyone), {"kind": "ngo"}).content.decode()
    assert "No recipient matches these filters." in page
    page = sec_client.get(_url(everyone), {"regional_group": "african"}).content.decode()
    assert ">Niger</a>" in page and ">Japan</a>" not in page


def test_the_board_counts_recipients_with_no_focal_point_and_failed_emails(sec_client, everyone):
    total = Respondent.objects.filter(kind="member_state").count()
    page = sec_client.get(_url(everyone)).content.decode()
    assert f"{total - 1} with no focal point" in page
    assert "1 with an e-mail that failed" in page
    niger = sec_client.get(_url(everyone), {"focal_point": "yes"}).content.decode()
    assert "1 e-mail failed" in niger


def test_sort_by_received_on_and_reverse(sec_client, everyone):
    ascending = sec_client.get(_url(everyone), {"sort": "received"}).content.decode()
    descending = sec_client.get(_url(everyone), {"sort": "-received"}).content.decode()
    assert ">Japan</a>" in ascending.split('<th scope="row">')[1]  # the only date first
    assert ">Japan</a>" not in descending.split('<th scope="row">')[1]
    assert 'aria-sort="descending"' in descending


def test_exports_hold_the_filtered_rows_with_typed_cells(sec_client, everyone):
    response = sec_client.get(_url(everyone), {"regional_group": "asia_pacific", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Respondent", "Code", "Kind"]
    codes = {row[1] for row in rows[1:]}
    assert "JPN" in codes and "NER" not in codes
    japan = next(row for row in rows if row[1] == "JPN")
    assert japan[6] == "2008-01-02" and japan[7] == "yes"

    response = sec_client.get(_url(everyone), {"focal_point": "yes", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    values = [c.value for c in sheet[2]]
    assert sheet.max_row == 2
    row = dict(zip(header, values, strict=True))
    assert row["Code"] == "NER"
    assert row["Focal points"] == 1 and isinstance(row["Failed e-mails"], int)
    assert row["Failed e-mails"] == 1
    assert row["Late"] is False
    assert row["Received on"] is None
    response = sec_client.get(_url(everyone), {"status": "submitted", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    japan = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert japan["Received on"].date() == datetime.date(2008, 1, 2)  # a date cell, not text
    assert japan["Late"] is True


@pytest.mark.parametrize("who", ["niger_focal", "other_focal", "niger_expert", "reviewer"])
@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
def test_nobody_but_the_secretariat_reads_the_board_or_its_exports(client, everyone, who, export):
    from tests.factories import ReviewerFactory

    people = {
        "niger_focal": lambda: MembershipFactory(respondent=Respondent.objects.get(code="NER")),
        "other_focal": lambda: MembershipFactory(respondent=Respondent.objects.get(code="QAT")),
        "niger_expert": lambda: MembershipFactory(
            respondent=Respondent.objects.get(code="NER"), role="expert"
        ),
    }
    user = ReviewerFactory() if who == "reviewer" else people[who]().user
    client.force_login(user)
    response = client.get(_url(everyone), {"export": export} if export else {})
    assert response.status_code == 403
    assert b"Niger" not in response.content


@pytest.mark.parametrize("export", ["", "csv"])
def test_anonymous_people_are_sent_to_sign_in(client, everyone, export):
    response = client.get(_url(everyone), {"export": export} if export else {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
