"""Scheduled downloads: web pages and PDFs fetched on an EventBridge schedule, the third way in.

- ``sources``: the ``Source`` model (a URL, a profile, limits) and what one run reports;
- ``guard``: which URLs may be fetched (the webhooks' SSRF guard, applied to every hop and link);
- ``links``: the PDF links of an HTML page;
- ``download``: one capped, guarded GET that follows a few redirects;
- ``run``: a source's run: download, skip what is known, store the rest under ``inbox/``.

Downloaded PDFs take the same path as dropped files: ``inbox/<profile>/web/<source_id>/...`` ->
EventBridge -> SQS -> intake, which gives their jobs the origin ``download``.
"""
