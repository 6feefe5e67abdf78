"""XLSForm in and out, and Verbale's own JSON file: what Kobo users bring is imported as they
meant it, what Verbale cannot hold is refused naming the sheet and row (and nothing is
created), and export → import gives the same questionnaire."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from portal.errors import InvalidError
from surveys.models import Question, Questionnaire, Respondent
from surveys.questionnaires import authoring, interchange, xlsform
from tests.factories import SecretariatFactory, build_questionnaire, question
from tests.surveys.questionnaires.forms import EN, example, workbook

pytestmark = pytest.mark.django_db

DEADLINE, CUTOFF = datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return SecretariatFactory()


@pytest.fixture
def sec_client(secretariat) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(secretariat)
    return client


def import_xlsx(content: bytes, by: Any, title: str = "") -> tuple[Questionnaire, list[str]]:
    return interchange.import_file(
        content, "form.xlsx", by=by, title=title, deadline=DEADLINE, cutoff=CUTOFF
    )


def shape(q: Questionnaire, *, particulars: bool = True) -> dict[str, Any]:
    plain = interchange.export_plain(q)
    if not particulars:
        plain = {"languages": plain["languages"], "sections": plain["sections"]}
    return plain


# --- examples a Kobo user brings -----------------------------------------------------------


def test_a_kobo_form_without_groups_is_imported_as_meant(secretariat):
    q, notices = import_xlsx(example("kobo_ministry"), secretariat)
    assert (q.title, q.languages, q.status) == ("National action plans", ["en", "fr"], "draft")
    [section] = q.sections.all()
    assert section.title == {"en": "National action plans"}
    has_plan, year, body, budget = authoring.ordered_questions(q)
    assert (has_plan.number, has_plan.kind, has_plan.required) == ("1", "yes_no", True)
    assert has_plan.text == {
        "en": "Does your State have a national action plan?",
        "fr": "Votre État a-t-il un plan d'action national ?",
    }
    assert (year.kind, year.options) == ("number", {"integer": True, "min": 1990, "max": 2030})
    assert year.help_text == {"en": "Four digits."}
    assert (year.condition_question, year.condition_values) == (has_plan, ["yes"])
    assert (body.kind, body.condition_question, body.condition_values) == (
        "text",
        has_plan,
        ["yes"],
    )
    assert (budget.kind, budget.options) == ("number", {"integer": False, "min": 0})
    assert notices == [
        "Not imported, as they are not questions (Verbale records who saved each answer and "
        "when): start (row 2), end (row 3), today (row 8)."
    ]


def test_groups_become_sections_with_labels_per_language(secretariat):
    q, _ = import_xlsx(example("grouped_survey"), secretariat, title="TIP 2026")
    assert q.title == "TIP 2026"
    assert q.languages == ["en", "es"]
    assert [(s.number, s.title) for s in q.sections.order_by("order")] == [
        ("A", {"en": "Legal framework", "es": "Marco jurídico"}),
        ("B", {"en": "Evidence", "es": "Pruebas"}),
    ]
    stage, units, detail, law = authoring.ordered_questions(q)
    assert stage.kind == "single_choice" and stage.required
    assert stage.options["choices"][0] == {
        "value": "adopted",
        "label": {"en": "Adopted", "es": "Aprobada"},
    }
    assert units.kind == "multiple_choice" and units.help_text == {"en": "Tick all that apply."}
    assert (detail.condition_question, detail.condition_values) == (units, ["police", "border"])
    assert (law.kind, law.number, law.condition_question) == ("file", "4", stage)


# --- refusals: each names the sheet and row; nothing is created ----------------------------

HEAD = ["type", "name", EN, "required", "relevant", "constraint"]
YN = [["list_name", "name", EN], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def survey(*rows: list[Any], head: list[str] = HEAD) -> list[list[Any]]:
    return [head, *[list(r) + [""] * (len(head) - len(r)) for r in rows]]


REFUSALS = {
    "note": (
        survey(["note", "intro", "Please read"], ["text", "a", "A"]),
        YN,
        "Sheet “survey”, row 2: Verbale has no notes",
    ),
    "repeat": (
        survey(["begin_repeat", "people", "People"], ["text", "a", "A"], ["end_repeat"]),
        YN,
        "Sheet “survey”, row 2: “begin_repeat”: Verbale has no repeated groups",
    ),
    "nested group": (
        survey(
            ["begin_group", "g", "G"],
            ["begin_group", "h", "H"],
            ["text", "a", "A"],
            ["end_group"],
            ["end_group"],
        ),
        YN,
        "Sheet “survey”, row 3: the group 'h' is inside another group",
    ),
    "table exported by Verbale": (
        survey(
            ["begin_group", "g", "G"],
            ["begin_group", "q5_table", "Cases"],
            ["integer", "q5__a__b", "A – B"],
            ["end_group"],
            ["end_group"],
        ),
        YN,
        "Sheet “survey”, row 3: the group 'q5_table' looks like a statistical table exported "
        "by Verbale",
    ),
    "date": (
        survey(["text", "a", "A"], ["date", "when", "When?"]),
        YN,
        "Sheet “survey”, row 3: the type “date” has no equivalent in Verbale",
    ),
    "calculate": (
        survey(
            ["integer", "a", "A"],
            ["calculate", "double", "", "", "", "", "${a} * 2"],
            head=[*HEAD, "calculation"],
        ),
        YN,
        "Sheet “survey”, row 3: “calculate”: Verbale has no calculated fields.",
    ),
    "or_other": (
        survey(["select_one yn or_other", "a", "A"]),
        YN,
        "Sheet “survey”, row 2: “select_one yn or_other”: Verbale has no “or other” choice",
    ),
    "relevant with and": (
        survey(
            ["select_one yn", "a", "A"],
            ["select_one yn", "b", "B"],
            ["text", "c", "C", "", "${a} = 'yes' and ${b} = 'yes'"],
        ),
        YN,
        "Sheet “survey”, row 4: the condition “relevant”",
    ),
    "relevant on two questions": (
        survey(
            ["select_one yn", "a", "A"],
            ["select_one yn", "b", "B"],
            ["text", "c", "C", "", "${a} = 'yes' or ${b} = 'yes'"],
        ),
        YN,
        "Sheet “survey”, row 4: the condition “relevant” \"${a} = 'yes' or ${b} = 'yes'\" "
        "rests on several questions",
    ),
    "relevant on a text answer": (
        survey(["text", "a", "A"], ["text", "b", "B", "", "${a} = 'x'"]),
        YN,
        "Sheet “survey”, row 3: the condition “relevant” rests on 'a', which is not a yes/no "
        "or choice question.",
    ),
    "relevant on a later question": (
        survey(["text", "b", "B", "", "${a} = 'yes'"], ["select_one yn", "a", "A"]),
        YN,
        "Sheet “survey”, row 2: the condition “relevant” rests on 'a', which is not an earlier",
    ),
    "relevant on a value the list lacks": (
        survey(["select_one yn", "a", "A"], ["text", "b", "B", "", "${a} = 'maybe'"]),
        YN,
        "Sheet “survey”, row 3: Say which answers to the earlier question make this one appear.",
    ),
    "language not of the UN": (
        [["type", "name", EN, "label::Deutsch (de)"], ["text", "a", "A", "A auf Deutsch"]],
        YN,
        "Sheet “survey”, row 2: Column “label::Deutsch (de)”: 'Deutsch (de)' is not one of the "
        "languages",
    ),
    "choice name with a space": (
        survey(["select_one l", "a", "A"]),
        [["list_name", "name", EN], ["l", "police unit", "Police"]],
        "Sheet “choices”, row 2: the choice name 'police unit' must be short",
    ),
    "constraint other than bounds": (
        survey(["integer", "a", "A", "", "", ". mod 2 = 0"]),
        YN,
        "Sheet “survey”, row 2: the constraint '. mod 2 = 0' is not one Verbale can hold",
    ),
    "constraint on text": (
        survey(["text", "a", "A", "", "", "string-length(.) < 10"]),
        YN,
        "Sheet “survey”, row 2: the constraint 'string-length(.) < 10' has no equivalent",
    ),
    "required as an expression": (
        survey(["select_one yn", "a", "A"], ["text", "b", "B", "${a} = 'yes'"]),
        YN,
        "Sheet “survey”, row 3: “required” is \"${a} = 'yes'\"; Verbale takes yes or no only.",
    ),
    "column without equivalent": (
        [["type", "name", EN, "choice_filter"], ["select_one yn", "a", "A", "x = 1"]],
        YN,
        "Sheet “survey”, row 2: the column “choice_filter” (here 'x = 1') has no equivalent",
    ),
    "invalid for pyxform": (
        survey(["select_one missing", "a", "A"]),
        YN,
        "This XLSForm is not valid (pyxform says:",
    ),
    "no question": (
        survey(["start", "start", ""]),
        YN,
        "Sheet “survey” holds no question Verbale can import.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_what_verbale_cannot_hold_is_refused_naming_the_row_and_nothing_is_created(
    secretariat, case
):
    survey_rows, choices, message = REFUSALS[case]
    before = (Questionnaire.objects.count(), Question.objects.count())
    with pytest.raises(InvalidError) as refused:
        import_xlsx(workbook(survey_rows, choices), secretariat, title="T")
    assert message in refused.value.message
    assert (Questionnaire.objects.count(), Question.objects.count()) == before


def test_a_file_that_is_not_a_workbook_is_refused(secretariat):
    with pytest.raises(InvalidError, match="could not be read as an XLSForm"):
        import_xlsx(b"PK\x03\x04 not really a zip", secretariat)
    with pytest.raises(InvalidError, match=r"This file is not an \.xlsx workbook"):
        import_xlsx(b"type,name\ntext,a", secretariat)
    with pytest.raises(InvalidError, match=r"Choose an XLSForm \(.xlsx\)"):
        interchange.import_file(
            b"a,b", "form.csv", by=secretariat, deadline=DEADLINE, cutoff=CUTOFF
        )
    assert not Questionnaire.objects.exists()


def test_a_workbook_that_would_unpack_too_far_is_refused_before_it_is_read(secretariat):
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(InvalidError, match=r"compressed .* to 1"):
        import_xlsx(packed.getvalue(), secretariat)
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "This file is not JSON"),
        (b'{"format": "kobo"}', "is not a questionnaire exported from Verbale"),
        (b'{"format": "verbale-questionnaire", "version": 9}', "of version 9"),
        (
            b'{"format": "verbale-questionnaire", "version": 1, "title": "T", '
            b'"languages": ["en"], "sections": [{"title": {"en": "S"}, "questions": '
            b'[{"name": "a", "kind": "single_choice", "text": {"en": "Q"}, '
            b'"options": {"choices": []}}]}]}',
            "Section 1, question 1 (a): Give at least one choice.",
        ),
        (
            b'{"format": "verbale-questionnaire", "version": 1, "title": "T", '
            b'"languages": ["en"], "sections": [{"title": {"en": "S"}, "questions": '
            b'[{"name": "a", "kind": "text", "text": {"en": "Q"}, '
            b'"condition": {"question": "z", "values": ["yes"]}}]}]}',
            "the condition rests on 'z', which is not an earlier question",
        ),
    ],
)
def test_a_bad_verbale_file_is_refused_and_nothing_is_created(secretariat, content, message):
    with pytest.raises(InvalidError) as refused:
        interchange.import_file(content, "q.json", by=secretariat, deadline=DEADLINE, cutoff=CUTOFF)
    assert message in refused.value.message
    assert not Questionnaire.objects.exists()


# --- round trips ----------------------------------------------------------------------------


def test_the_verbale_file_round_trip_gives_the_same_questionnaire(secretariat):
    original = build_questionnaire(by=secretariat, dispatch_to=[Respondent.objects.get(code="NER")])
    copy, notices = interchange.import_file(
        interchange.to_json(original),
        "q.json",
        by=secretariat,
        deadline=original.deadline,
        cutoff=original.cutoff,
    )
    assert notices == []
    assert copy.pk != original.pk and copy.status == "draft"
    assert shape(copy) == shape(original)
    assert question(copy, "5").options == question(original, "5").options  # the table


def test_the_xlsform_round_trip_gives_the_same_questions(secretariat):
    original = build_questionnaire(by=secretariat, languages=["en", "fr", "ar"])
    authoring.delete_question(question=question(original, "5"), by=secretariat)  # the table
    content = xlsform.write_xlsform(original)
    copy, _ = import_xlsx(content, secretariat)
    assert copy.title == original.title
    assert shape(copy, particulars=False) == shape(original, particulars=False)


def test_an_imported_kobo_form_exports_and_imports_the_same(secretariat):
    for name in ("kobo_ministry", "grouped_survey"):
        first, _ = import_xlsx(example(name), secretariat)
        second, _ = import_xlsx(xlsform.write_xlsform(first), secretariat)
        assert shape(second, particulars=False) == shape(first, particulars=False), name


def test_the_table_is_exported_as_a_group_of_whole_number_cells(secretariat):
    original = build_questionnaire(by=secretariat)
    sheet = load_workbook(io.BytesIO(xlsform.write_xlsform(original)))["survey"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    head = rows[0]
    start = next(i for i, r in enumerate(rows) if r[1] == "q5_table")
    assert rows[start][0] == "begin_group"
    assert rows[start][head.index("label::English (en)")] == "Cases by year"
    cells = rows[start + 1 : start + 10]
    assert [r[0] for r in cells] == ["integer"] * 9
    assert cells[0][1] == "q5__2005__investigated"
    assert cells[0][head.index("label::English (en)")] == "2005 – Cases investigated"
    assert cells[0][head.index("constraint")] == ". >= 0"
    assert rows[start + 10][0] == "end_group"
    # Importing it back is refused with the way to keep the table, and creates nothing.
    with pytest.raises(InvalidError, match=r"Import the Verbale questionnaire file \(.json\)"):
        import_xlsx(xlsform.write_xlsform(original), secretariat)
    assert Questionnaire.objects.count() == 1


# --- the pages --------------------------------------------------------------------------------


def test_the_import_page_creates_a_draft_and_shows_the_notices(sec_client):
    response = sec_client.post(
        reverse("surveys:questionnaire-import"),
        {
            "file": SimpleUploadedFile("ministry.xlsx", example("kobo_ministry")),
            "deadline": "2026-03-31",
            "cutoff": "2026-04-30",
        },
        follow=True,
    )
    page = response.content.decode()
    q = Questionnaire.objects.get()
    assert response.redirect_chain[-1][0] == reverse("surveys:questionnaire-questions", args=[q.pk])
    assert "is imported with 4 question(s)" in page
    assert "start (row 2), end (row 3), today (row 8)" in page


def test_the_import_page_shows_a_refusal_next_to_the_form(sec_client):
    content = workbook(survey(["note", "intro", "Read this"]), YN)
    response = sec_client.post(
        reverse("surveys:questionnaire-import"),
        {
            "file": SimpleUploadedFile("form.xlsx", content),
            "deadline": "2026-03-31",
            "cutoff": "2026-04-30",
        },
    )
    assert response.status_code == 200
    assert "Sheet “survey”, row 2: Verbale has no notes" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_the_downloads(sec_client, secretariat):
    q = build_questionnaire(by=secretariat)
    xlsx = sec_client.get(reverse("surveys:questionnaire-export-xlsform", args=[q.pk]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith('attachment; filename="questionnaire-')
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["survey", "choices", "settings"]
    data = sec_client.get(reverse("surveys:questionnaire-export-json", args=[q.pk]))
    assert data["Content-Type"].startswith("application/json")
    assert interchange.read_json(data.content)["title"] == q.title


def test_only_the_secretariat_downloads_or_imports(client, secretariat):
    from surveys.models import Membership
    from tests.factories import MembershipFactory, ReviewerFactory

    q = build_questionnaire(
        by=secretariat,
        dispatch_to=[Respondent.objects.get(code="SLV"), Respondent.objects.get(code="EST")],
    )
    people = {
        "focal point of a recipient": MembershipFactory(
            respondent=Respondent.objects.get(code="SLV"), role=Membership.Role.FOCAL_POINT
        ).user,
        "focal point of another State": MembershipFactory(
            respondent=Respondent.objects.get(code="EST"), role=Membership.Role.FOCAL_POINT
        ).user,
        "expert": MembershipFactory(
            respondent=Respondent.objects.get(code="SLV"), role=Membership.Role.EXPERT
        ).user,
        "reviewer": ReviewerFactory(),
    }
    urls = [
        reverse("surveys:questionnaire-export-xlsform", args=[q.pk]),
        reverse("surveys:questionnaire-export-json", args=[q.pk]),
        reverse("surveys:questionnaire-import"),
    ]
    for who, user in people.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (who, url)
        response = client.post(
            reverse("surveys:questionnaire-import"),
            {
                "file": SimpleUploadedFile("q.json", interchange.to_json(q)),
                "deadline": "2026-03-31",
                "cutoff": "2026-04-30",
            },
        )
        assert response.status_code == 403, who
    assert Questionnaire.objects.count() == 1
