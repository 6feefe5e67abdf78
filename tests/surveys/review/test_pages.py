"""The reviewer workspace pages: who may open them, browse filters, the reply page, comparisons,
statistical tables and the response dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from surveys.models import Reply, Respondent
from tests.factories import (
    MembershipFactory,
    RespondentFactory,
    ReviewerFactory,
    SecretariatFactory,
    UserFactory,
    build_questionnaire,
    question,
    renamed_respondent,
)
from tests.surveys.review.support import file_reply, restrict

pytestmark = pytest.mark.django_db

TABLE = {
    "2005": {"investigated": 10, "arrested": 4, "prosecuted": None},
    "2006": {"investigated": 12, "arrested": 5, "prosecuted": 2},
}


@pytest.fixture
def codes():
    return ["SLV", "EST", "NER", "JPN"]


@pytest.fixture
def questionnaire(codes):
    return build_questionnaire(dispatch_to=list(Respondent.objects.filter(code__in=codes)))


@pytest.fixture
def filed(questionnaire, django_capture_on_commit_callbacks):
    """El Salvador and Estonia replied (Estonia with a table), the Niger and Japan did not."""
    salvador = Reply.objects.get(questionnaire=questionnaire, respondent__code="SLV")
    estonia = Reply.objects.get(questionnaire=questionnaire, respondent__code="EST")
    file_reply(
        salvador,
        text="A specialized police unit was set up.",
        capture=django_capture_on_commit_callbacks,
        table=TABLE,
    )
    file_reply(
        estonia,
        text="Victims are sheltered by <b>NGOs</b>.",
        capture=django_capture_on_commit_callbacks,
        table={"2005": {"investigated": 3, "arrested": 1, "prosecuted": 1}},
    )
    return {"SLV": salvador, "EST": estonia}


@pytest.fixture
def reviewer_client(client):
    client.force_login(ReviewerFactory())
    return client


PAGES = [
    ("surveys:reply-browse", {}),
    ("surveys:review-search", {}),
    ("surveys:review-compare", {}),
    ("surveys:review-history", {}),
    ("surveys:review-tables", {}),
    ("surveys:review-questionnaires", {}),
    ("surveys:review-exports", {}),
]


@pytest.mark.parametrize("role", ["focal_point", "expert", "observer", "none"])
def test_people_without_a_review_role_get_403_on_every_page(client, role):
    if role == "none":
        user = UserFactory()
    else:
        salvador = Respondent.objects.get(code="SLV")
        user = MembershipFactory(respondent=salvador, role=role).user
    client.force_login(user)
    for name, kwargs in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name


@pytest.mark.parametrize("role", ["focal_point", "none"])
def test_the_reply_page_dashboard_and_exports_refuse_people_without_a_review_role(
    client, filed, questionnaire, role
):
    reply = filed["SLV"]
    user = (
        UserFactory()
        if role == "none"
        else MembershipFactory(respondent=reply.respondent, role=role).user
    )
    client.force_login(user)
    assert client.get(reverse("surveys:review-reply", args=[reply.pk])).status_code == 403
    assert (
        client.get(reverse("surveys:review-dashboard", args=[questionnaire.pk])).status_code == 403
    )
    assert client.post(reverse("surveys:review-export-start"), {"format": "csv"}).status_code == 403


def test_signed_out_people_are_sent_to_the_login_page(client):
    response = client.get(reverse("surveys:reply-browse"))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("factory", [ReviewerFactory, SecretariatFactory])
def test_reviewers_and_the_secretariat_open_every_page(client, filed, questionnaire, factory):
    client.force_login(factory())
    for name, kwargs in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    for name, pk in [
        ("surveys:review-reply", filed["SLV"].pk),
        ("surveys:review-dashboard", questionnaire.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 200, name


def test_browse_lists_submitted_replies_only(reviewer_client, filed):
    response = reviewer_client.get(reverse("surveys:reply-browse"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "El Salvador" in text and "Estonia" in text
    assert "Niger" not in text and "Japan" not in text
    assert response.context["page"].paginator.count == 2


def test_browse_filters_come_from_the_url(reviewer_client, filed, questionnaire):
    url = reverse("surveys:reply-browse")
    by_group = reviewer_client.get(url, {"regional_group": "eastern_european"})
    assert [r["name"] for r in by_group.context["rows"]] == ["Estonia"]
    latin = reviewer_client.get(
        url, {"questionnaire": questionnaire.pk, "regional_group": "latin_american_caribbean"}
    )
    assert [r["name"] for r in latin.context["rows"]] == ["El Salvador"]
    assert reviewer_client.get(url, {"late": "no"}).context["page"].paginator.count == 0
    assert reviewer_client.get(url, {"late": "yes"}).context["page"].paginator.count == 2
    assert reviewer_client.get(url, {"language": "fr"}).context["page"].paginator.count == 2
    assert reviewer_client.get(url, {"language": "ru"}).context["page"].paginator.count == 0
    assert reviewer_client.get(url, {"kind": "ngo"}).context["page"].paginator.count == 0
    assert reviewer_client.get(url, {"respondent": "salva"}).context["page"].paginator.count == 1


def test_browse_sorts_in_un_order_or_by_date(reviewer_client, filed):
    url = reverse("surveys:reply-browse")
    names = [r["name"] for r in reviewer_client.get(url).context["rows"]]
    assert names == ["El Salvador", "Estonia"]
    Reply.objects.filter(pk=filed["SLV"].pk).update(received_on=datetime.date(2007, 12, 1))
    newest = [r["name"] for r in reviewer_client.get(url, {"sort": "-received"}).context["rows"]]
    assert newest == ["Estonia", "El Salvador"]


def test_browse_prints_the_name_in_force_on_the_questionnaire_date(
    client, django_capture_on_commit_callbacks
):
    renamed = renamed_respondent(
        "SWZ2", "Swaziland", "Eswatini", datetime.date(2018, 4, 19), regional_group="african"
    )
    q = build_questionnaire(dispatch_to=[renamed])
    file_reply(
        Reply.objects.get(questionnaire=q, respondent=renamed),
        text="Text",
        capture=django_capture_on_commit_callbacks,
    )
    client.force_login(ReviewerFactory())
    text = client.get(reverse("surveys:reply-browse")).content.decode()
    assert "Swaziland" in text and "Eswatini" not in text


def test_the_reply_page_shows_the_last_submission_with_anchors(reviewer_client, filed):
    reply = filed["EST"]
    response = reviewer_client.get(reverse("surveys:review-reply", args=[reply.pk]))
    text = response.content.decode()
    q2 = question(reply.questionnaire, "2")
    assert f'id="q-{q2.pk}"' in text
    assert "Victims are sheltered by &lt;b&gt;NGOs&lt;/b&gt;." in text  # escaped, never markup
    assert "Specialized police" in text  # choice labels, not keys
    assert "Revision 1" in text


def test_a_restricted_answer_is_left_out_of_the_reply_page(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    reply = filed["SLV"]
    restrict(reply, "2", django_capture_on_commit_callbacks)
    text = reviewer_client.get(reverse("surveys:review-reply", args=[reply.pk])).content.decode()
    assert "specialized police unit was set up" not in text
    assert "No published answer." in text


def test_a_reply_never_submitted_is_not_found(reviewer_client, questionnaire, filed):
    niger = Reply.objects.get(questionnaire=questionnaire, respondent__code="NER")
    assert reviewer_client.get(reverse("surveys:review-reply", args=[niger.pk])).status_code == 404


def test_compare_shows_one_question_across_respondents(reviewer_client, filed, questionnaire):
    q2 = question(questionnaire, "2")
    response = reviewer_client.get(
        reverse("surveys:review-compare"), {"questionnaire": questionnaire.pk, "question": q2.pk}
    )
    comparison = response.context["comparison"]
    assert [row.name for row in comparison.rows] == ["El Salvador", "Estonia"]
    assert [row.cells[0].text for row in comparison.rows] == [
        "A specialized police unit was set up.",
        "Victims are sheltered by <b>NGOs</b>.",
    ]
    assert "&lt;b&gt;NGOs" in response.content.decode()


def test_compare_a_section_keeps_question_order(reviewer_client, filed, questionnaire):
    section = question(questionnaire, "4").section
    response = reviewer_client.get(
        reverse("surveys:review-compare"),
        {"questionnaire": questionnaire.pk, "section": section.pk},
    )
    assert [q.number for q in response.context["comparison"].questions] == ["4", "5", "6"]


def _respondents(count: int) -> list[Respondent]:
    return [RespondentFactory(regional_group="african") for _ in range(count)]


@pytest.mark.parametrize("count", [5, 30])
def test_the_comparison_page_needs_the_same_queries_for_5_or_30_respondents(
    client, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    respondents = _respondents(count)
    q = build_questionnaire(dispatch_to=respondents)
    for reply in Reply.objects.filter(questionnaire=q):
        file_reply(reply, text="Text", capture=django_capture_on_commit_callbacks, table=TABLE)
    client.force_login(ReviewerFactory())
    # 16: the picker of respondents (two queries) came with issue 18; none grows with count.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("surveys:review-compare"), {"questionnaire": q.pk})
    assert len(response.context["comparison"].rows) == count


def test_one_respondent_over_the_years_matches_questions_by_number(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    salvador = filed["SLV"].respondent
    later = build_questionnaire(
        title="Follow-up",
        dispatch_to=[salvador],
        deadline=datetime.date(2009, 12, 15),
        cutoff=datetime.date(2010, 1, 24),
    )
    file_reply(
        Reply.objects.get(questionnaire=later, respondent=salvador),
        text="The unit now has 40 officers.",
        capture=django_capture_on_commit_callbacks,
    )
    response = reviewer_client.get(reverse("surveys:review-history"), {"respondent": salvador.pk})
    history = response.context["history"]
    assert [c.reply.questionnaire.title for c in history.columns] == [
        "Trafficking in persons: measures taken",
        "Follow-up",
    ]
    row = next(r for r in history.rows if r.number == "2")
    assert [c.text for c in row.cells] == [
        "A specialized police unit was set up.",
        "The unit now has 40 officers.",
    ]
    assert [r.number for r in history.rows][:3] == ["1", "1 (a)", "2"]


def test_statistical_tables_are_summed_by_row_and_group(reviewer_client, filed, questionnaire):
    q5 = question(questionnaire, "5")
    response = reviewer_client.get(
        reverse("surveys:review-tables"), {"questionnaire": questionnaire.pk, "question": q5.pk}
    )
    aggregate = response.context["aggregate"]
    assert aggregate.sums["2005"] == {"investigated": 13, "arrested": 5, "prosecuted": 1}
    assert aggregate.reporting["2005"] == {"investigated": 2, "arrested": 2, "prosecuted": 1}
    # Nobody reported 2007: not reported, never 0.
    assert aggregate.sums["2007"] == {"investigated": None, "arrested": None, "prosecuted": None}
    assert aggregate.column_totals == {"investigated": 25, "arrested": 10, "prosecuted": 3}
    assert aggregate.respondents_reporting == 2
    groups = {g["key"]: g for g in aggregate.groups}
    assert groups["latin_american_caribbean"]["sums"]["investigated"] == 22
    assert groups["eastern_european"]["reporting"] == 1
    text = response.content.decode()
    assert "<svg" in text and "<rect" in text


def test_a_restricted_table_is_not_summed(
    reviewer_client, filed, questionnaire, django_capture_on_commit_callbacks
):
    restrict(filed["SLV"], "5", django_capture_on_commit_callbacks)
    q5 = question(questionnaire, "5")
    response = reviewer_client.get(reverse("surveys:review-tables"), {"question": q5.pk})
    assert response.context["aggregate"].sums["2005"]["investigated"] == 3


def test_the_dashboard_counts_replies_and_names_who_has_not_replied(
    reviewer_client, filed, questionnaire
):
    Reply.objects.filter(pk=filed["SLV"].pk).update(received_on=datetime.date(2007, 12, 10))
    Reply.objects.filter(pk=filed["EST"].pk).update(received_on=datetime.date(2008, 1, 3))
    response = reviewer_client.get(reverse("surveys:review-dashboard", args=[questionnaire.pk]))
    data = response.context["data"]
    assert (data.recipients, data.received, data.on_time, data.late) == (4, 2, 1, 1)
    assert data.not_replied == ["Japan", "Niger"]
    assert dict(data.timeline)[datetime.date(2007, 12, 15)] == 1
    assert dict(data.timeline)[datetime.date(2008, 1, 24)] == 2
    text = response.content.decode()
    assert "<polyline" in text and "Deadline" in text and "Cut-off" in text


def test_the_questionnaire_index_counts_submitted_replies(reviewer_client, filed, questionnaire):
    response = reviewer_client.get(reverse("surveys:review-questionnaires"))
    assert (questionnaire, 2) in response.context["rows"]
    assert reverse("surveys:review-dashboard", args=[questionnaire.pk]) in response.content.decode()
