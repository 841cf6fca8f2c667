"""The pipeline's stages, one function per Lambda task. Inputs and outputs are small: keys and indexes."""

from __future__ import annotations

from itertools import islice
from typing import Any

from pydantic import BaseModel, Field

from paperlane import profiles
from paperlane.config import OcrSettings, PipelineSettings
from paperlane.errors import DocumentError, PaperlaneError, TooLarge, code_for_error_name
from paperlane.jobs import JobError, Stage
from paperlane.observability import logger
from paperlane.pipeline import chunks
from paperlane.pipeline.context import Stores
from paperlane.pipeline.manifest import Manifest, plan_chunks
from paperlane.profiles.base import ProfileResult
from paperlane.storage import documents as keys
from paperlane.storage.records import RecordQuery


class JobCancelled(PaperlaneError):
    code = "CANCELLED"


class PrepareOutput(BaseModel):
    job_id: str
    manifest_key: str
    chunks: list[int]


class ChunkInput(BaseModel):
    job_id: str
    manifest_key: str
    chunk: int


class ChunkOutput(BaseModel):
    chunk: int
    pages: int
    needs_ocr: int


class FinalizeInput(BaseModel):
    job_id: str
    manifest_key: str


def prepare(stores: Stores, settings: PipelineSettings, job_id: str) -> PrepareOutput:
    from paperlane.pdf.inspect import PdfLimits, inspect_pdf  # PyMuPDF: pipeline functions only

    if not stores.jobs.mark_running(job_id, Stage.PREPARE):
        raise JobCancelled(f"Job {job_id} is no longer queued or running.")
    job = stores.jobs.get(job_id)
    size = int(stores.documents.head(job.source_key)["size"])
    if size > settings.max_file_bytes:
        raise TooLarge(
            f"The file is {size:,} bytes; the limit is {settings.max_file_bytes:,} bytes. "
            "Split the PDF or raise MAX_FILE_BYTES."
        )
    data = stores.documents.get_bytes(job.source_key)
    info, normalized = inspect_pdf(
        data,
        limits=PdfLimits(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages),
        password=stores.jobs.password(job_id),
    )
    document_key = job.source_key
    if normalized is not None:
        document_key = keys.normalized_key(job_id)
        stores.documents.put_bytes(document_key, normalized)
    manifest = Manifest(
        job_id=job_id,
        profile=job.profile,
        options=job.options,
        document_key=document_key,
        backend=info.backend,
        page_count=info.page_count,
        chunks=plan_chunks(info.page_count, settings.chunk_pages, settings.text_max_concurrency),
    )
    manifest_key = keys.manifest_key(job_id)
    stores.documents.put_json(manifest_key, manifest.model_dump(mode="json"))
    # A re-run must not finalize an earlier run's LLM extraction.
    stores.documents.delete(keys.extracted_key(job_id))
    stores.jobs.set_stage(job_id, Stage.TEXT, page_count=info.page_count)
    logger.info(
        "Prepared",
        extra={
            "job_id": job_id,
            "pages": info.page_count,
            "chunks": len(manifest.chunks),
            "repaired": info.repaired,
            "encrypted": info.encrypted,
        },
    )
    return PrepareOutput(job_id=job_id, manifest_key=manifest_key, chunks=[c.index for c in manifest.chunks])


def extract_chunk(stores: Stores, request: ChunkInput) -> ChunkOutput:
    from paperlane.pdf.text import extract_pages

    manifest = Manifest.model_validate(stores.documents.get_json(request.manifest_key))
    chunk = manifest.chunks[request.chunk]
    data = stores.documents.get_document(manifest.document_key)
    pages = extract_pages(data, chunk.first_page, chunk.last_page, backend=manifest.backend)
    chunks.write(stores.documents, request.job_id, chunk.index, pages)
    needs_ocr = sum(1 for p in pages if p.needs_ocr)
    stores.jobs.add_pages(request.job_id, done=len(pages), needing_ocr=needs_ocr)
    return ChunkOutput(chunk=chunk.index, pages=len(pages), needs_ocr=needs_ocr)


class OcrPlan(BaseModel):
    pages: list[int]
    count: int
    # Whether the LLM stage runs: the profile can use one and a backend is configured.
    llm: bool = False


