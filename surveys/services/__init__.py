"""Writes of the surveys app, one module per part of the cycle.

``respondents`` the registry · ``authoring`` questionnaires · ``dispatch`` recipients,
nominations, e-mail and reminders · ``replies`` answers, attachments, submissions, revisions.
"""

from .respondents import (
    create_respondent,
    load_reference_respondents,
    update_respondent,
)

__all__ = ["create_respondent", "load_reference_respondents", "update_respondent"]
