from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("respondents", views.RespondentViewSet, basename="respondent")

urlpatterns = [
    path("respondents/format/", views.FormatListView.as_view(), name="respondent-format"),
    *router.urls,
]
