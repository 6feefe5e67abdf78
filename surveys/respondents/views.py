from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .filters import RespondentFilter


def respondent_list(request: HttpRequest) -> HttpResponse:
    """The registry, in UN order, filterable; every signed-in person may read it."""
    filterset = RespondentFilter(request.GET, queryset=selectors.respondents_in_un_order())
    page = Paginator(filterset.qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/respondent_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def respondent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    respondent = get_object_or_404(selectors.respondents(), pk=pk)
    return render(request, "surveys/respondent_detail.html", {"respondent": respondent})
