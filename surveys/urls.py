from django.urls import path

from . import urls_review, urls_secretariat, urls_workspace, views

app_name = "surveys"

urlpatterns = [
    path("respondents/", views.respondent_list, name="respondent-list"),
    path("respondents/<id:pk>/", views.respondent_detail, name="respondent-detail"),
    *urls_secretariat.urlpatterns,
    *urls_workspace.urlpatterns,
    *urls_review.urlpatterns,
]
