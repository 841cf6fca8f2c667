"""Every route's permission, in one place. A route missing here is refused (fail closed), and a test
walks the OpenAPI document to fail on any route without an entry. The README's table comes from here.
"""

from __future__ import annotations

from typing import Final, Literal

from paperlane.auth.roles import ROLE_PERMISSIONS, Permission, Role

# No credential needed (still rate-limited per client IP).
PUBLIC: Final = "public"
Public = Literal["public"]

ROUTES: dict[tuple[str, str], Permission | Public] = {
    ("GET", "/health"): PUBLIC,
    ("POST", "/auth/login"): PUBLIC,
    ("POST", "/auth/refresh"): PUBLIC,
    ("GET", "/auth/me"): Permission.SELF,
    # API keys: each caller manages their own (admins see everyone's).
    ("POST", "/api/v1/keys"): Permission.SELF,
    ("GET", "/api/v1/keys"): Permission.SELF,
    ("DELETE", "/api/v1/keys/{key_id}"): Permission.SELF,
    ("POST", "/api/v1/users"): Permission.USERS_MANAGE,
    ("GET", "/api/v1/users"): Permission.USERS_MANAGE,
    ("GET", "/api/v1/users/{username}"): Permission.USERS_MANAGE,
    ("PATCH", "/api/v1/users/{username}"): Permission.USERS_MANAGE,
    ("DELETE", "/api/v1/users/{username}"): Permission.USERS_MANAGE,
    ("POST", "/api/v1/webhooks"): Permission.WEBHOOKS_MANAGE,
    ("GET", "/api/v1/webhooks"): Permission.WEBHOOKS_MANAGE,
    ("DELETE", "/api/v1/webhooks"): Permission.WEBHOOKS_MANAGE,
    ("GET", "/api/v1/webhooks/deliveries"): Permission.WEBHOOKS_MANAGE,
    ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/redeliver"): Permission.WEBHOOKS_MANAGE,
    ("POST", "/api/v1/upload"): Permission.JOBS_WRITE,
    ("POST", "/api/v1/uploads"): Permission.JOBS_WRITE,
    ("POST", "/api/v1/process/{job_id}"): Permission.JOBS_WRITE,
    ("POST", "/api/v1/jobs/{job_id}/cancel"): Permission.JOBS_WRITE,
    ("GET", "/api/v1/process/status/{job_id}"): Permission.JOBS_READ,
    ("GET", "/api/v1/process/queue"): Permission.JOBS_READ,
    ("GET", "/api/v1/jobs"): Permission.JOBS_READ,
    ("GET", "/api/v1/jobs/{job_id}"): Permission.JOBS_READ,
    ("GET", "/api/v1/jobs/{job_id}/result"): Permission.JOBS_READ,
    ("GET", "/api/v1/jobs/{job_id}/searchable.pdf"): Permission.JOBS_READ,
    ("GET", "/api/v1/batches"): Permission.JOBS_READ,
    ("GET", "/api/v1/batches/{batch_id}"): Permission.JOBS_READ,
    ("GET", "/api/v1/documents"): Permission.JOBS_READ,
    ("GET", "/api/v1/documents/{document_id}"): Permission.JOBS_READ,
    ("GET", "/api/v1/games"): Permission.JOBS_READ,
    ("GET", "/api/v1/leagues"): Permission.JOBS_READ,
    ("GET", "/api/v1/teams"): Permission.JOBS_READ,
    ("GET", "/api/v1/teams/aliases"): Permission.JOBS_READ,
    ("POST", "/api/v1/teams/aliases"): Permission.JOBS_WRITE,
    ("DELETE", "/api/v1/teams/aliases/{alias}"): Permission.JOBS_WRITE,
    ("GET", "/api/v1/reports/latest"): Permission.JOBS_READ,
    ("GET", "/api/v1/reports/trends"): Permission.JOBS_READ,
    ("GET", "/api/v1/reports/odds-movement"): Permission.JOBS_READ,
    ("GET", "/api/v1/profiles"): Permission.JOBS_READ,
    ("GET", "/api/v1/profiles/{name}"): Permission.JOBS_READ,
    ("POST", "/api/v1/profiles"): Permission.PROFILES_MANAGE,
    ("DELETE", "/api/v1/profiles/{name}"): Permission.PROFILES_MANAGE,
    # Scheduled download sources (paperlane.fetch): admins only, like other configuration.
    ("POST", "/api/v1/sources"): Permission.SOURCES_MANAGE,
    ("GET", "/api/v1/sources"): Permission.SOURCES_MANAGE,
    ("GET", "/api/v1/sources/{source_id}"): Permission.SOURCES_MANAGE,
    ("PATCH", "/api/v1/sources/{source_id}"): Permission.SOURCES_MANAGE,
    ("DELETE", "/api/v1/sources/{source_id}"): Permission.SOURCES_MANAGE,
    ("POST", "/api/v1/sources/{source_id}/fetch"): Permission.SOURCES_MANAGE,
    ("GET", "/api/v1/export/excel"): Permission.EXPORT,
    ("GET", "/api/v1/export/csv"): Permission.EXPORT,
    ("GET", "/api/v1/export/json"): Permission.EXPORT,
    # Asynchronous exports; each user reads only the exports they started (admins any).
    ("POST", "/api/v1/exports"): Permission.EXPORT,
    ("GET", "/api/v1/exports/{export_id}"): Permission.EXPORT,
}


def permission_for(method: str, path: str) -> Permission | Public | None:
    """The permission a route template needs, PUBLIC, or None when the route declares none."""
    return ROUTES.get((method.upper(), path))


def roles_allowed(permission: Permission | Public) -> list[Role]:
    if permission == PUBLIC:
        return list(Role)
    return [r for r in Role if permission in ROLE_PERMISSIONS[r]]


def markdown_table() -> str:
    """The README's table of routes and the roles that may call them."""
    lines = ["| Method | Path | Permission | Roles |", "| --- | --- | --- | --- |"]
    for (method, path), permission in ROUTES.items():
        roles = "anyone" if permission == PUBLIC else ", ".join(roles_allowed(permission))
        lines.append(f"| {method} | `{path}` | {permission} | {roles} |")
    return "\n".join(lines)
