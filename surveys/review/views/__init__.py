"""The reviewer workspace, by what the reviewer does: browse and read replies, search, compare
and tabulate answers, follow the response dashboard, export.

Reviewers and the secretariat may open every page here (``review_access``, the policy's
``review.read``); anyone else gets 403. Pages read only what is published (the last submitted
revision of a reply, restricted answers left out), through ``search`` and ``exports`` of the
``review`` package; the charts are SVG drawn by the templates from ``charts``.
"""
