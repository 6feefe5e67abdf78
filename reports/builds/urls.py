"""Pages of builds (names in the ``reports`` namespace, see ``reports/urls.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/builds/", views.build_list, name="build-list"),
    path("builds/<id:pk>/status/", views.build_status, name="build-status"),
    path("builds/<id:pk>/download/<str:kind>/", views.build_download, name="build-download"),
]
