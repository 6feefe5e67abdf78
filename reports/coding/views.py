"""Pages of the coding work: a reply beside the report's attribution sets, set pages, the
consistency report and the sources of a footnote.  Secretariat only; thin over
``reports.coding.services`` (writes) and ``reports.coding.selectors`` (reads)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.errors import ServiceError
from portal.ids import parse_id
from portal.permissions import secretariat_required
from surveys.models import Respondent, SearchEntry
from surveys.review import search as survey_search

from ..models import AttributionMember, AttributionSet, Evidence, Report, Theme
from . import selectors, services
from .forms import (
    FilePassageForm,
    ManualMemberForm,
    RuleSetForm,
    SearchFileForm,
    SetSourceForm,
    SetThemeForm,
    ThemeForm,
)

LAST_SET = "coding-last-set"
SEARCH_HITS = 20


def _coding_url(report_id: int, respondent_id: Any = None, anchor: str = "", **extra: Any) -> str:
    url = reverse("reports:coding", args=[report_id])
    params = {k: v for k, v in {"respondent": respondent_id, **extra}.items() if v}
    if params:
        url += "?" + urlencode(params)
    return f"{url}#{anchor}" if anchor else url


def _errors(error: ServiceError) -> str:
    return " ".join(error.messages)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _search_hits(report: Report, user: Any, query: str) -> list[dict[str, Any]]:
    """Published answers of the report's replies matching the query (the reviewers' search),
    each with the sentence a filing would take."""
    replies = selectors.report_replies(report)
    entries = (
        survey_search.matching_entries(user=user, query=query)
        .filter(
            reply__in=replies.values("pk"),
            source=SearchEntry.Source.ANSWER,
        )
        .select_related("question", "questionnaire", "respondent")
        .prefetch_related("respondent__names")[:SEARCH_HITS]
    )
    terms = survey_search.search_terms(query)
    return [
        {
            "entry": entry,
            "respondent": survey_search.respondent_name(entry.respondent, report.date),
            "snippet": survey_search.highlight(survey_search.python_headline(entry.text, terms)),
        }
        for entry in entries
    ]


@require_GET
@secretariat_required
def coding_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    replies = selectors.coding_replies(report)
    wanted = request.GET.get("respondent")
    index = next(
        (i for i, r in enumerate(replies) if str(r.respondent_id) == wanted),
        0,
    )
    reply = replies[index] if replies else None
    revision, answers = selectors.reply_answers(report, reply) if reply else (None, [])
    groups, set_count = selectors.coding_sets(report)
    query = request.GET.get("q", "").strip()
    hits = _search_hits(report, request.user, query) if query else []
    last_set = request.session.get(LAST_SET)
    return render(
        request,
        "reports/coding.html",
        {
            "report": report,
            "replies": replies,
            "reply": reply,
            "revision": revision,
            "answers": answers,
            "previous": replies[index - 1] if reply and index > 0 else None,
            "next": replies[index + 1] if reply and index + 1 < len(replies) else None,
            "position": index + 1,
            "groups": groups,
            "set_count": set_count,
            "themes": [theme for theme, _ in groups if theme is not None],
            "query": query,
            "hits": hits,
            "last_set": last_set,
            "respondents": selectors.un_ordered(
                Respondent.objects.prefetch_related("names"), on=report.date
            ),
            "rule_questions": selectors.rule_questions(report),
            "rule_form": RuleSetForm(),
        },
    )


@require_POST
@secretariat_required
def coding_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File the selected passage under a set, or under a new one (``set=new``)."""
    report = get_object_or_404(Report, pk=pk)
    form = FilePassageForm(request.POST)
    respondent = request.POST.get("respondent")
    if not form.is_valid():
        messages.error(request, "Select a passage of an answer first, then choose a set.")
        return redirect(_coding_url(report.pk, respondent))
    data = form.cleaned_data
    reply = selectors.report_replies(report).filter(pk=data["reply"]).first()
    if reply is None:
        messages.error(request, "That reply is not among the replies the report is based on.")
        return redirect(_coding_url(report.pk, respondent))
    anchor = f"q-{data['question']}"
    try:
        passage = services.passage(
            report=report,
            reply=reply,
            question_id=data["question"],
            start=data["start"],
            end=data["end"],
            quote=data["quote"],
        )
        if data["set"] == "new":
            theme = Theme.objects.filter(report=report, pk=data["new_theme"]).first()
            evidence = services.file_passage_in_new_set(
                report=report,
                key=(data["new_key"] or "").strip(),
                statement=(data["new_statement"] or "").strip(),
                passage=passage,
                theme=theme,
                by=request.user,
            )
        else:
            attribution_set = get_object_or_404(
                AttributionSet, pk=parse_id(data["set"]) or 0, report=report
            )
            evidence = services.file_passage(
                attribution_set=attribution_set, passage=passage, by=request.user
            )
    except ServiceError as error:
        messages.error(request, _errors(error))
        return redirect(_coding_url(report.pk, reply.respondent_id, anchor))
    key = evidence.member.attribution_set.key
    request.session[LAST_SET] = evidence.member.attribution_set_id
    messages.success(request, f"Filed under {key}: “{_clip(evidence.quote)}”.")
    return redirect(_coding_url(report.pk, reply.respondent_id, anchor))


