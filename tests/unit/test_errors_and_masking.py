from __future__ import annotations

import io
import json
import logging

from paperlane import errors
from paperlane.observability import logger, mask_pii


def test_error_names_map_to_stable_codes() -> None:
    assert errors.code_for_error_name("PdfEncrypted") == "PDF_ENCRYPTED"
    assert errors.code_for_error_name("NotPdf") == "NOT_PDF"
    assert errors.code_for_error_name("States.Timeout") == "TIMEOUT"
    assert errors.code_for_error_name("Sandbox.Timedout") == "TIMEOUT"
    assert errors.code_for_error_name("Runtime.ExitError") == "PROCESS_CRASHED"
    assert errors.code_for_error_name("KeyError") == "INTERNAL_ERROR"


def test_document_error_codes_are_unique() -> None:
    classes = [
        errors.NotPdf,
        errors.EmptyFile,
        errors.PdfCorrupt,
        errors.PdfEncrypted,
        errors.TooLarge,
        errors.TooManyPages,
        errors.OcrUnavailable,
        errors.ExtractionFailed,
    ]
    assert len({c.code for c in classes}) == len(classes)


def test_identity_and_phone_numbers_never_reach_logs() -> None:
    masked = mask_pii(
        {
            "note": "PAN BQXPG0379P, Aadhaar 2884 2879 7116, phone +91 9762169761",
            "list": ["288428797116", "Aadhaar 4973-1240-5876"],
        }
    )
    text = str(masked)
    for secret in ("BQXPG0379P", "2884 2879 7116", "9762169761", "288428797116", "1240"):
        assert secret not in text
    assert "PAN" in text


def test_the_logger_masks_whatever_it_is_given() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        logger.error("buyer PAN BQXPG0379P", extra={"phone": "9762169761"})
    finally:
        logger._logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert "BQXPG0379P" not in line["message"] and line["message"].startswith("buyer PAN")
    assert line["phone"] == "##########"
