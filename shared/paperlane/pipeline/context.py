"""The stores a stage or route works with, built once per distinct configuration."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from paperlane import aws
from paperlane.config import StoreSettings
from paperlane.storage.aliases import AliasRepository
from paperlane.storage.documents import DocumentStore
from paperlane.storage.jobs import JobRepository
from paperlane.storage.profiles import ProfileRepository
from paperlane.storage.records import RecordRepository
from paperlane.storage.sources import SourceRepository

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


@dataclass(frozen=True)
class Stores:
    jobs: JobRepository
    documents: DocumentStore
    records: RecordRepository
    profiles: ProfileRepository
    aliases: AliasRepository
    sources: SourceRepository

    @property
    def sfn(self) -> SFNClient:
        return aws.stepfunctions()


@lru_cache(maxsize=16)
def _stores(bucket: str, jobs_table: str, records_table: str) -> Stores:
    return Stores(
        jobs=JobRepository(aws.dynamodb(), jobs_table),
        documents=DocumentStore(aws.s3(), bucket),
        records=RecordRepository(aws.dynamodb(), records_table),
        profiles=ProfileRepository(aws.dynamodb(), records_table),
        aliases=AliasRepository(aws.dynamodb(), records_table),
        sources=SourceRepository(aws.dynamodb(), records_table),
    )


def stores(settings: StoreSettings) -> Stores:
    # Keyed by names, not by class: two stacks (or two tests) with other tables get other repositories.
    return _stores(settings.documents_bucket, settings.jobs_table, settings.records_table)


def reset() -> None:
    _stores.cache_clear()
