"""The report editor's pages, and who may open every page of reports (the build pages too)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.builds import services
from reports.editor import services as editor
from reports.models import Paragraph, Report, Section
from tests.factories import MembershipFactory, ReviewerFactory
from tests.reports.factories import first_paragraph

pytestmark = pytest.mark.django_db


def _pages(report: Report) -> list[tuple[str, str]]:
    """Every page of the reports app, with the method it is used with."""
    section = report.sections.filter(kind=Section.Kind.BODY).first()
    paragraph = first_paragraph(report)
    build = services.start_build(report=report, enqueue=False)
    services.run_build(build_id=build.pk)
    return [
        ("get", reverse("reports:report-list")),
        ("get", reverse("reports:report-create")),
        ("get", reverse("reports:report-edit", args=[report.pk])),
        ("get", reverse("reports:report-masthead", args=[report.pk])),
        ("get", reverse("reports:report-preview", args=[report.pk])),
        ("post", reverse("reports:section-add", args=[report.pk])),
        ("get", reverse("reports:build-list", args=[report.pk])),
        ("post", reverse("reports:build-list", args=[report.pk])),
        ("post", reverse("reports:section-update", args=[section.pk])),
        ("post", reverse("reports:section-move", args=[section.pk])),
        ("post", reverse("reports:section-delete", args=[section.pk])),
        ("post", reverse("reports:paragraph-add", args=[section.pk])),
        ("post", reverse("reports:paragraph-save", args=[paragraph.pk])),
        ("post", reverse("reports:paragraph-move", args=[paragraph.pk])),
        ("post", reverse("reports:paragraph-delete", args=[paragraph.pk])),
        ("get", reverse("reports:build-status", args=[build.pk])),
        ("get", reverse("reports:build-download", args=[build.pk, "pdf"])),
        ("get", reverse("reports:build-download", args=[build.pk, "docx"])),
    ]


def test_anonymous_people_are_sent_to_sign_in_from_every_report_page(client, report):
    for method, url in _pages(report):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("who", ["focal point", "reviewer"])
def test_focal_points_and_reviewers_get_403_on_every_report_page(client, report, who):
    user = MembershipFactory().user if who == "focal point" else ReviewerFactory()
    client.force_login(user)
    paragraphs = Paragraph.objects.count()
    for method, url in _pages(report):
        assert getattr(client, method)(url).status_code == 403, url
    assert Paragraph.objects.count() == paragraphs  # nothing was changed


def test_the_secretariat_opens_every_report_page(secretariat, report):
    for method, url in _pages(report):
        if method == "get":
            response = secretariat.get(url)
            assert response.status_code == 200, url


def test_the_editor_lists_sections_paragraph_numbers_and_the_preview(secretariat, report):
    response = secretariat.get(reverse("reports:report-edit", args=[report.pk]))
    html = response.content.decode()
    assert "¶ 4" in html and "Italic heading" in html
    assert 'class="pnum">5.</span>' in html  # preview numbers as printed
    assert "{fn:key}" in html  # the markup help


def test_creating_a_report_from_the_form(secretariat):
    response = secretariat.post(
        reverse("reports:report-create"),
        {
            "symbol": "E/CN.15/2008/9",
            "date": "2008-01-29",
            "organ": "Economic and Social Council",
            "distribution": "General",
            "original_language": "English",
            "page_size": "A4",
            "title": "Trafficking in persons",
            "subtitle": "Report of the Secretary-General",
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report-edit", args=[report.pk])


def test_autosave_returns_the_status_and_the_new_preview_rendering_the_report_once(
    secretariat, report, monkeypatch
):
    from reports import rendering

    renders = []
    real = rendering.render_preview_html

    def counted(snapshot):  # type: ignore[no-untyped-def]
        renders.append(1)
        return real(snapshot)

    monkeypatch.setattr(rendering, "render_preview_html", counted)
    paragraph = first_paragraph(report)
    response = secretariat.post(
        reverse("reports:paragraph-save", args=[paragraph.pk]),
        {"text": "New *text*.", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert len(renders) == 1  # the number, the problems and the preview from one rendering
    assert "HX-Trigger" not in response  # the preview does not ask for a second rendering
    body = response.content.decode()
    preview = body[body.index('<div id="preview" hx-swap-oob="innerHTML">') :]
    assert "New <em>text</em>." in preview
    assert "Saved as paragraph 1." in response.content.decode()
    assert 'value="2"' in response.content.decode()  # the new version for the next save
    paragraph.refresh_from_db()
    assert (paragraph.text, paragraph.version) == ("New *text*.", 2)


def test_autosave_shows_a_markup_error_at_the_paragraph(secretariat, report):
    paragraph = first_paragraph(report)
    response = secretariat.post(
        reverse("reports:paragraph-save", args=[paragraph.pk]),
        {"text": "Broken [^note", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert "Footnote opened here is never closed" in response.content.decode()
    preview = secretariat.get(reverse("reports:report-preview", args=[report.pk]))
    assert preview.status_code == 200
    assert "Footnote opened here is never closed" in preview.content.decode()


def test_a_stale_autosave_is_refused_with_a_clear_message(secretariat, report):
    paragraph = first_paragraph(report)
    editor.save_paragraph(paragraph_id=paragraph.pk, text="Someone else's words.", version=1)
    response = secretariat.post(
        reverse("reports:paragraph-save", args=[paragraph.pk]),
        {"text": "My words.", "version": 1},
    )
    assert response.status_code == 409
    assert "Someone else changed this paragraph" in response.content.decode()
    paragraph.refresh_from_db()
    assert paragraph.text == "Someone else's words."


def test_a_paragraph_moves_to_another_section_and_numbers_follow(secretariat, report):
    paragraph = first_paragraph(report)
    target = report.sections.get(title="Legal provisions")
    secretariat.post(
        reverse("reports:paragraph-move", args=[paragraph.pk]),
        {"section": target.pk, "position": 0},
    )
    paragraph.refresh_from_db()
    assert paragraph.section == target
    response = secretariat.get(reverse("reports:report-preview", args=[report.pk]))
    html = response.content.decode()
    assert html.index("Replies were received") < html.index("The Council asked")


def test_paragraphs_move_up_and_down(secretariat, report):
    first = first_paragraph(report)
    secretariat.post(reverse("reports:paragraph-move", args=[first.pk]), {"offset": 1})
    texts = list(first.section.paragraphs.order_by("order").values_list("text", flat=True))
    assert texts[1] == "The Council asked for this report."


def test_a_section_with_paragraphs_is_not_deleted(secretariat, report):
    section = report.sections.get(title="Introduction")
    response = secretariat.post(reverse("reports:section-delete", args=[section.pk]), follow=True)
    assert "move or delete them first" in response.content.decode()
    assert Section.objects.filter(pk=section.pk).exists()