class OcrPageInput(BaseModel):
    job_id: str
    manifest_key: str
    page: int = Field(ge=1)


class OcrPageOutput(BaseModel):
    page: int
    words: int
    confidence: float | None
    error: str | None = None


def plan_ocr(stores: Stores, request: FinalizeInput, llm_backend: str = "none") -> OcrPlan:
    """The pages without a usable text layer (only their numbers travel in the state), and whether the
    LLM stage follows."""
    manifest = Manifest.model_validate(stores.documents.get_json(request.manifest_key))
    todo = [p.page for p in chunks.read(stores.documents, manifest, words=False) if p.needs_ocr]
    if not stores.jobs.set_stage(request.job_id, Stage.OCR if todo else Stage.FINALIZE, ocr_pages=len(todo)):
        raise JobCancelled(f"Job {request.job_id} is no longer running.")
    # Custom profiles are the LLM's alone; built-ins use it when they have an assistance.
    uses_llm = not profiles.is_built_in(manifest.profile) or profiles.llm_assistance(manifest.profile)
    llm = llm_backend != "none" and bool(uses_llm)
    return OcrPlan(pages=todo, count=len(todo), llm=llm)


def ocr_page(stores: Stores, settings: OcrSettings, request: OcrPageInput) -> OcrPageOutput:
    """Recognise one page. A page OCR cannot read (no engine, unrenderable) is recorded on the page
    with its code, and the document goes on: one bad page must not cost the others their text."""
    from paperlane.ocr import ocr_page as recognise  # OpenCV, Tesseract: the OCR image only

    manifest = Manifest.model_validate(stores.documents.get_json(request.manifest_key))
    before = chunks.read_meta(stores.documents, manifest, request.page)
    try:
        result = recognise(
            stores.documents.get_document(manifest.document_key),
            request.page,
            width=before.width,
            height=before.height,
            languages=settings.ocr_languages,
            dpi=settings.ocr_dpi,
            engine=settings.ocr_engine,
        )
        page = result.page.model_copy(update={"confidence": result.mean_confidence})
    except DocumentError as exc:
        logger.warning("OCR failed on a page", extra={"job_id": request.job_id, "code": exc.code})
        page = before.model_copy(update={"ocr_error": {"code": exc.code, "message": exc.message}})
    chunks.write_ocr(stores.documents, request.job_id, page)
    stores.jobs.add_ocr_page(request.job_id)
    error = page.ocr_error["code"] if page.ocr_error else None
    return OcrPageOutput(page=request.page, words=len(page.words), confidence=page.confidence, error=error)


def finalize(stores: Stores, request: FinalizeInput) -> dict[str, Any]:
    if not stores.jobs.set_stage(request.job_id, Stage.FINALIZE):
        raise JobCancelled(f"Job {request.job_id} is no longer running.")
    manifest = Manifest.model_validate(stores.documents.get_json(request.manifest_key))
    job = stores.jobs.get(request.job_id)
    extracted = keys.extracted_key(job.job_id)
    if stores.documents.exists(extracted):
        result = ProfileResult.model_validate(stores.documents.get_json(extracted))
    else:
        profile = profiles.resolve(manifest.profile, stores.profiles.spec, manifest.options)
        profiles.use_runtime_data(manifest.profile, stores.aliases.mapping)
        result = profile.extract(chunks.read(stores.documents, manifest, words=profile.needs_words))
    result = profiles.cross_document(
        manifest.profile, result, lambda day: _other_games_on(stores, manifest.profile, job.job_id, day)
    )
    for kind, rows in result.records.items():
        stores.records.replace(job.job_id, job.profile, job.created_at, kind, rows, owner=job.owner)
    key = keys.result_key(job.job_id)
    ocr = _ocr_outputs(stores, manifest) if job.ocr_pages_total else {}
    summary = result.summary | {name: value for name, value in ocr.items() if value}
    output = {**result.output, "ocr_confidence": None, "searchable_pdf": False, **ocr}
    stores.documents.put_json(key, {"job_id": job.job_id, "profile": job.profile, **output})
    stores.jobs.complete(job.job_id, result_key=key, summary=summary)
    logger.info("Completed", extra={"job_id": job.job_id, **summary})
    return {"job_id": job.job_id, "status": "completed", "result_key": key}


