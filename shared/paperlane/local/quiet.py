"""Keep the local stack's console readable: moto's interpreter logs every caught error at ERROR."""

from __future__ import annotations

import logging


def quiet_logs(level: str = "WARNING") -> None:
    from paperlane.observability import logger

    for name in ("moto", "werkzeug", "botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    logger.setLevel(level)
