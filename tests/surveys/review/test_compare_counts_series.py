"""Issue 18, for reviewers: compare the respondents one picks, yes/no and choice questions
counted by regional group (a blank is "not reported", never 0), and one question across the
rounds of a questionnaire started from an earlier one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from surveys.models import Questionnaire, Reply, Respondent
from surveys.questionnaires import authoring, dispatch
from surveys.replies import services as replies
from tests.factories import (
    MembershipFactory,
    RespondentFactory,
    ReviewerFactory,
    SecretariatFactory,
    UserFactory,
    build_questionnaire,
    question,
    save_answer,
)
from tests.surveys.review.support import file_reply, restrict

pytestmark = pytest.mark.django_db

NEW_PAGES = ["surveys:review-counts", "surveys:review-series", "surveys:review-compare"]


def answer_and_submit(reply: Reply, capture: Any, answers: dict[str, Any]) -> Any:
    """A focal point answers (value, or ("not_known", None)) and submits."""
    focal = MembershipFactory(respondent=reply.respondent, role="focal_point").user
    answers = {"2": "Measures were taken.", **answers}
    for number, value in answers.items():
        if isinstance(value, tuple):
            save_answer(reply, focal, number, value[1], state=value[0])
        else:
            save_answer(reply, focal, number, value)
    with capture(execute=True):
        replies.submit_reply(reply=reply, user=focal)
    return focal


def next_round(source: Questionnaire, respondents: list[Respondent], year: int) -> Questionnaire:
    """The secretariat starts next year's questionnaire from this one and sends it."""
    by = SecretariatFactory()
    copy = authoring.copy_questionnaire(
        source=source,
        by=by,
        title=f"Trafficking in persons {year}",
        deadline=datetime.date(year, 12, 15),
        cutoff=datetime.date(year + 1, 1, 24),
    )
    dispatch.dispatch_questionnaire(
        questionnaire=copy,
        by=by,
        respondents=respondents,
        reference=f"CU {year}/1",
        sent_on=datetime.date(year, 11, 12),
    )
    copy.refresh_from_db()
    return copy


def reply_of(questionnaire: Questionnaire, code: str) -> Reply:
    return Reply.objects.get(questionnaire=questionnaire, respondent__code=code)


@pytest.fixture
def questionnaire():
    codes = ["SLV", "EST", "NER", "JPN"]
    return build_questionnaire(dispatch_to=list(Respondent.objects.filter(code__in=codes)))


@pytest.fixture
def filed(questionnaire, django_capture_on_commit_callbacks):
    """El Salvador and Estonia said yes, Japan "not known"; the Niger never submitted."""
    capture = django_capture_on_commit_callbacks
    answer_and_submit(
        reply_of(questionnaire, "SLV"),
        capture,
        {"1": "yes", "1 (a)": 2004, "3": "adopted", "4": ["police", "border"], "2": "x " * 400},
    )
    answer_and_submit(
        reply_of(questionnaire, "EST"),
        capture,
        {"1": "yes", "1 (a)": 2005, "3": "draft", "4": ["police"]},
    )
    answer_and_submit(reply_of(questionnaire, "JPN"), capture, {"1": ("not_known", None)})
    save_answer(reply_of(questionnaire, "NER"), SecretariatFactory(), "1", "no")  # a draft
    return questionnaire


@pytest.fixture
def reviewer_client(client):
    client.force_login(ReviewerFactory())
    return client


# --- who may open the new pages -------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["focal_point", "expert", "observer", "other_state", "replied_state", "none"]
)
def test_only_reviewers_and_the_secretariat_open_counts_series_and_compare(client, filed, role):
    if role == "none":
        user = UserFactory()
    elif role == "replied_state":  # Estonia's focal point, asking for El Salvador's answers
        user = MembershipFactory(
            respondent=Respondent.objects.get(code="EST"), role="focal_point"
        ).user
    elif role == "other_state":  # the focal point of a State that did not reply at all
        user = MembershipFactory(
            respondent=RespondentFactory(regional_group="african"), role="focal_point"
        ).user
    else:  # a member of El Salvador, whose reply is among those counted
        user = MembershipFactory(respondent=Respondent.objects.get(code="SLV"), role=role).user
    client.force_login(user)
    salvador = Respondent.objects.get(code="SLV")
    for name in NEW_PAGES:
        url = reverse(name)
        assert client.get(url, {"questionnaire": filed.pk}).status_code == 403, name
        assert client.get(url, {"respondents": salvador.pk}).status_code == 403, name


