from portal.routers import Router

from . import views

router = Router()
router.register("reports", views.ReportViewSet, basename="report")
router.register("report-sections", views.ReportSectionViewSet, basename="report-section")
router.register("report-paragraphs", views.ReportParagraphViewSet, basename="report-paragraph")
router.register("attribution-sets", views.AttributionSetViewSet, basename="attribution-set")
router.register(
    "attribution-members", views.AttributionMemberViewSet, basename="attribution-member"
)
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("builds", views.BuildViewSet, basename="build")

urlpatterns = router.urls
