"""Roles, permissions and the principal: the caller as the API sees it."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"


class Permission(StrEnum):
    # Any signed-in caller: their own profile and API keys.
    SELF = "self"
    JOBS_READ = "jobs:read"
    JOBS_WRITE = "jobs:write"
    EXPORT = "export"
    USERS_MANAGE = "users:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"
    PROFILES_MANAGE = "profiles:manage"
    SOURCES_MANAGE = "sources:manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OPERATOR: frozenset(
        {Permission.SELF, Permission.JOBS_READ, Permission.JOBS_WRITE, Permission.EXPORT}
    ),
    Role.VIEWER: frozenset({Permission.SELF, Permission.JOBS_READ}),
}


class Principal(BaseModel):
    """An authenticated caller: a user (JWT) or a machine (API key acting for its owner)."""

    model_config = ConfigDict(frozen=True)

    username: str
    roles: frozenset[Role]
    kind: Literal["user", "api_key"] = "user"
    key_id: str | None = None
    # Set by an admin on a viewer-only user: whose jobs that viewer reads (paperlane.auth.models.User).
    reads_for: str | None = None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset().union(*(ROLE_PERMISSIONS[r] for r in self.roles))

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def owner_scope(self) -> str | None:
        """The one owner whose jobs, batches, documents, records and exports this caller sees; None for
        admins, who see everyone's. Operators see their own; a viewer sees those of the user it reads
        for (none when it reads for nobody: viewers submit nothing)."""
        if self.is_admin:
            return None
        if self.reads_for and self.roles == {Role.VIEWER}:
            return self.reads_for
        return self.username

    def sees_all_jobs(self) -> bool:
        return self.owner_scope is None

    def may_read(self, owner: str | None) -> bool:
        """Whether a job or batch owned by ``owner`` (None: from the drop folder) is visible."""
        scope = self.owner_scope
        return scope is None or owner == scope

    def sees_pii(self) -> bool:
        # A viewer reads Aadhaar and PAN numbers masked, even when they hold another role too.
        return self.is_admin or Role.VIEWER not in self.roles

    def to_context(self) -> str:
        """The principal as JSON: what the Lambda authorizer passes to the handlers (context values
        must be strings, numbers or booleans) and what a WebSocket connection keeps."""
        return json.dumps(
            {
                "username": self.username,
                "roles": sorted(self.roles),
                "kind": self.kind,
                "key_id": self.key_id,
                "reads_for": self.reads_for,
            }
        )

    @classmethod
    def from_context(cls, raw: str) -> Principal:
        data = json.loads(raw)
        return cls(
            username=data["username"],
            roles=frozenset(Role(r) for r in data["roles"]),
            kind=data.get("kind", "user"),
            key_id=data.get("key_id"),
            reads_for=data.get("reads_for"),
        )
