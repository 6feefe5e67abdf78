"""The response dashboard of a questionnaire and the index of questionnaires."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ...models import Questionnaire, Reply
from ...questionnaires.selectors import questionnaires_visible_to
from .. import exports, search
from .charts import timeline_chart
from .common import review_access

# --- response dashboard -------------------------------------------------------------------------


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
