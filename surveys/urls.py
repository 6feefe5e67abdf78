from django.urls import path

from .questionnaires import urls as questionnaires
from .replies import urls as replies
from .respondents import views as respondents
from .review import urls as review

app_name = "surveys"

urlpatterns = [
    path("respondents/", respondents.respondent_list, name="respondent-list"),
    path("respondents/<id:pk>/", respondents.respondent_detail, name="respondent-detail"),
    *questionnaires.urlpatterns,
    *replies.urlpatterns,
    *review.urlpatterns,
]