@pytest.mark.parametrize("factory", [ReviewerFactory, SecretariatFactory])
def test_reviewers_and_the_secretariat_open_counts_and_series(client, filed, factory):
    client.force_login(factory())
    q1 = question(filed, "1")
    for name in NEW_PAGES:
        response = client.get(reverse(name), {"questionnaire": filed.pk, "question": q1.pk})
        assert response.status_code == 200, name


def test_a_question_of_another_questionnaire_is_not_found_on_the_series_page(
    reviewer_client, filed
):
    other = build_questionnaire(dispatch_to=[Respondent.objects.get(code="SLV")])
    response = reviewer_client.get(
        reverse("surveys:review-series"),
        {"questionnaire": filed.pk, "question": question(other, "1").pk},
    )
    assert response.status_code == 404


# --- compare whom you choose ---------------------------------------------------------------


def test_compare_shows_only_the_respondents_picked(reviewer_client, filed):
    estonia = Respondent.objects.get(code="EST")
    response = reviewer_client.get(
        reverse("surveys:review-compare"),
        {"questionnaire": filed.pk, "respondents": [estonia.pk]},
    )
    assert [row.name for row in response.context["comparison"].rows] == ["Estonia"]
    picker = {item["name"]: item for item in response.context["picker"]}
    # Those with a submitted reply may be picked, in UN order; never the Niger's draft.
    assert list(picker) == ["El Salvador", "Estonia", "Japan"]
    assert picker["Estonia"]["picked"] and not picker["Japan"]["picked"]
    assert picker["Estonia"]["group"] == "Eastern European States"
    text = response.content.decode()
    assert f'name="respondents" value="{estonia.pk}" checked' in text


def test_compare_by_regional_group_and_kind(reviewer_client, filed):
    url = reverse("surveys:review-compare")
    latin = reviewer_client.get(
        url, {"questionnaire": filed.pk, "regional_group": "latin_american_caribbean"}
    )
    assert [row.name for row in latin.context["comparison"].rows] == ["El Salvador"]
    ngos = reviewer_client.get(url, {"questionnaire": filed.pk, "kind": "ngo"})
    assert ngos.context["comparison"].rows == []


def test_compare_headers_show_the_question_and_long_answers_can_be_read_whole(
    reviewer_client, filed
):
    response = reviewer_client.get(reverse("surveys:review-compare"), {"questionnaire": filed.pk})
    text = response.content.decode()
    assert (
        '<span class="qnum">1</span> <span class="qtext">Has your State ratified the Protocol?'
        in text
    )
    # El Salvador's 800-character answer is in the page whole, in a cell that takes the focus.
    long_answer = ("x " * 400).strip()
    assert long_answer in text
    assert 'class="clamp" tabindex="0" role="note" aria-label="El Salvador, question 2"' in text


def test_a_very_long_answer_links_to_the_whole_answer(
    reviewer_client, questionnaire, django_capture_on_commit_callbacks
):
    reply = reply_of(questionnaire, "SLV")
    answer_and_submit(reply, django_capture_on_commit_callbacks, {"1": "no", "2": "word " * 800})
    response = reviewer_client.get(
        reverse("surveys:review-compare"), {"questionnaire": questionnaire.pk}
    )
    q2 = question(questionnaire, "2")
    url = reverse("surveys:review-reply", args=[reply.pk])
    assert f'<a href="{url}#q-{q2.pk}">Whole answer</a>' in response.content.decode()


@pytest.mark.parametrize("count", [5, 30])
def test_compare_with_picked_respondents_needs_the_same_queries_for_5_or_30(
    client, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    respondents = [RespondentFactory(regional_group="african") for _ in range(count)]
    q = build_questionnaire(dispatch_to=respondents)
    for reply in Reply.objects.filter(questionnaire=q):
        file_reply(reply, text="Text", capture=django_capture_on_commit_callbacks)
    client.force_login(ReviewerFactory())
    picked = [r.pk for r in respondents[: count - 1]]
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("surveys:review-compare"), {"questionnaire": q.pk, "respondents": picked}
        )
    assert len(response.context["comparison"].rows) == count - 1
    assert len(response.context["picker"]) == count


