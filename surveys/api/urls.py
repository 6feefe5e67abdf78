from django.urls import path

from portal.routers import Router

from .views import questionnaires, replies, respondents

router = Router()
router.register("respondents", respondents.RespondentViewSet, basename="respondent")
router.register("questionnaires", questionnaires.QuestionnaireViewSet, basename="questionnaire")
router.register("sections", questionnaires.SectionViewSet, basename="section")
router.register("questions", questionnaires.QuestionViewSet, basename="question")
router.register("replies", replies.ReplyViewSet, basename="reply")

urlpatterns = [
    path("respondents/format/", respondents.FormatListView.as_view(), name="respondent-format"),
    *router.urls,
]
