"""The documents bucket: originals under inbox/, work files under work/, results under results/."""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from paperlane.errors import NotFound, TransientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

INBOX = "inbox/"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A file name fit for an S3 key: no path, ASCII, no spaces. Never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _SAFE.sub("_", ascii_name).strip("._")[:120]
    return cleaned or "document.pdf"


def upload_key(job_id: str, filename: str) -> str:
    return f"{INBOX}{job_id}/{safe_filename(filename)}"


def manifest_key(job_id: str) -> str:
    return f"work/{job_id}/manifest.json"


def normalized_key(job_id: str) -> str:
    return f"work/{job_id}/document.pdf"


def chunk_key(job_id: str, chunk: int) -> str:
    return f"work/{job_id}/chunks/{chunk:05d}.json"


def words_key(job_id: str, chunk: int) -> str:
    return f"work/{job_id}/words/{chunk:05d}.json"


def ocr_key(job_id: str, page: int) -> str:
    return f"work/{job_id}/ocr/{page:05d}.json"


def result_key(job_id: str) -> str:
    return f"results/{job_id}/result.json"


def extracted_key(job_id: str) -> str:
    """The LLM stage's extraction, which Finalize stores instead of running the profile again."""
    return f"work/{job_id}/extracted.json"


class _ByteCache:
    """A small LRU of immutable objects, bounded by total size."""

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str], value: bytes) -> None:
        if len(value) > self._max:
            return
        with self._lock:
            self._items[key] = value
            while sum(len(v) for v in self._items.values()) > self._max:
                self._items.popitem(last=False)


_documents = _ByteCache(max_bytes=256 * 1024 * 1024)


class DocumentStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self.bucket = bucket

    def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str = "application/pdf",
        metadata: dict[str, str] | None = None,
    ) -> None:
        self._call(
            self._s3.put_object,
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            Metadata=metadata or {},
        )

    def get_bytes(self, key: str) -> bytes:
        resp = self._call(self._s3.get_object, Bucket=self.bucket, Key=key)
        return resp["Body"].read()  # type: ignore[no-any-return]

    def get_document(self, key: str) -> bytes:
        """A PDF that never changes once written (originals and their decrypted copies are keyed by
        content), cached in this process: a warm worker reading several chunks of one document
        downloads it once."""
        cached = _documents.get((self.bucket, key))
        if cached is None:
            cached = self.get_bytes(key)
            _documents.put((self.bucket, key), cached)
        return cached

    def head(self, key: str) -> dict[str, Any]:
        resp = self._call(self._s3.head_object, Bucket=self.bucket, Key=key)
        return {
            "size": resp["ContentLength"],
            "metadata": resp.get("Metadata", {}),
            "content_type": resp.get("ContentType", ""),
        }

    def put_json(self, key: str, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        self.put_bytes(key, body, content_type="application/json")

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key))

    def exists(self, key: str) -> bool:
        try:
            self._call(self._s3.head_object, Bucket=self.bucket, Key=key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove an object (absent is fine: S3 deletes are idempotent)."""
        self._call(self._s3.delete_object, Bucket=self.bucket, Key=key)

    def presigned_post(
        self, key: str, *, max_bytes: int, expires: int, fields: dict[str, str]
    ) -> dict[str, Any]:
        conditions: list[Any] = [
            ["content-length-range", 1, max_bytes],
            ["starts-with", "$Content-Type", "application/pdf"],
        ]
        conditions += [{k: v} for k, v in fields.items()]
        return self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={**fields, "Content-Type": "application/pdf"},
            Conditions=conditions,
            ExpiresIn=expires,
        )

    def presigned_get(self, key: str, *, expires: int = 900) -> str:
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
        )

    @staticmethod
    def _call(method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise NotFound(f"s3://{kwargs['Bucket']}/{kwargs['Key']} does not exist.") from exc
            if code in ("SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError"):
                raise TransientError(f"S3 answered {code}; the step will be retried.") from exc
            raise