@require_POST
@secretariat_required
def coding_search_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File a search hit in one step: the sentence holding the first word searched for."""
    report = get_object_or_404(Report, pk=pk)
    form = SearchFileForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the set to file the passage under.")
        return redirect(_coding_url(report.pk))
    data = form.cleaned_data
    back = _coding_url(report.pk, request.POST.get("respondent"), "search", q=data["q"])
    reply = selectors.report_replies(report).filter(pk=data["reply"]).first()
    attribution_set = AttributionSet.objects.filter(report=report, pk=data["set"]).first()
    if reply is None or attribution_set is None:
        messages.error(request, "That reply or set is not part of this report.")
        return redirect(back)
    try:
        passage = services.hit_passage(
            report=report, reply=reply, question_id=data["question"], query=data["q"]
        )
        evidence = services.file_passage(
            attribution_set=attribution_set, passage=passage, by=request.user
        )
    except ServiceError as error:
        messages.error(request, _errors(error))
        return redirect(back)
    request.session[LAST_SET] = attribution_set.pk
    messages.success(
        request,
        f"Filed under {attribution_set.key}: {reply.respondent}, “{_clip(evidence.quote)}”.",
    )
    return redirect(back)


@require_POST
@secretariat_required
def coding_rule_set(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    form = RuleSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A rule-based set needs a key, a statement, a question and values.")
        return redirect(_coding_url(report.pk, request.POST.get("respondent"), "rules"))
    theme = Theme.objects.filter(report=report, pk=form.cleaned_data["theme"]).first()
    try:
        attribution_set = services.create_set(
            report=report,
            key=form.cleaned_data["key"].strip(),
            statement=form.cleaned_data["statement"].strip(),
            theme=theme,
            rule=form.rule(),
        )
    except ServiceError as error:
        messages.error(request, _errors(error))
        return redirect(_coding_url(report.pk, request.POST.get("respondent"), "rules"))
    count = attribution_set.members.count()
    messages.success(request, f"Set {attribution_set.key} created with {count} member(s).")
    return redirect("reports:set-detail", attribution_set.pk)


@require_POST
@secretariat_required
def coding_sync(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    result = services.sync_rule_sets(report=report)
    messages.success(
        request,
        f"Rule-based sets in step with the replies: {result.added} member(s) added, "
        f"{result.removed} removed, {result.updated} updated.",
    )
    return redirect(request.POST.get("next") or _coding_url(report.pk))


@require_POST
@secretariat_required
def coding_themes_from_sections(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    themes = services.themes_from_sections(report=report)
    messages.success(request, f"{len(themes)} theme(s) mirror the report's sections.")
    return redirect(_coding_url(report.pk, request.POST.get("respondent")))


@require_POST
@secretariat_required
def coding_theme_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.create_theme(report=report, title=form.cleaned_data["title"])
        except ServiceError as error:
            messages.error(request, _errors(error))
    else:
        messages.error(request, "A theme needs a title.")
    return redirect(_coding_url(report.pk, request.POST.get("respondent")))


# --- one set -----------------------------------------------------------------------------------


@secretariat_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A set's members, each with the passages (or answer, or note) behind it."""
    attribution_set = get_object_or_404(
        AttributionSet.objects.select_related("report", "theme"), pk=pk
    )
    report = attribution_set.report
    members = selectors.set_sources(attribution_set)
    return render(
        request,
        "reports/set_detail.html",
        {
            "report": report,
            "set": attribution_set,
            "members": members,
            "themes": Theme.objects.filter(report=report),
            "rule_text": selectors.rule_text(attribution_set),
            "respondents": selectors.un_ordered(
                Respondent.objects.prefetch_related("names"), on=report.date
            ),
        },
    )


