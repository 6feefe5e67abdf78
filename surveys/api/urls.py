from django.urls import path

from portal.routers import Router

from . import views

router = Router()
router.register("respondents", views.RespondentViewSet, basename="respondent")
router.register("questionnaires", views.QuestionnaireViewSet, basename="questionnaire")
router.register("sections", views.SectionViewSet, basename="section")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("replies", views.ReplyViewSet, basename="reply")

urlpatterns = [
    path("respondents/format/", views.FormatListView.as_view(), name="respondent-format"),
    *router.urls,
]
