"""The question editor as the secretariat uses it: only the chosen kind's fields, choices and
table rows as rows with a field per language (added, removed and moved without JavaScript),
duplicating a question, moving it to another section, reordering by drag and drop — and the
numbers that follow the order everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Question, Questionnaire, QuestionnaireRevision, Respondent
from tests.factories import SecretariatFactory, build_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def sec_client(secretariat) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(secretariat)
    return client


@pytest.fixture
def draft(secretariat) -> Questionnaire:  # type: ignore[no-untyped-def]
    return build_questionnaire(by=secretariat)


@pytest.fixture
def dispatched(secretariat) -> Questionnaire:  # type: ignore[no-untyped-def]
    return build_questionnaire(by=secretariat, dispatch_to=[Respondent.objects.get(code="NER")])


def rows(prefix: str, items: list[dict[str, str]]) -> dict[str, Any]:
    """The POST data of a row editor: ``items`` as {"key": …, "en": …, "fr": …}."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }
    for i, item in enumerate(items):
        data[f"{prefix}-{i}-key"] = item.get("key", "")
        for code in ("en", "fr"):
            data[f"{prefix}-{i}-label_{code}"] = item.get(code, "")
    return data


def add_url(q: Questionnaire, section: str = "B") -> str:
    return reverse(
        "surveys:questionnaire-question-add", args=[q.pk, q.sections.get(number=section).pk]
    )


def all_numbers(q: Questionnaire) -> list[tuple[str, str, str]]:
    return [
        (x.section.number, x.number, x.text["en"][:14])
        for x in Question.objects.filter(section__questionnaire=q)
        .select_related("section")
        .order_by("section__order", "order", "pk")
    ]


# --- only the chosen kind's fields --------------------------------------------------------


def test_a_text_question_shows_no_choices_table_or_bounds(sec_client, draft):
    page = sec_client.get(
        reverse("surveys:questionnaire-question-edit", args=[draft.pk, question(draft, "2").pk])
    ).content.decode()
    assert 'name="text_en"' in page and 'name="text_fr"' in page
    for absent in ("choices-TOTAL_FORMS", "rows-TOTAL_FORMS", 'name="minimum"', 'name="totals"'):
        assert absent not in page
    assert "|" not in page.split('id="question-form"')[1].split("</form>")[0].replace("||", "")


def test_choosing_another_kind_without_javascript_shows_its_fields_and_saves_nothing(
    sec_client, draft
):
    url = add_url(draft)
    page = sec_client.post(
        url, {"kind": "table", "text_en": "Victims by sex", "row_action": "kind"}
    ).content.decode()
    assert "rows-TOTAL_FORMS" in page and "columns-TOTAL_FORMS" in page
    assert "choices-TOTAL_FORMS" not in page and 'name="minimum"' not in page
    assert "Victims by sex" in page  # what was typed stays
    assert 'name="totals" id="id_totals" checked' in page  # totals by default
    assert 'class="error"' not in page  # no complaint before saving
    page = sec_client.post(url, {"kind": "number", "row_action": "kind"}).content.decode()
    assert 'name="minimum"' in page and "rows-TOTAL_FORMS" not in page
    assert Question.objects.filter(section__questionnaire=draft).count() == 7


def test_the_kind_select_swaps_the_form_with_htmx(sec_client, draft):
    page = sec_client.get(add_url(draft)).content.decode()
    select = page[page.index('<select name="kind"') : page.index("</select>")]
    assert 'hx-post="' in select and 'hx-select="#question-form"' in select
    assert 'hx-trigger="change"' in select


# --- rows of choices, table rows and columns ----------------------------------------------


def test_choices_are_rows_with_a_label_per_language(sec_client, draft):
    response = sec_client.post(
        add_url(draft),
        {
            "kind": "single_choice",
            "text_en": "Who coordinates?",
            "text_fr": "Qui coordonne ?",
            "required": "on",
            **rows(
                "choices",
                [
                    {"key": "ministry", "en": "A ministry", "fr": "Un ministère"},
                    {"key": "", "en": "A national committee"},
                    {"fr": "La police seulement"},
                ],
            ),
        },
    )
    assert response.status_code == 302
    added = question(draft, "7")
    assert added.required
    assert added.options == {
        "choices": [
            {"value": "ministry", "label": {"en": "A ministry", "fr": "Un ministère"}},
            {"value": "a_national_committee", "label": {"en": "A national committee"}},
            {"value": "la_police_seulement", "label": {"fr": "La police seulement"}},
        ]
    }
    edit = sec_client.get(
        reverse("surveys:questionnaire-question-edit", args=[draft.pk, added.pk])
    ).content.decode()
    assert 'name="choices-0-label_fr" value="Un ministère"' in edit
    assert 'name="choices-2-label_fr" value="La police seulement"' in edit
    assert 'name="choices-2-label_en" value=""' in edit or 'name="choices-2-label_en"' in edit


