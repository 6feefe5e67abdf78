"""The reviewer workspace: browse, read, search, compare, dashboards and exports.

Reviewers and the secretariat may open every page here; anyone else gets 403. Pages read only
what is published (the last submitted revision of a reply, restricted answers left out), through
``search`` and ``exports`` of this package; the charts are SVG drawn by the templates from the
geometry computed below.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from portal.ids import parse_id
from portal.permissions import review_required

from ..models import (
    ExportJob,
    Question,
    Questionnaire,
    Reply,
    Respondent,
    Revision,
    Section,
    text_in,
)
from ..questionnaires import answers as answer_rules
from ..questionnaires.selectors import questionnaires_visible_to
from ..replies import selectors
from ..respondents.selectors import respondents_in_un_order
from . import exports, search, services

BROWSE_PAGE_SIZE = 50


# Reviewers and the secretariat only (403 for everyone else who is signed in).
review_access = review_required


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _language(request: HttpRequest, questionnaire: Questionnaire) -> str:
    asked = request.GET.get("lang", "")
    if asked in (questionnaire.languages or []):
        return asked
    return "en" if "en" in (questionnaire.languages or ["en"]) else questionnaire.languages[0]


# --- browse ------------------------------------------------------------------------------------


@require_GET
@review_access
def reply_browse(request: HttpRequest) -> HttpResponse:
    """Submitted replies, filtered and sorted from the URL (a view can be shared as a link)."""
    filterset = search.browse(request.user, request.GET, request)
    replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(replies, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "reply": reply,
            "name": search.respondent_name(
                reply.respondent, search.names_date(reply.questionnaire)
            ),
        }
        for reply in page
    ]
    return render(
        request,
        "surveys/review/browse.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": _query_without(request, "page"),
            "export_options": search.filter_options(request.GET),
            "formats": ExportJob.Format.choices,
        },
    )


# --- one reply, as reviewers read it -----------------------------------------------------------


def _display(question: Question, entry: dict[str, Any] | None, language: str) -> dict[str, Any]:
    """What the reply page shows for one answer (the template lays it out by kind)."""
    shown: dict[str, Any] = {"question": question, "answered": False}
    if not entry:
        return shown
    state, value = entry.get("state"), entry.get("value")
    shown["answered"] = answer_rules.is_answered(state or "", value)
    shown["state"] = search.STATE_LABELS.get(state or "", "")
    if state != answer_rules.ANSWERED:
        return shown
    if question.kind == answer_rules.TABLE and value:
        rows, columns, grand = answer_rules.table_totals(question.options, value)
        shown["table"] = {
            "columns": [text_in(c["label"], language) for c in question.options["columns"]],
            "rows": [
                {
                    "label": text_in(r["label"], language),
                    "cells": [
                        (value.get(r["key"]) or {}).get(c["key"])
                        for c in question.options["columns"]
                    ],
                    "total": rows[r["key"]],
                }
                for r in question.options["rows"]
            ],
            "column_totals": [columns[c["key"]] for c in question.options["columns"]],
            "total": grand,
        }
    elif question.kind == answer_rules.TEXT:
        shown["text"] = value or ""
    else:
        shown["value"] = search.answer_text(question, entry, language)
    return shown


@require_GET
@review_access
def reply_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The last submitted revision of a reply, restricted answers left out; never a draft."""
    reply = get_object_or_404(search.submitted_replies(request.user), pk=pk)
    revision = selectors.latest_revision(reply)
    if revision is None:
        raise Http404
    language = _language(request, reply.questionnaire)
    published = {item["question"]: item for item in selectors.published_answers(reply)}
    visible_files = {a.pk: a for a in selectors.attachments_downloadable(reply, request.user)}
    sections = []
    for section in Section.objects.filter(questionnaire=reply.questionnaire).prefetch_related(
        "questions"
    ):
        items = []
        for question in section.questions.all():
            shown = _display(question, published.get(question.pk), language)
            entry = revision.answers.get(str(question.pk)) if question.pk in published else None
            shown["files"] = [
                visible_files[item["id"]]
                for item in (entry or {}).get("attachments", [])
                if item["id"] in visible_files
            ]
            shown["text_of_question"] = text_in(question.text, language)
            items.append(shown)
        sections.append(
            {"section": section, "title": text_in(section.title, language), "items": items}
        )
    return render(
        request,
        "surveys/review/reply.html",
        {
            "reply": reply,
            "revision": revision,
            "name": search.respondent_name(
                reply.respondent, search.names_date(reply.questionnaire)
            ),
            "sections": sections,
            "language": language,
            "languages": reply.questionnaire.languages,
        },
    )


