from __future__ import annotations

from paperlane.pipeline.intake import InboxKey
from paperlane.storage.documents import safe_filename


def test_upload_keys_name_their_job() -> None:
    key = InboxKey.parse("inbox/" + "a" * 32 + "/coupon.pdf")
    assert key.job_id == "a" * 32
    assert key.filename == "coupon.pdf"


def test_drop_folder_keys_may_name_a_profile() -> None:
    assert InboxKey.parse("inbox/generic/report.pdf").profile == "generic"
    plain = InboxKey.parse("inbox/scans/2026/report.pdf")
    assert plain.profile is None
    assert plain.filename == "report.pdf"


def test_presigned_keys_carry_profile_and_batch() -> None:
    key = InboxKey.parse("inbox/generic/b-0123456789abcdef/big.pdf")
    assert (key.profile, key.batch_id, key.filename) == ("generic", "b-0123456789abcdef", "big.pdf")


def test_filenames_are_made_safe_for_keys() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\Relevé n°3.pdf") == "Releve_n3.pdf"
    assert safe_filename("...") == "document.pdf"
