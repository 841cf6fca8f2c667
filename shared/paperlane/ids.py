"""Identifiers. A job is its content plus its profile: the same file twice is one job."""

from __future__ import annotations

import hashlib
import re
import secrets

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
_BATCH_ID = re.compile(r"^b-[0-9a-z]{6,40}$")


def job_id_for(sha256_hex: str, profile: str) -> str:
    # 128 bits are plenty against accidental collisions and fit Step Functions' 80-char execution names.
    return hashlib.sha256(f"{sha256_hex}:{profile}".encode()).hexdigest()[:32]


def new_batch_id() -> str:
    return "b-" + secrets.token_hex(8)


def is_job_id(value: str) -> bool:
    return bool(_JOB_ID.match(value))


def is_batch_id(value: str) -> bool:
    return bool(_BATCH_ID.match(value))


def execution_name(job_id: str, attempt: int) -> str:
    """The first run is named by the job id alone; a re-run gets a suffix (names are unique for 90 days)."""
    return job_id if attempt <= 1 else f"{job_id}-r{attempt}"
