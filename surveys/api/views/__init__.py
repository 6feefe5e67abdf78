"""The surveys API by area: ``respondents`` (the registry, UN-style lists), ``questionnaires``
(authoring and dispatch), ``replies`` (answers, files, submission, review)."""