def test_a_pipe_typed_as_before_is_refused_next_to_its_row_and_nothing_is_saved(sec_client, draft):
    response = sec_client.post(
        add_url(draft),
        {
            "kind": "single_choice",
            "text_en": "Which unit?",
            **rows("choices", [{"key": "police | Police", "en": "Police"}]),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "no spaces" in page
    assert 'value="police | Police"' in page  # what was typed is kept to correct it
    assert Question.objects.filter(section__questionnaire=draft).count() == 7


def test_a_value_used_twice_or_a_row_without_label_is_refused(sec_client, draft):
    page = sec_client.post(
        add_url(draft),
        {
            "kind": "multiple_choice",
            "text_en": "Which?",
            **rows("choices", [{"key": "a", "en": "A"}, {"key": "a", "en": "B"}, {"key": "c"}]),
        },
    ).content.decode()
    assert "The value &#x27;a&#x27; is used twice." in page
    assert "Give the label in at least one language." in page
    assert Question.objects.filter(section__questionnaire=draft).count() == 7


def test_a_choice_question_without_choices_is_refused(sec_client, draft):
    page = sec_client.post(
        add_url(draft), {"kind": "single_choice", "text_en": "Which?", **rows("choices", [{}])}
    ).content.decode()
    assert "Give at least one choice." in page
    assert Question.objects.filter(section__questionnaire=draft).count() == 7


def test_a_table_and_a_number_question(sec_client, draft):
    url = add_url(draft)
    sec_client.post(
        url,
        {
            "kind": "table",
            "text_en": "Victims by sex",
            "totals": "on",
            **rows(
                "rows", [{"key": "f", "en": "Women", "fr": "Femmes"}, {"key": "m", "en": "Men"}]
            ),
            **rows("columns", [{"key": "2006", "en": "2006"}, {"key": "2007", "en": "2007"}]),
        },
    )
    table = question(draft, "7")
    assert table.options["rows"] == [
        {"key": "f", "label": {"en": "Women", "fr": "Femmes"}},
        {"key": "m", "label": {"en": "Men"}},
    ]
    assert [c["key"] for c in table.options["columns"]] == ["2006", "2007"]
    sec_client.post(
        url,
        {
            "kind": "number",
            "text_en": "How many shelters?",
            "minimum": "0",
            "maximum": "500",
            "integer": "on",
        },
    )
    assert question(draft, "8").options == {"integer": True, "min": 0, "max": 500}


def _row_action(client: Client, url: str, action: str, items: list[dict[str, str]]) -> str:
    return client.post(
        url,
        {
            "kind": "single_choice",
            "text_en": "Which?",
            "row_action": action,
            **rows("choices", items),
        },
    ).content.decode()


def test_rows_are_added_removed_and_moved_without_javascript_and_nothing_is_saved(
    sec_client, draft
):
    url = add_url(draft)
    items = [{"key": "a", "en": "Alpha"}, {"key": "b", "en": "Beta"}, {"key": "c", "en": "Gamma"}]
    page = _row_action(sec_client, url, "choices:up:2", items)
    assert page.index('value="Gamma"') < page.index('value="Beta"')
    assert 'value="choices:up:1" class="link" formnovalidate data-row-move="up" autofocus' in page
    page = _row_action(sec_client, url, "choices:down:0", items)
    assert page.index('value="Beta"') < page.index('value="Alpha"')
    page = _row_action(sec_client, url, "choices:remove:1", items)
    assert 'value="Beta"' not in page and 'name="choices-TOTAL_FORMS" value="2"' in page
    page = _row_action(sec_client, url, "choices:add", items)
    assert 'name="choices-TOTAL_FORMS" value="4"' in page
    assert 'name="choices-3-key"' in page
    # Out of range, or first moved up: the rows stay as they were.
    page = _row_action(sec_client, url, "choices:up:0", items)
    assert page.index('value="Alpha"') < page.index('value="Beta"') < page.index('value="Gamma"')
    page = _row_action(sec_client, url, "choices:remove:99", items)
    assert 'name="choices-TOTAL_FORMS" value="3"' in page
    assert Question.objects.filter(section__questionnaire=draft).count() == 7


def test_every_row_has_keyboard_buttons_named_for_screen_readers(sec_client, draft):
    page = _row_action(sec_client, add_url(draft), "kind", [{"key": "a", "en": "A"}, {"key": "b"}])
    assert 'Move down<span class="visually-hidden"> choice 1</span>' in page
    assert 'Move up<span class="visually-hidden"> choice 2</span>' in page
    assert 'Remove<span class="visually-hidden"> choice 2</span>' in page
    assert (
        '<label class="visually-hidden" for="id_choices-1-label_fr">Label in French, choice 2'
        in page
    )


# --- numbers, duplicate, move to another section, reorder ---------------------------------


def test_a_sub_question_is_numbered_after_the_question_before_it(sec_client, draft):
    sec_client.post(
        add_url(draft, "A"), {"kind": "text", "text_en": "Which articles?", "sub": "on"}
    )
    assert all_numbers(draft)[:5] == [
        ("A", "1", "Has your State"),
        ("A", "1 (a)", "In which year?"),
        ("A", "2", "Describe the o"),
        ("A", "3", "Stage of legis"),
        ("A", "3 (a)", "Which articles"),
    ]
    assert all_numbers(draft)[5][1] == "4"


def test_duplicating_a_question_places_the_copy_after_it_and_renumbers(sec_client, draft):
    original = question(draft, "3")
    response = sec_client.post(
        reverse("surveys:questionnaire-question-duplicate", args=[draft.pk, original.pk])
    )
    copy = Question.objects.exclude(pk=original.pk).get(
        section__questionnaire=draft, text=original.text
    )
    assert response["Location"] == reverse(
        "surveys:questionnaire-question-edit", args=[draft.pk, copy.pk]
    )
    assert (copy.number, copy.kind, copy.options) == ("4", original.kind, original.options)
    assert [n for _, n, _ in all_numbers(draft)] == ["1", "1 (a)", "2", "3", "4", "5", "6", "7"]
    assert question(draft, "5").text == {"en": "Which units exist?"}


def test_a_dispatched_questionnaire_duplicates_only_with_a_reason(sec_client, dispatched):
    original = question(dispatched, "2")
    url = reverse("surveys:questionnaire-question-duplicate", args=[dispatched.pk, original.pk])
    page = sec_client.post(url).content.decode()
    assert "its questions are frozen" in page
    assert Question.objects.filter(section__questionnaire=dispatched).count() == 7
    sec_client.post(url, {"reason": "Ask separately for the penalties."})
    assert Question.objects.filter(section__questionnaire=dispatched).count() == 8
    revision = QuestionnaireRevision.objects.get(questionnaire=dispatched)
    assert revision.reason == "Ask separately for the penalties."
    dispatched.refresh_from_db()
    assert dispatched.revision == 1


def test_moving_a_question_to_another_section(sec_client, draft):
    moved = question(draft, "2")
    target = draft.sections.get(number="B")
    url = reverse("surveys:questionnaire-question-section", args=[draft.pk, moved.pk])
    page = sec_client.get(url).content.decode()
    assert f'value="{target.pk}"' in page
    assert f'value="{moved.section_id}"' not in page
    sec_client.post(url, {"section": target.pk})
    moved.refresh_from_db()
    assert (moved.section, moved.number) == (target, "6")
    assert [n for _, n, _ in all_numbers(draft)] == ["1", "1 (a)", "2", "3", "4", "5", "6"]


def test_a_question_cannot_move_before_the_question_its_condition_rests_on(sec_client, draft):
    ratified = question(draft, "1")
    section_b = draft.sections.get(number="B")
    url = reverse("surveys:questionnaire-question-section", args=[draft.pk, ratified.pk])
    page = sec_client.post(url, {"section": section_b.pk}).content.decode()
    assert "would no longer come before it" in page
    ratified.refresh_from_db()
    assert ratified.section.number == "A" and ratified.number == "1"


def test_reorder_by_drag_and_drop_renumbers(sec_client, draft):
    a, b = draft.sections.order_by("order")
    qa = list(a.questions.order_by("order").values_list("pk", flat=True))
    qb = list(b.questions.order_by("order").values_list("pk", flat=True))
    # Section B first; its last question (the file) moves to section A, at the end.
    response = sec_client.post(
        reverse("surveys:questionnaire-reorder", args=[draft.pk]),
        {"sections": [b.pk, a.pk], f"section-{b.pk}": qb[:-1], f"section-{a.pk}": qa + qb[-1:]},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    assert all_numbers(draft) == [
        ("A", "1", "Which units ex"),
        ("A", "2", "Cases by year"),
        ("B", "3", "Has your State"),
        ("B", "3 (a)", "In which year?"),
        ("B", "4", "Describe the o"),
        ("B", "5", "Stage of legis"),
        ("B", "6", "Attach the rel"),
    ]


@pytest.mark.parametrize(
    "change",
    ["missing question", "unknown question", "not a number", "condition broken"],
)
def test_a_reorder_that_does_not_fit_is_refused_and_nothing_moves(sec_client, draft, change):
    a, b = draft.sections.order_by("order")
    qa = list(a.questions.order_by("order").values_list("pk", flat=True))
    qb = list(b.questions.order_by("order").values_list("pk", flat=True))
    data: dict[str, Any] = {"sections": [a.pk, b.pk], f"section-{a.pk}": qa, f"section-{b.pk}": qb}
    if change == "missing question":
        data[f"section-{b.pk}"] = qb[1:]
    elif change == "unknown question":
        data[f"section-{b.pk}"] = [*qb, 999999]
    elif change == "not a number":
        data[f"section-{b.pk}"] = [*qb[:-1], "x"]
    else:
        data[f"section-{a.pk}"] = [qa[1], qa[0], *qa[2:]]
    before = all_numbers(draft)
    response = sec_client.post(
        reverse("surveys:questionnaire-reorder", args=[draft.pk]),
        data,
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert all_numbers(draft) == before


def test_a_dispatched_questionnaire_is_not_reordered_by_drag(sec_client, dispatched):
    a, b = dispatched.sections.order_by("order")
    data = {
        "sections": [b.pk, a.pk],
        **{f"section-{s.pk}": list(s.questions.values_list("pk", flat=True)) for s in (a, b)},
    }
    before = all_numbers(dispatched)
    response = sec_client.post(
        reverse("surveys:questionnaire-reorder", args=[dispatched.pk]),
        data,
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 409
    assert all_numbers(dispatched) == before
    editor = sec_client.get(
        reverse("surveys:questionnaire-questions", args=[dispatched.pk])
    ).content.decode()
    assert "data-reorder-url" not in editor


def test_the_reply_form_shows_the_numbers_of_the_new_order(sec_client, draft):
    moved = question(draft, "3")
    sec_client.post(
        reverse("surveys:questionnaire-question-move", args=[draft.pk, moved.pk]),
        {"direction": "up"},
    )
    preview = sec_client.get(
        reverse("surveys:questionnaire-preview", args=[draft.pk])
    ).content.decode()
    assert preview.index("Stage of legislation") < preview.index("Describe the offences")
    moved.refresh_from_db()
    assert moved.number == "2"


def test_choices_typed_survive_a_switch_to_another_kind_and_back(sec_client, draft):
    url = add_url(draft)
    page = sec_client.post(
        url,
        {
            "kind": "table",
            "text_en": "Which?",
            "row_action": "kind",
            **rows("choices", [{"key": "a", "en": "Alpha", "fr": "Alpha fr"}]),
        },
    ).content.decode()
    assert 'type="hidden" name="choices-0-label_fr" value="Alpha fr"' in page
    carried = {"choices-TOTAL_FORMS": "1", "choices-0-key": "a", "choices-0-label_fr": "Alpha fr"}
    page = sec_client.post(
        url, {"kind": "single_choice", "text_en": "Which?", "row_action": "kind", **carried}
    ).content.decode()
    assert 'name="choices-0-label_fr" value="Alpha fr"' in page
    assert Question.objects.filter(section__questionnaire=draft).count() == 7


def test_the_migration_marks_sub_questions_and_renumbers_drafts_only(secretariat):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("surveys.migrations.0013_question_sub_and_computed_numbers")
    draft = build_questionnaire(by=secretariat)
    sent = build_questionnaire(by=secretariat, dispatch_to=[Respondent.objects.get(code="NER")])
    # Numbers typed by hand before, out of order after moves: 3, 5, 4 …
    for q in (draft, sent):
        for x, typed in zip(
            Question.objects.filter(section__questionnaire=q).order_by("section__order", "order"),
            ["3", "3 (a)", "5", "4", "9", "8", "7"],
            strict=True,
        ):
            Question.objects.filter(pk=x.pk).update(number=typed, sub=False)
    migration.mark_sub_questions_and_renumber_drafts(apps, None)
    assert [n for _, n, _ in all_numbers(draft)] == ["1", "1 (a)", "2", "3", "4", "5", "6"]
    assert question(draft, "1 (a)").sub
    assert [n for _, n, _ in all_numbers(sent)] == ["3", "3 (a)", "5", "4", "9", "8", "7"]
    assert Question.objects.get(section__questionnaire=sent, number="3 (a)").sub
