"""Scheduled downloads on the local stack: sources registered through the API, a web site served from
this machine, the fetch function run as the schedule (or the API) runs it, and the jobs it makes."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from paperlane.api import sources
from paperlane.api.app import create_app
from paperlane.auth.roles import Role
from paperlane.cli.fetch import run_fetch
from paperlane.jobs import Job, JobStatus
from paperlane.local.runner import Run
from paperlane.local.stack import LocalStack
from tests.auth_helpers import bearer, signed_in_client, token
from tests.events import load_event
from tests.integration.conftest import wait_for
from tests.pdfgen import text_pdf

Route = tuple[int, dict[str, str], bytes]


class _Site(BaseHTTPRequestHandler):
    """A web site on 127.0.0.1: paths -> (status, headers, body), set by each test."""

    routes: ClassVar[dict[str, Route]] = {}
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        status, headers, body = self.routes.get(
            self.path, (404, {"Content-Type": "text/plain"}, b"no such page")
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client hung up (a body it would not read)
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def admin(stack: LocalStack) -> Iterator[TestClient]:
    with signed_in_client(stack, "sources-admin", Role.ADMIN) as c:
        yield c


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def _pdf(title: str) -> bytes:
    return text_pdf([f"{title}\nPublished notice {uuid.uuid4().hex}", "Second page"])


def _serve(path: str, body: bytes, content_type: str = "application/pdf", **headers: str) -> None:
    _Site.routes[path] = (200, {"Content-Type": content_type, **headers}, body)


def _jobs_from(run: Run, source_id: str, profile: str = "generic") -> list[Job]:
    prefix = f"inbox/{profile}/web/{source_id}/"
    jobs, cursor = [], None
    while True:
        page = run.stores.jobs.list_jobs(limit=200, cursor=cursor)
        jobs += [j for j in page.items if j.source_key.startswith(prefix)]
        cursor = page.next_cursor
        if not cursor:
            return sorted(jobs, key=lambda j: j.filename)


def _next_of(ws: Any, message_type: str, **match: Any) -> dict[str, Any]:
    """The next message of this type whose data has these values (the "all" topic hears everything)."""
    for _ in range(500):
        msg = json.loads(ws.receive_text())
        if msg["type"] == message_type and all(msg["data"].get(k) == v for k, v in match.items()):
            return msg
    raise AssertionError(f"no {message_type} {match}")


def _invoke(stack: LocalStack, event: dict[str, Any]) -> dict[str, Any]:
    fn = stack.lambdas.get(stack.physical_name("FetchFunction"))
    assert fn is not None
    payload, errored, _ = stack.lambdas.invoke(fn, event)
    assert not errored, payload
    result: dict[str, Any] = json.loads(payload)
    return result


# ---------------------------------------------------------------------------- the whole path


def test_a_page_linking_two_pdfs_makes_two_download_jobs_and_a_second_run_skips_them(
    stack: LocalStack, run: Run, admin: TestClient, site: str
) -> None:
    tag = _tag()
    source_id = f"notices-{tag}"
    _serve(f"/{tag}/docs/first.pdf", _pdf("First notice"))
    _serve(f"/files/{tag}/Second.PDF", _pdf("Second notice"), "application/octet-stream")
    _serve(f"/{tag}/about.html", b"<p>About us</p>", "text/html")
    page = f"""<html><head><title>Notices</title></head><body>
      <h1>Public notices</h1>
      <a href="docs/first.pdf">First (relative)</a>
      <a href="{site}/files/{tag}/Second.PDF">Second (absolute)</a>
      <a href="docs/first.pdf#page=2">First again, page 2</a>
      <a href="about.html">About (not a PDF)</a>
    </body></html>"""
    _serve(f"/{tag}/index.html", page.encode(), "text/html; charset=utf-8")

    access = token(stack, "sources-admin", Role.ADMIN)
    with admin.websocket_connect(f"/ws?token={access}") as ws:
        ws.send_text(json.dumps({"action": "subscribe", "all": True}))
        assert json.loads(ws.receive_text())["type"] == "subscribed"

        created = admin.post(
            "/api/v1/sources", json={"source_id": source_id, "url": f"{site}/{tag}/index.html"}
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert (body["profile"], body["enabled"], body["max_files"]) == ("generic", True, 20)
        assert body["created_by"] == "sources-admin" and body["last_run_at"] is None

        started = admin.post(f"/api/v1/sources/{source_id}/fetch")
        assert started.status_code == 202, started.text
        assert started.json() == {"source_id": source_id, "status": "started", "last_run_at": None}

        # The local stack ran the function before answering: the source shows the run.
        source = admin.get(f"/api/v1/sources/{source_id}").json()
        assert source["last_status"] == "ok", source
        assert (source["last_files"], source["last_skipped"], source["last_error"]) == (2, 0, None)
        assert source["last_run_at"] is not None

        # Two jobs came in through the normal inbox path, from the downloader, and complete.
        jobs = _jobs_from(run, source_id)
        assert [j.filename for j in jobs] == ["Second.PDF", "first.pdf"]
        assert {j.origin for j in jobs} == {"download"} and {j.profile for j in jobs} == {"generic"}
        for job in jobs:
            done = wait_for(run, job.job_id)
            assert done.status is JobStatus.COMPLETED, done.error
        result = run.result(wait_for(run, jobs[1].job_id))
        assert result is not None and "First notice" in result["pages"][0]["text"]

        # Subscribers heard each file turn up (the jobs' inserts), then the download's summary.
        heard: dict[str, dict[str, Any]] = {}
        while len(heard) < 3:
            msg = json.loads(ws.receive_text())
            data = msg["data"]
            if msg["type"] == "file_detected" and data["job_id"] in {j.job_id for j in jobs}:
                heard[data["job_id"]] = data
            elif msg["type"] == "download_completed" and data["source_id"] == source_id:
                heard["completed"] = data
        assert {heard[j.job_id]["filename"]: heard[j.job_id]["source"] for j in jobs} == {
            "Second.PDF": "downloader",
            "first.pdf": "downloader",
        }
        assert heard["completed"] == {
            "source_id": source_id,
            "url": f"{site}/{tag}/index.html",
            "files": 2,
            "skipped": 0,
        }

        # Nothing new the second time: both are skipped, no job is added.
        assert admin.post(f"/api/v1/sources/{source_id}/fetch").status_code == 202
        again = admin.get(f"/api/v1/sources/{source_id}").json()
        assert (again["last_status"], again["last_files"], again["last_skipped"]) == ("ok", 0, 2)
        assert again["last_run_at"] > source["last_run_at"]
        assert len(_jobs_from(run, source_id)) == 2
        second = _next_of(ws, "download_completed", source_id=source_id, files=0)
        assert second["data"]["skipped"] == 2
    assert f"/{tag}/about.html" not in _Site.hits, "links that are not PDFs are never downloaded"


def test_failing_sources_record_their_code_and_do_not_stop_the_others(
    stack: LocalStack, run: Run, admin: TestClient, site: str
) -> None:
    tag = _tag()
    _serve(f"/{tag}/plain.txt", b"just text", "text/plain")
    _Site.routes[f"/{tag}/huge.pdf"] = (
        200,
        {"Content-Type": "application/pdf", "Content-Length": str(300 * 1024 * 1024)},
        b"%PDF-1.7\n",
    )
    _serve(f"/{tag}/empty.html", b"<html><body><a href='x.html'>nothing here</a></body></html>", "text/html")
    _serve(f"/{tag}/direct.pdf", _pdf("Direct"))
    cases = {
        f"missing-{tag}": (f"{site}/{tag}/nowhere.pdf", "FETCH_FAILED", "HTTP 404"),
        f"text-{tag}": (f"{site}/{tag}/plain.txt", "FETCH_NOT_PDF", "text/plain"),
        f"huge-{tag}": (f"{site}/{tag}/huge.pdf", "TOO_LARGE", "MAX_FILE_BYTES"),
        f"nolinks-{tag}": (f"{site}/{tag}/empty.html", "FETCH_NOT_PDF", "links no PDF"),
        f"good-{tag}": (f"{site}/{tag}/direct.pdf", None, None),
    }
    for source_id, (url, _, _) in cases.items():
        r = admin.post("/api/v1/sources", json={"source_id": source_id, "url": url})
        assert r.status_code == 201, r.text

    out = _invoke(stack, {"source_ids": [*cases, f"gone-{tag}"]})
    by_id = {s["source_id"]: s for s in out["sources"]}
    assert list(by_id) == [*cases, f"gone-{tag}"]
    assert by_id[f"gone-{tag}"]["error"]["code"] == "NOT_FOUND"
    for source_id, (_, code, words) in cases.items():
        shown = admin.get(f"/api/v1/sources/{source_id}").json()
        if code is None:
            assert (shown["last_status"], shown["last_files"]) == ("ok", 1), shown
            continue
        assert shown["last_status"] == "error" and shown["last_files"] == 0, shown
        assert shown["last_error"]["code"] == code and words in shown["last_error"]["message"], shown
    [job] = _jobs_from(run, f"good-{tag}")
    assert job.filename == "direct.pdf" and job.origin == "download"


def test_a_page_whose_links_fail_in_part_is_ok_and_says_which(
    stack: LocalStack, run: Run, admin: TestClient, site: str
) -> None:
    tag = _tag()
    _serve(f"/{tag}/good.pdf", _pdf("Good"))
    _serve(f"/{tag}/fake.pdf", b"<html>a login page</html>", "text/html")
    _serve(
        f"/{tag}/list.html",
        b'<a href="good.pdf">good</a> <a href="fake.pdf">html</a> <a href="lost.pdf">404</a>',
        "text/html",
    )
    source_id = f"partial-{tag}"
    assert (
        admin.post(
            "/api/v1/sources", json={"source_id": source_id, "url": f"{site}/{tag}/list.html"}
        ).status_code
        == 201
    )
    [outcome] = _invoke(stack, {"source_id": source_id})["sources"]
    assert (outcome["status"], outcome["files"], outcome["skipped"], outcome["failed"]) == ("ok", 1, 0, 2)
    shown = admin.get(f"/api/v1/sources/{source_id}").json()
    assert shown["last_status"] == "ok" and shown["last_files"] == 1
    assert shown["last_error"]["code"] == "FETCH_NOT_PDF"
    assert shown["last_error"]["message"].startswith("2 of 3 linked PDFs could not be downloaded")


def test_a_run_near_the_end_of_its_time_starts_no_download(
    stack: LocalStack, admin: TestClient, site: str
) -> None:
    from paperlane.config import FetchSettings
    from paperlane.fetch.run import fetcher_for

    tag = _tag()
    _serve(f"/{tag}/late.pdf", _pdf("Late"))
    source_id = f"late-{tag}"
    assert (
        admin.post(
            "/api/v1/sources", json={"source_id": source_id, "url": f"{site}/{tag}/late.pdf"}
        ).status_code
        == 201
    )
    settings = FetchSettings.model_validate(stack.function_environment("FetchFunction"))
    [outcome] = fetcher_for(settings).run([source_id], seconds_left=30)  # less than the reserve
    assert outcome.status == "error" and outcome.error is not None and outcome.error.code == "TIMEOUT"
    assert f"/{tag}/late.pdf" not in _Site.hits
    assert admin.get(f"/api/v1/sources/{source_id}").json()["last_error"]["code"] == "TIMEOUT"


def test_the_schedule_runs_enabled_sources_only(stack: LocalStack, admin: TestClient, site: str) -> None:
    assert [(s.function_name, s.expression) for s in stack.schedules] == [
        (stack.physical_name("FetchFunction"), "rate(1 hour)")
    ]
    tag = _tag()
    _serve(f"/{tag}/sched.pdf", _pdf("Scheduled"))
    on, off = f"on-{tag}", f"off-{tag}"
    for source_id, enabled in ((on, True), (off, False)):
        body = {"source_id": source_id, "url": f"{site}/{tag}/sched.pdf", "enabled": enabled}
        assert admin.post("/api/v1/sources", json=body).status_code == 201
    out = _invoke(stack, load_event("fetch"))
    ran = {s["source_id"] for s in out["sources"]}
    assert on in ran and off not in ran
    assert admin.get(f"/api/v1/sources/{off}").json()["last_run_at"] is None
    # Asked for by name, a disabled source runs (and finds the PDF already downloaded).
    [named] = _invoke(stack, {"source_id": off})["sources"]
    assert (named["status"], named["files"], named["skipped"]) == ("ok", 0, 1)


def test_a_source_with_a_custom_profile_makes_jobs_of_that_profile(
    stack: LocalStack, run: Run, admin: TestClient, site: str
) -> None:
    tag = _tag()
    profile = f"notice-{tag}"
    spec = {
        "name": profile,
        "description": "Notices",
        "instructions": "Read the title.",
        "json_schema": {"type": "object", "properties": {"title": {"type": "string"}}},
    }
    assert admin.post("/api/v1/profiles", json=spec).status_code == 201
    _serve(f"/{tag}/custom.pdf", _pdf("Custom"))
    source_id = f"custom-{tag}"
    body = {"source_id": source_id, "url": f"{site}/{tag}/custom.pdf", "profile": profile}
    assert admin.post("/api/v1/sources", json=body).status_code == 201
    [outcome] = _invoke(stack, {"source_id": source_id})["sources"]
    assert outcome["files"] == 1, outcome
    [job] = _jobs_from(run, source_id, profile)
    assert job.profile == profile and job.origin == "download"

    # The profile removed later: the next run says so instead of guessing another one.
    assert admin.delete(f"/api/v1/profiles/{profile}").status_code == 204
    [later] = _invoke(stack, {"source_id": source_id})["sources"]
    assert later["error"]["code"] == "UNKNOWN_PROFILE"


def test_the_cli_runs_sources_and_prints_each_outcome(
    stack: LocalStack, admin: TestClient, site: str
) -> None:
    tag = _tag()
    _serve(f"/{tag}/cli.pdf", _pdf("CLI"))
    good, bad = f"cli-{tag}", f"cli-broken-{tag}"
    assert (
        admin.post("/api/v1/sources", json={"source_id": good, "url": f"{site}/{tag}/cli.pdf"}).status_code
        == 201
    )
    assert (
        admin.post("/api/v1/sources", json={"source_id": bad, "url": f"{site}/{tag}/no.pdf"}).status_code
        == 201
    )
    out = io.StringIO()
    code = run_fetch(admin, [good, bad, f"unknown-{tag}"], timeout=30, out=out, poll=0.01)
    lines = out.getvalue().splitlines()
    assert code == 1
    assert lines[0].split() == [good, "files=1", "skipped=0", "ok"]
    assert lines[1].startswith(bad) and "files=0 skipped=0  error FETCH_FAILED:" in lines[1]
    assert lines[2].startswith(f"unknown-{tag}") and "not run: NOT_FOUND" in lines[2]
    out = io.StringIO()
    assert run_fetch(admin, [good], timeout=30, out=out, poll=0.01) == 0
    assert out.getvalue().split() == [good, "files=0", "skipped=1", "ok"]


# ---------------------------------------------------------------------------- the API's rules


def test_sources_are_read_changed_and_removed_by_admins(admin: TestClient, site: str) -> None:
    source_id = f"crud-{_tag()}"
    url = f"{site}/crud/index.html"
    assert (
        admin.post("/api/v1/sources", json={"source_id": source_id, "url": url, "max_files": 5}).status_code
        == 201
    )
    again = admin.post("/api/v1/sources", json={"source_id": source_id, "url": url})
    assert again.status_code == 409 and again.json()["error"]["code"] == "CONFLICT"

    listed = admin.get("/api/v1/sources").json()
    assert listed["count"] == len(listed["items"]) >= 1
    assert next(s for s in listed["items"] if s["source_id"] == source_id)["max_files"] == 5

    changed = admin.patch(
        f"/api/v1/sources/{source_id}",
        json={"enabled": False, "max_files": 50, "profile": "sale_deed", "url": f"{site}/crud/v2.html"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["enabled"], body["max_files"], body["profile"], body["url"]) == (
        False,
        50,
        "sale_deed",
        f"{site}/crud/v2.html",
    )
    assert admin.get(f"/api/v1/sources/{source_id}").json() == body
    bad = admin.patch(f"/api/v1/sources/{source_id}", json={"created_by": "someone"})
    assert bad.status_code == 422

    assert admin.delete(f"/api/v1/sources/{source_id}").status_code == 204
    for r in (
        admin.get(f"/api/v1/sources/{source_id}"),
        admin.patch(f"/api/v1/sources/{source_id}", json={"enabled": True}),
        admin.delete(f"/api/v1/sources/{source_id}"),
        admin.post(f"/api/v1/sources/{source_id}/fetch"),
    ):
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND", r.text


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"url": "ftp://93.184.215.14/a.pdf"}, 422, "https://"),
        ({"url": "https://user:pw@93.184.215.14/a.pdf"}, 422, "Credentials"),
        ({"url": "https://169.254.169.254/latest/meta-data/"}, 422, "private"),
        ({"url": "http://93.184.215.14/a.pdf"}, 422, "https://"),
        ({"source_id": "Not A Slug"}, 422, "source_id"),
        ({"max_files": 101}, 422, "max_files"),
        ({"profile": "no_such_profile"}, 400, "Available profiles: football_odds, generic, sale_deed"),
    ],
)
def test_bad_sources_are_refused_with_a_clear_reason(
    admin: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    request = {"source_id": f"bad-{_tag()}", "url": "https://93.184.215.14/list.html", **body}
    r = admin.post("/api/v1/sources", json=request)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert words in error["message"] or words in json.dumps(error["details"]), error


def test_off_the_local_stack_loopback_sources_are_refused(stack: LocalStack) -> None:
    env = {**stack.api_environment(), "FETCH_ALLOW_LOOPBACK": "false"}
    app = create_app(sources.router, environment=env)
    with TestClient(app, headers=bearer(stack, "sources-admin", Role.ADMIN)) as c:
        r = c.post("/api/v1/sources", json={"source_id": f"lo-{_tag()}", "url": "http://127.0.0.1:9/x.pdf"})
        assert r.status_code == 400 and "local stack" in r.json()["error"]["message"], r.text


def test_only_admins_manage_sources(stack: LocalStack) -> None:
    calls = [
        ("POST", "/api/v1/sources", {"source_id": "nope", "url": "https://93.184.215.14/x.pdf"}),
        ("GET", "/api/v1/sources", None),
        ("GET", "/api/v1/sources/nope", None),
        ("PATCH", "/api/v1/sources/nope", {"enabled": False}),
        ("DELETE", "/api/v1/sources/nope", None),
        ("POST", "/api/v1/sources/nope/fetch", None),
    ]
    for username, role in (("sources-operator", Role.OPERATOR), ("sources-viewer", Role.VIEWER)):
        with signed_in_client(stack, username, role) as c:
            for method, path, body in calls:
                r = c.request(method, path, json=body)
                assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN", (role, method, path)
    with TestClient(create_app(sources.router, environment=stack.api_environment())) as anonymous:
        assert anonymous.get("/api/v1/sources").status_code == 401
