from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.errors import ServiceError

from ..forms import ActivationForm
from ..questionnaires import dispatch
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


@login_not_required
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """A nominee opens the link from their activation e-mail and chooses a password."""
    activation = dispatch.activation_for(token)
    form = ActivationForm(request.POST or None)
    if activation is None:
        return render(request, "surveys/activate.html", {"expired": True}, status=410)
    if request.method == "POST" and form.is_valid():
        try:
            user = dispatch.activate(token=token, password=form.cleaned_data["password1"])
        except ServiceError as error:
            form.add_error("password1", error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your access is active. Welcome to Verbale.")
            return redirect("home")
    return render(
        request, "surveys/activate.html", {"form": form, "membership": activation.membership}
    )