# Cross-document checks read at most this many records of other documents per day.
_MAX_OTHERS_PER_DAY = 2000


def _other_games_on(stores: Stores, profile: str, job_id: str, day: str) -> list[dict[str, Any]]:
    """Other documents' records dated ``day`` (the records table's date index), with their job id."""
    found = stores.records.select(RecordQuery(profile=profile, kind="game", date=day))
    return [{**r, "job_id": r["pk"]} for r in islice(found, _MAX_OTHERS_PER_DAY) if r["pk"] != job_id]


# --- OCR outputs of a job: its searchable PDF and mean OCR confidence --------------------------------


def _ocr_outputs(stores: Stores, manifest: Manifest) -> dict[str, Any]:
    """For a job whose pages went through OCR: ``searchable_pdf`` (the original with the OCR words as an
    invisible text layer, written to ``results/<job>/searchable.pdf`` when any word was read) and
    ``ocr_confidence``, the mean of the OCR'd pages' confidences (None when none has one)."""
    from paperlane.ocr import searchable  # PyMuPDF: pipeline functions only

    read = [p for p in chunks.read(stores.documents, manifest, words=False) if p.source == "ocr"]
    ocr_pages = [chunks.read_ocr(stores.documents, manifest.job_id, p.page, words=True) for p in read]
    pages = [p for p in ocr_pages if p is not None]
    confidences = [p.confidence for p in pages if p.confidence is not None]
    words = {p.page: p.words for p in pages if p.words}
    if words:
        original = stores.documents.get_document(manifest.document_key)
        stores.documents.put_bytes(searchable.key(manifest.job_id), searchable.build(original, words))
    return {
        "ocr_confidence": round(sum(confidences) / len(confidences), 1) if confidences else None,
        "searchable_pdf": bool(words),
    }


def llm_extract(stores: Stores, request: FinalizeInput) -> dict[str, Any]:
    """Rules, then the LLM where they fell short; the result waits in S3 for Finalize. A model that is
    down raises ModelUnavailable (a TransientError), which the state machine retries after a pause."""
    if not stores.jobs.set_stage(request.job_id, Stage.FINALIZE):
        raise JobCancelled(f"Job {request.job_id} is no longer running.")
    manifest = Manifest.model_validate(stores.documents.get_json(request.manifest_key))
    profile = profiles.resolve(manifest.profile, stores.profiles.spec, manifest.options)
    assistance = profiles.llm_assistance(manifest.profile)
    pages = chunks.read(stores.documents, manifest, words=profile.needs_words)
    profiles.use_runtime_data(manifest.profile, stores.aliases.mapping)
    result = profile.extract(pages)
    if assistance is not None:
        result = assistance(pages, result)
    stores.documents.put_json(keys.extracted_key(request.job_id), result.model_dump(mode="json"))
    usage = {"llm_calls": 0, **{k: v for k, v in result.summary.items() if k.startswith("llm_")}}
    logger.info("LLM stage done", extra={"job_id": request.job_id, **usage})
    return {"job_id": request.job_id, **usage}


def record_failure(stores: Stores, job_id: str, error: dict[str, Any]) -> dict[str, str]:
    """Turn a Step Functions error ({Error, Cause}) into the job's stable code and message."""
    name = str(error.get("Error", ""))
    code = code_for_error_name(name)
    message = _message_from_cause(error.get("Cause"))
    if code == PaperlaneError.code:
        # Never show internals (stack traces, class names) to users: log them, store a generic message.
        logger.error("Pipeline step failed unexpectedly", extra={"job_id": job_id, "error_name": name})
        message = "An internal error stopped this document. It has been logged; the original file is kept."
    stores.jobs.fail(job_id, JobError(code=code, message=message))
    return {"job_id": job_id, "code": code, "message": message}


def _message_from_cause(cause: Any) -> str:
    import json

    if isinstance(cause, str):
        try:
            parsed = json.loads(cause)
        except ValueError:
            return cause[:1000]
        if isinstance(parsed, dict):
            return str(parsed.get("errorMessage", ""))[:1000]
    return ""