@require_GET
@review_access
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """A file of a submitted reply, to those ``selectors.attachments_downloadable`` allows."""
    reply = get_object_or_404(search.submitted_replies(request.user), pk=pk)
    found = selectors.downloadable_attachment(user=request.user, pk=attachment, reply_id=reply.pk)
    if found is None:
        raise Http404
    return selectors.attachment_response(found)


# --- search ------------------------------------------------------------------------------------


@require_GET
@review_access
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    questionnaires = questionnaires_visible_to(request.user)
    questionnaire_id = parse_id(request.GET.get("questionnaire", ""))
    kind = request.GET.get("kind", "")
    group = request.GET.get("regional_group", "")
    page, hits = None, []
    if query:
        page, hits = search.search_page(
            user=request.user,
            query=query,
            page_number=request.GET.get("page"),
            questionnaire_id=questionnaire_id,
            kind=kind if kind in Respondent.Kind.values else "",
            regional_group=group if group in Respondent.RegionalGroup.values else "",
        )
    return render(
        request,
        "surveys/review/search.html",
        {
            "query": query,
            "page": page,
            "hits": hits,
            "questionnaires": questionnaires,
            "questionnaire_id": questionnaire_id,
            "kind": kind,
            "regional_group": group,
            "kinds": Respondent.Kind.choices,
            "groups": Respondent.RegionalGroup.choices,
            "query_string": _query_without(request, "page"),
        },
    )


# --- compare -----------------------------------------------------------------------------------


def _questionnaire_or_latest(request: HttpRequest) -> Questionnaire | None:
    visible = questionnaires_visible_to(request.user)
    chosen = parse_id(request.GET.get("questionnaire", ""))
    if chosen is not None:
        return get_object_or_404(visible, pk=chosen)
    with_replies = visible.filter(
        Exists(Revision.objects.filter(reply__questionnaire=OuterRef("pk")))
    )
    return with_replies.order_by("-deadline", "-pk").first()


def _int_or_none(value: str | None) -> int | None:
    return parse_id(value)


@require_GET
@review_access
def compare(request: HttpRequest) -> HttpResponse:
    """One question, a section or the whole questionnaire across respondents, side by side."""
    questionnaire = _questionnaire_or_latest(request)
    if questionnaire is None:
        return render(request, "surveys/review/compare.html", {"questionnaire": None})
    params = request.GET.copy()
    params["questionnaire"] = str(questionnaire.pk)
    filterset = search.browse(request.user, params, request)
    replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sections = list(
        Section.objects.filter(questionnaire=questionnaire).prefetch_related("questions")
    )
    question_id = _int_or_none(request.GET.get("question"))
    section_id = _int_or_none(request.GET.get("section"))
    if question_id:
        chosen: Sequence[int] | None = [question_id]
    elif section_id:
        chosen = [q.pk for s in sections if s.pk == section_id for q in s.questions.all()]
    else:
        chosen = None
    comparison = exports.compare_across_respondents(replies, questionnaire, chosen)
    wide = len(comparison.questions) > 1
    return render(
        request,
        "surveys/review/compare.html",
        {
            "questionnaire": questionnaire,
            "filter": filterset,
            "comparison": comparison,
            "sections": sections,
            "question_id": question_id,
            "section_id": section_id,
            "wide": wide,
            "row_html": [_row_html(row) for row in comparison.rows] if wide else [],
        },
    )


CELL_CHARS = 280  # a wide cell shows four lines; the whole answer is one click away


def _row_html(row: exports.ComparisonRow) -> SafeString:
    """One row of the wide comparison table, written here rather than in the template.

    195 respondents by 60 questions are 11,700 cells: a template loop over them takes about a
    second, these few string operations a few dozen milliseconds. Every text is escaped; a long
    answer is cut (the row links to the whole reply)."""
    url = reverse("surveys:review-reply", args=[row.reply.pk])
    parts = [format_html('<th scope="row" class="sticky"><a href="{}">{}</a></th>', url, row.name)]
    for cell in row.cells:
        text = cell.text
        if not text:
            parts.append('<td class="cell--none">—</td>')
            continue
        if len(text) > CELL_CHARS:
            text = text[:CELL_CHARS].rsplit(" ", 1)[0] + " …"
        css = "" if cell.state == "answered" else f' class="cell--{cell.state}"'
        parts.append(f"<td{css}><div>{html.escape(text)}</div></td>")
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


