"""Addresses of surveys that sit outside its namespace, as they always have (``audit-trail``,
``activate``): included by the project's URLs by name, so that the shell imports no app."""

from django.urls import path

from .questionnaires.views import people
from .respondents.audit import audit_trail

urlpatterns = [
    path("audit/", audit_trail, name="audit-trail"),
    path("accounts/activate/<str:token>/", people.activate, name="activate"),
]
