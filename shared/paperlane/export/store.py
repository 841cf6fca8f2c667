"""Large exports in the documents bucket, under exports/<id>/<filename>, served by presigned GET URLs."""

from __future__ import annotations

import json
import uuid
from typing import IO, TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from paperlane.errors import TransientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX = "exports/"
_TRANSIENT = ("SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError")


def export_key(filename: str, export_id: str | None = None) -> str:
    return f"{PREFIX}{export_id or uuid.uuid4().hex}/{filename}"


def disposition(filename: str) -> str:
    # Filenames come from filters.filename(): ASCII, no quotes.
    return f'attachment; filename="{filename}"'


class ExportStore:
    def __init__(self, client: S3Client, bucket: str, *, signer: S3Client | None = None) -> None:
        self._s3 = client
        # Presigned URLs are signed for the address clients reach (the local stack's endpoint).
        self._signer = signer or client
        self.bucket = bucket

    def upload(self, key: str, body: IO[bytes], *, content_type: str, filename: str) -> None:
        """Managed (multipart above 8 MB) upload from a file: the export is never held in memory."""
        extra = {"ContentType": content_type, "ContentDisposition": disposition(filename)}
        try:
            self._s3.upload_fileobj(body, self.bucket, key, ExtraArgs=extra)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _TRANSIENT:
                raise TransientError("S3 is busy; try the export again.") from exc
            raise

    def put_json(self, key: str, data: dict[str, Any]) -> None:
        try:
            self._s3.put_object(
                Bucket=self.bucket, Key=key, Body=json.dumps(data).encode(), ContentType="application/json"
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _TRANSIENT:
                raise TransientError("S3 is busy; try again.") from exc
            raise

    def get_json(self, key: str) -> dict[str, Any] | None:
        """The object's JSON, or None when there is none (an unknown or expired export)."""
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        data: dict[str, Any] = json.loads(body)
        return data

    def url(self, key: str, filename: str, *, expires: int) -> str:
        return self._signer.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key, "ResponseContentDisposition": disposition(filename)},
            ExpiresIn=expires,
        )