@require_GET
@review_access
def compare_respondent(request: HttpRequest) -> HttpResponse:
    """One respondent across questionnaires over the years, questions matched by number."""
    replies = search.submitted_replies(request.user)
    with_replies = respondents_in_un_order().filter(pk__in=replies.values("respondent_id"))
    respondent_id = _int_or_none(request.GET.get("respondent"))
    respondent = get_object_or_404(with_replies, pk=respondent_id) if respondent_id else None
    history = exports.respondent_history(replies, respondent) if respondent else None
    return render(
        request,
        "surveys/review/compare_respondent.html",
        {"respondents": with_replies, "respondent": respondent, "history": history},
    )


# --- statistical tables ------------------------------------------------------------------------

SERIES_CLASSES = ("s1", "s2", "s3", "s4", "s5", "s6")


def _nice_ceiling(value: float) -> int:
    """A round top for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude) or 1
    return int(10 * magnitude)


def tick_values(top_value: int) -> list[int]:
    """Up to five distinct whole-number marks from 0 to the top of the axis."""
    if top_value <= 4:
        return list(range(top_value + 1))
    return sorted({top_value * k // 4 for k in range(5)})


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    width: int = 680,
    height: int = 280,
) -> dict[str, Any]:
    """Geometry of a grouped bar chart (categories along x, one bar per series)."""
    left, right, top, bottom = 56, 12, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((v for _, values in series for v in values), default=0)
    top_value = _nice_ceiling(highest)
    group_w = plot_w / max(1, len(categories))
    bar_w = max(2.0, (group_w * 0.8) / max(1, len(series)))
    bars, labels = [], []
    for i, category in enumerate(categories):
        x0 = left + i * group_w + group_w * 0.1
        labels.append({"x": round(left + (i + 0.5) * group_w, 1), "text": category})
        for j, (name, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / top_value
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w - 1, 1),
                    "h": round(h, 1),
                    "css": SERIES_CLASSES[j % len(SERIES_CLASSES)],
                    "title": f"{category}, {name}: {value:,}",
                }
            )
    ticks = [
        {"y": round(top + plot_h - plot_h * value / top_value, 1), "label": f"{value:,}"}
        for value in tick_values(top_value)
    ]
    return {
        "empty": highest == 0,
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "bars": bars,
        "labels": labels,
        "label_y": height - 12,
        "ticks": ticks,
        "legend": [
            {"name": name, "css": SERIES_CLASSES[j % len(SERIES_CLASSES)]}
            for j, (name, _) in enumerate(series)
        ],
    }


@require_GET
@review_access
def table_aggregate(request: HttpRequest) -> HttpResponse:
    """A statistical table summed over respondents, by row and by regional group, charted."""
    questionnaire = _questionnaire_or_latest(request)
    tables = (
        Question.objects.filter(section__questionnaire=questionnaire, kind=answer_rules.TABLE)
        .select_related("section__questionnaire")
        .order_by("section__order", "order", "pk")
        if questionnaire
        else Question.objects.none()
    )
    question_id = _int_or_none(request.GET.get("question"))
    question = get_object_or_404(tables, pk=question_id) if question_id else tables.first()
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "tables": tables,
        "question": question,
    }
    if question is not None:
        params = request.GET.copy()
        params["questionnaire"] = str(questionnaire.pk)  # type: ignore[union-attr]
        filterset = search.browse(request.user, params, request)
        replies = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        aggregate = exports.aggregate_table(replies, question)
        columns = aggregate.columns
        context.update(
            filter=filterset,
            aggregate=aggregate,
            column_labels=[text_in(c["label"], "en") for c in columns],
            rows=[
                {
                    "label": text_in(r["label"], "en"),
                    "cells": [
                        (
                            aggregate.sums[r["key"]][c["key"]],
                            aggregate.reporting[r["key"]][c["key"]],
                        )
                        for c in columns
                    ],
                }
                for r in aggregate.rows
            ],
            totals=[
                (aggregate.column_totals[c["key"]], aggregate.column_reporting[c["key"]])
                for c in columns
            ],
            groups=[
                {**g, "cells": [g["sums"][c["key"]] for c in columns]} for g in aggregate.groups
            ],
            chart=bar_chart(
                [text_in(r["label"], "en") for r in aggregate.rows],
                [
                    (
                        text_in(c["label"], "en"),
                        [aggregate.sums[r["key"]][c["key"]] for r in aggregate.rows],
                    )
                    for c in columns
                ],
            ),
            group_chart=bar_chart(
                [g["label"].replace(" States", "") for g in aggregate.groups],
                [
                    (text_in(c["label"], "en"), [g["sums"][c["key"]] for g in aggregate.groups])
                    for c in columns
                ],
            ),
        )
    return render(request, "surveys/review/table.html", context)


# --- response dashboard -------------------------------------------------------------------------


def timeline_chart(
    timeline: Sequence[tuple[datetime.date, int]],
    *,
    total: int,
    marks: Sequence[tuple[str, datetime.date]],
    width: int = 680,
    height: int = 260,
) -> dict[str, Any]:
    """Geometry of a step line of replies received over time, with dated vertical marks."""
    left, right, top, bottom = 44, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = timeline[0][0], timeline[-1][0]
    days = max(1, (last - first).days)
    top_value = _nice_ceiling(max(total, 1))

    def x(day: datetime.date) -> float:
        return round(left + plot_w * (day - first).days / days, 1)

    def y(count: int) -> float:
        return round(top + plot_h - plot_h * count / top_value, 1)

    points: list[str] = []
    previous = None
    for day, count in timeline:
        if previous is not None and count != previous:
            points.append(f"{x(day)},{y(previous)}")
        points.append(f"{x(day)},{y(count)}")
        previous = count
    months = []
    day = first.replace(day=1)
    while day <= last:
        if day >= first:
            months.append({"x": x(day), "label": day.strftime("%b %Y")})
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    if len(months) > 8:
        months = months[:: (len(months) + 7) // 8]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "points": " ".join(points),
        "total_y": y(total),
        "total": total,
        "ticks": [{"y": y(value), "label": value} for value in tick_values(top_value)],
        "marks": [
            {"x": x(day), "label": label, "date": day}
            for label, day in marks
            if first <= day <= last
        ],
        "months": months,
        "label_y": height - 14,
    }


@require_GET
@review_access
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Replies received over time against the deadline and the cut-off; who has not replied."""
    questionnaire = get_object_or_404(questionnaires_visible_to(request.user), pk=pk)
    data = exports.response_dashboard(questionnaire)
    chart = (
        timeline_chart(
            data.timeline,
            total=data.recipients,
            marks=[("Deadline", questionnaire.deadline), ("Cut-off", questionnaire.cutoff)],
        )
        if data.timeline
        else None
    )
    return render(
        request,
        "surveys/review/dashboard.html",
        {"questionnaire": questionnaire, "data": data, "chart": chart},
    )


