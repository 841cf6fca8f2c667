"""Roles, permissions and the principal: the caller as the API sees it."""

from __future__ import annotations

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

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset().union(*(ROLE_PERMISSIONS[r] for r in self.roles))

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def sees_all_jobs(self) -> bool:
        # Operators see only the jobs and batches they submitted. Viewers are read-only auditors of
        # every job (with identity numbers masked); admins see and control everything.
        return self.is_admin or Role.VIEWER in self.roles

    def sees_pii(self) -> bool:
        # A viewer reads Aadhaar and PAN numbers masked, even when they hold another role too.
        return self.is_admin or Role.VIEWER not in self.roles
