"""What a download can fail with. Each code is stable: it is what a source's ``last_error`` shows.

``TOO_LARGE`` (paperlane.errors.TooLarge) is shared with the pipeline: a file above MAX_FILE_BYTES.
"""

from __future__ import annotations

from paperlane.errors import PaperlaneError


class FetchError(PaperlaneError):
    """A source or one of its links could not be downloaded."""

    http_status = 422


class FetchFailed(FetchError):
    """The network or the server failed: no answer, a timeout, an HTTP error status, too many redirects."""

    code = "FETCH_FAILED"


class FetchRefused(FetchError):
    """The URL may not be fetched: not http(s), credentials in it, or a private or metadata address."""

    code = "FETCH_REFUSED"


class FetchNotPdf(FetchError):
    """The answer is neither a PDF nor an HTML page that links PDFs."""

    code = "FETCH_NOT_PDF"


class UnknownProfile(FetchError):
    """The source's profile was removed since the source was saved."""

    code = "UNKNOWN_PROFILE"


class OutOfTime(FetchError):
    """The invocation neared its end (Lambda's Timeout) before this source or link got its turn."""

    code = "TIMEOUT"
