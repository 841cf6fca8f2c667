"""config_changed: what the API tells subscribers and webhooks when someone changes the configuration."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from paperlane import aws
from paperlane.api.deps import SettingsDep
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.notify.messages import ConfigChanged, MessageType
from paperlane.storage.events import EventOutbox


class ConfigEvents:
    """Tells subscribers and webhooks that an admin or operator changed the configuration."""

    def __init__(self, outbox: EventOutbox, principal: Principal) -> None:
        self._outbox = outbox
        self._by = principal.username

    def changed(self, kind: str, action: str, name: str) -> None:
        self._outbox.record(
            MessageType.CONFIG_CHANGED, ConfigChanged(kind=kind, action=action, name=name, by=self._by)
        )


def get_config_events(settings: SettingsDep, principal: PrincipalDep) -> ConfigEvents:
    return ConfigEvents(EventOutbox(aws.dynamodb(), settings.jobs_table), principal)


ConfigEventsDep = Annotated[ConfigEvents, Depends(get_config_events)]