# --- counts and charts ------------------------------------------------------------------------


def test_yes_no_and_choice_questions_are_counted_by_regional_group(reviewer_client, filed):
    response = reviewer_client.get(reverse("surveys:review-counts"), {"questionnaire": filed.pk})
    counts = {item["count"].question.number: item["count"] for item in response.context["counts"]}
    assert set(counts) == {"1", "3", "4"}
    ratified = counts["1"]
    assert ratified.counts == {"yes": 2, "no": 0}
    # Japan said "not known": not reported, never a "no"; the Niger's draft is not there at all.
    assert (ratified.replies, ratified.answered, ratified.not_reported) == (3, 2, 1)
    assert ratified.not_known == 1
    groups = {group.key: group for group in ratified.groups}
    assert groups["latin_american_caribbean"].counts == {"yes": 1, "no": 0}
    assert groups["asia_pacific"].answered == 0 and groups["asia_pacific"].not_reported == 1
    units = counts["4"]  # several options: each respondent counted once per option
    assert units.counts == {"police": 2, "prosecution": 0, "border": 1}
    text = response.content.decode()
    assert "<svg" in text and "<rect" in text


def test_a_group_that_did_not_answer_shows_not_reported_never_0(reviewer_client, filed):
    response = reviewer_client.get(
        reverse("surveys:review-counts"),
        {"questionnaire": filed.pk, "question": question(filed, "1").pk},
    )
    (item,) = response.context["counts"]
    asia = next(row for row in item["groups"] if row["group"].key == "asia_pacific")
    assert asia["cells"] == [None, None]  # not [0, 0]
    latin = next(row for row in item["groups"] if row["group"].key == "latin_american_caribbean")
    assert latin["cells"] == [1, 0]  # a real 0: El Salvador answered, and not "no"
    text = response.content.decode()
    asia_row = text[text.index('<th scope="row">Asia-Pacific States</th>') :].split("</tr>")[0]
    assert '<abbr class="not-reported" title="not reported">—</abbr>' in asia_row
    assert asia_row.count("not-reported") == 2
    # The chart draws no bar of 0 for the group: it writes "not reported" under it.
    assert text.count(">not reported</text>") == 1


def test_a_restricted_answer_is_not_counted(
    reviewer_client, filed, django_capture_on_commit_callbacks
):
    restrict(reply_of(filed, "SLV"), "1", django_capture_on_commit_callbacks)
    response = reviewer_client.get(reverse("surveys:review-counts"), {"questionnaire": filed.pk})
    ratified = next(
        i["count"] for i in response.context["counts"] if i["count"].question.number == "1"
    )
    assert ratified.counts == {"yes": 1, "no": 0}
    assert ratified.not_reported == 2


def test_a_table_cell_nobody_reported_is_shown_as_not_reported_not_0(
    reviewer_client, questionnaire, django_capture_on_commit_callbacks
):
    file_reply(
        reply_of(questionnaire, "SLV"),
        text="Text",
        capture=django_capture_on_commit_callbacks,
        table={"2005": {"investigated": 0, "arrested": 4, "prosecuted": None}},
    )
    response = reviewer_client.get(
        reverse("surveys:review-tables"),
        {"questionnaire": questionnaire.pk, "question": question(questionnaire, "5").pk},
    )
    aggregate = response.context["aggregate"]
    assert aggregate.sums["2005"] == {"investigated": 0, "arrested": 4, "prosecuted": None}
    assert aggregate.column_totals["prosecuted"] is None
    rows = {row["label"]: row["cells"] for row in response.context["rows"]}
    assert rows["2005"] == [(0, 1), (4, 1), (None, 0)]
    text = response.content.decode()
    row_2005 = text[text.index('<th scope="row">2005</th>') :].split("</tr>")[0]
    assert row_2005.count("not-reported") == 1  # prosecuted; the reported 0 stays a 0
    row_2007 = text[text.index('<th scope="row">2007</th>') :].split("</tr>")[0]
    assert row_2007.count("not-reported") == 3


# --- a question across rounds -------------------------------------------------------------------


