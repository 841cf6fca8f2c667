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


def test_downloader_keys_say_download_and_name_their_profile() -> None:
    key = InboxKey.parse("inbox/sale_deed/web/city-notices/0123456789abcdef/Deed 12.pdf")
    assert (key.profile, key.origin, key.filename) == ("sale_deed", "download", "Deed 12.pdf")
    # A custom profile is named too (intake checks it exists); a drop folder named "web" is not a download.
    assert InboxKey.parse("inbox/invoices/web/supplier/0a1b/x.pdf").profile == "invoices"
    assert InboxKey.parse("inbox/web/x.pdf").origin == "inbox"
    assert InboxKey.parse("inbox/generic/report.pdf").origin == "inbox"