@require_GET
@review_access
def questionnaire_index(request: HttpRequest) -> HttpResponse:
    """Questionnaires with published replies: the way into dashboards and comparisons."""
    questionnaires = (
        questionnaires_visible_to(request.user)
        .exclude(status=Questionnaire.Status.DRAFT)
        .order_by("-deadline", "title")
    )
    counts = dict(
        Reply.objects.filter(pk__in=search.submitted_replies(request.user).values("pk"))
        .values("questionnaire_id")
        .annotate(replies=Count("pk"))
        .values_list("questionnaire_id", "replies")
    )
    return render(
        request,
        "surveys/review/questionnaires.html",
        {"rows": [(q, counts.get(q.pk, 0)) for q in questionnaires]},
    )


# --- exports -----------------------------------------------------------------------------------


def _job_for(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("requested_by"), pk=pk)
    if not exports.can_download(job, request.user):
        raise Http404
    return job


@require_POST
@review_access
def export_start(request: HttpRequest) -> HttpResponse:
    export_format = request.POST.get("format", "")
    if export_format not in ExportJob.Format.values:
        return HttpResponseBadRequest("Choose CSV, XLSX, JSON or ZIP.")
    job = services.request_export(
        user=request.user,
        options=search.filter_options(request.POST),
        export_format=export_format,
    )
    return redirect("surveys:review-export", pk=job.pk)


@require_GET
@review_access
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx polls the partial until the file is ready or the job failed."""
    job = _job_for(request, pk)
    template = (
        "surveys/review/_export_status.html"
        if getattr(request, "htmx", False)
        else "surveys/review/export.html"
    )
    browse_url = reverse("surveys:reply-browse") + "?" + urlencode(job.options)
    return render(
        request,
        template,
        {"job": job, "browse_url": browse_url, "described": _describe(request, job.options)},
    )


def _describe(request: HttpRequest, options: dict[str, str]) -> list[tuple[str, str]]:
    """The filter of an export in words: labels and chosen values, not URL parameters."""
    form = search.browse(request.user, options, request).form
    described = []
    for name, value in options.items():
        if name not in form.fields or name == "sort":
            continue
        field = form.fields[name]
        shown = value
        if name == "questionnaire":
            found = Questionnaire.objects.filter(pk=value).values_list("title", flat=True).first()
            shown = found or value
        else:
            shown = str(dict(getattr(field, "choices", [])).get(value, value))
        described.append((str(field.label or name), shown))
    return described


@require_GET
@review_access
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = ExportJob.objects.filter(requested_by=request.user).order_by("-created_at")[:50]
    return render(request, "surveys/review/exports.html", {"jobs": jobs})


@require_GET
@review_access
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.SUCCEEDED or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file_name or job.file.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