@pytest.fixture
def rounds(questionnaire, django_capture_on_commit_callbacks):
    """2007 (the original), 2009 started from it, 2011 started from 2009; and an unrelated
    questionnaire of 2010 asking the same numbers, which is not a round of them."""
    capture = django_capture_on_commit_callbacks
    salvador, estonia = Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")
    answer_and_submit(reply_of(questionnaire, "SLV"), capture, {"1": "no"})
    answer_and_submit(reply_of(questionnaire, "EST"), capture, {"1": "yes", "1 (a)": 2006})
    second = next_round(questionnaire, [salvador, estonia], 2009)
    answer_and_submit(reply_of(second, "SLV"), capture, {"1": "yes", "1 (a)": 2008})
    third = next_round(second, [salvador], 2011)
    answer_and_submit(reply_of(third, "SLV"), capture, {"1": "yes", "1 (a)": 2008})
    unrelated = build_questionnaire(
        title="Smuggling of migrants",
        dispatch_to=[salvador],
        deadline=datetime.date(2010, 12, 15),
        cutoff=datetime.date(2011, 1, 24),
    )
    answer_and_submit(reply_of(unrelated, "SLV"), capture, {"1": "no"})
    return [questionnaire, second, third]


def test_a_question_across_rounds_for_every_respondent(reviewer_client, rounds):
    middle = rounds[1]
    response = reviewer_client.get(
        reverse("surveys:review-series"),
        {"questionnaire": middle.pk, "question": question(middle, "1").pk},
    )
    series = response.context["series"]
    assert [q.pk for q in series.rounds] == [q.pk for q in rounds]  # not "Smuggling"
    cells = {row.name: [c.text or c.state for c in row.cells] for row in series.rows}
    assert cells == {"El Salvador": ["No", "Yes", "Yes"], "Estonia": ["Yes", "noreply", "noreply"]}
    yes_no = [(c.counts["yes"], c.answered) if c else None for c in series.counts]
    assert yes_no == [(1, 2), (1, 1), (1, 1)]
    text = response.content.decode()
    assert "no reply" in text and "1 of 2" in text


def test_a_question_across_rounds_for_one_respondent(reviewer_client, rounds):
    first = rounds[0]
    estonia = Respondent.objects.get(code="EST")
    response = reviewer_client.get(
        reverse("surveys:review-series"),
        {
            "questionnaire": first.pk,
            "question": question(first, "1 (a)").pk,
            "respondent": estonia.pk,
        },
    )
    series = response.context["series"]
    assert [row.name for row in series.rows] == ["Estonia"]
    assert [c.text or c.state for c in series.rows[0].cells] == ["2006", "noreply", "noreply"]


def test_a_question_not_asked_in_a_round_says_so(
    reviewer_client, rounds, django_capture_on_commit_callbacks
):
    third = rounds[2]
    authoring_question = question(third, "3")
    third.status = Questionnaire.Status.DRAFT  # only so that the test may drop a question
    third.save(update_fields=["status"])
    authoring_question.delete()
    third.status = Questionnaire.Status.DISPATCHED
    third.save(update_fields=["status"])
    first = rounds[0]
    response = reviewer_client.get(
        reverse("surveys:review-series"),
        {"questionnaire": first.pk, "question": question(first, "3").pk},
    )
    series = response.context["series"]
    assert series.questions[2] is None
    salvador = next(row for row in series.rows if row.name == "El Salvador")
    assert salvador.cells[2].state == "absent"
    assert "not asked" in response.content.decode()


@pytest.mark.parametrize("count", [3, 20])
def test_the_series_page_needs_the_same_queries_for_few_or_many_respondents(
    client, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    respondents = [RespondentFactory(regional_group="african") for _ in range(count)]
    first = build_questionnaire(dispatch_to=respondents)
    second = next_round(first, respondents, 2009)
    for q in (first, second):
        for reply in Reply.objects.filter(questionnaire=q):
            answer_and_submit(
                reply, django_capture_on_commit_callbacks, {"1": "yes", "1 (a)": 2004}
            )
    client.force_login(ReviewerFactory())
    with django_assert_max_num_queries(16):  # 16 for 3 and for 20 respondents
        response = client.get(
            reverse("surveys:review-series"),
            {"questionnaire": second.pk, "question": question(second, "1").pk},
        )
    assert len(response.context["series"].rows) == count