@require_POST
@secretariat_required
def set_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    attribution_set = get_object_or_404(AttributionSet, pk=pk)
    form = ManualMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the respondent and say where the information comes from.")
    else:
        try:
            member = services.add_manual_member(
                attribution_set=attribution_set,
                respondent_id=form.cleaned_data["respondent"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"{member.respondent} is a member, with your note.")
    return redirect(request.POST.get("next") or reverse("reports:set-detail", args=[pk]))


@require_POST
@secretariat_required
def set_theme(request: HttpRequest, pk: int) -> HttpResponse:
    attribution_set = get_object_or_404(AttributionSet, pk=pk)
    form = SetThemeForm(request.POST)
    theme = None
    if form.is_valid() and form.cleaned_data["theme"]:
        theme = get_object_or_404(
            Theme, pk=form.cleaned_data["theme"], report_id=attribution_set.report_id
        )
    services.update_set(attribution_set=attribution_set, theme=theme)
    return redirect(request.POST.get("next") or reverse("reports:set-detail", args=[pk]))


@require_POST
@secretariat_required
def set_source(request: HttpRequest, pk: int) -> HttpResponse:
    """State (or clear) a source other than replies the set's members are cited from."""
    attribution_set = get_object_or_404(AttributionSet, pk=pk)
    form = SetSourceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say the source in 300 characters at most.")
    else:
        try:
            services.update_set(attribution_set=attribution_set, source=form.cleaned_data["source"])
        except ServiceError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(
                request,
                "Source stated: members without a reply are cited on purpose."
                if attribution_set.source
                else "No source other than replies: every member needs a reply.",
            )
    return redirect("reports:set-detail", pk)


@require_POST
@secretariat_required
def set_sync(request: HttpRequest, pk: int) -> HttpResponse:
    attribution_set = get_object_or_404(AttributionSet, pk=pk)
    result = services.sync_rule_set(attribution_set=attribution_set)
    messages.success(
        request,
        f"In step with the replies: {result.added} added, {result.removed} removed, "
        f"{result.updated} updated.",
    )
    return redirect("reports:set-detail", pk)


@require_POST
@secretariat_required
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(AttributionMember.objects.select_related("respondent"), pk=pk)
    set_id = member.attribution_set_id
    name = str(member.respondent)
    services.remove_member(member=member)
    messages.success(request, f"{name} is no longer a member.")
    return redirect("reports:set-detail", set_id)


@require_POST
@secretariat_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("member"), pk=pk)
    set_id = evidence.member.attribution_set_id
    services.remove_evidence(evidence=evidence)
    messages.success(request, "Passage removed; the member stays until you remove it.")
    return redirect("reports:set-detail", set_id)


# --- consistency and traceability --------------------------------------------------------------


@require_GET
@secretariat_required
def consistency_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    gate = selectors.consistency_gate(report)
    return render(request, "reports/consistency.html", {"report": report, "gate": gate})


@require_GET
@secretariat_required
def footnote_evidence(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Per respondent, the passages behind footnote ``number`` (a panel for htmx, else a page)."""
    report = get_object_or_404(Report, pk=pk)
    found = selectors.footnote_sources(report, number)
    if found is None:
        raise Http404("The report has no such footnote.")
    text, sets = found
    context = {"report": report, "number": number, "text": text, "sets": sets}
    template = "reports/_footnote_sources.html" if request.htmx else "reports/footnote.html"
    return render(request, template, context)
