"""EventBridge schedules on the local stack: moto stores rules but never fires them, so `paperlane serve`
does. Each function event of type ``Schedule`` with a ``rate(...)`` expression invokes its function
(through moto's Lambda API, so the in-process runtime runs it) every period, first one period after
the server starts, with the payload EventBridge sends. ``cron(...)`` expressions are not run locally
(a warning says so): use ``paperlane fetch`` or the API to run a source now.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from paperlane import aws, clock
from paperlane.local.template import ACCOUNT
from paperlane.observability import logger

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Schedule:
    function_name: str
    expression: str
    rule_name: str
    region: str = "us-east-1"

    def period_seconds(self) -> int | None:
        """The period of a rate() expression; None for cron() and anything else."""
        match = _RATE.match(self.expression.strip())
        if not match or int(match.group(1)) < 1:
            return None
        return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]

    def event(self) -> dict[str, object]:
        """What EventBridge sends a scheduled target."""
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT,
            "time": clock.iso(),
            "region": self.region,
            "resources": [f"arn:aws:events:{self.region}:{ACCOUNT}:rule/{self.rule_name}"],
            "detail": {},
        }


def invoke(schedule: Schedule) -> None:
    aws.client("lambda").invoke(
        FunctionName=schedule.function_name,
        InvocationType="Event",
        Payload=json.dumps(schedule.event()).encode(),
    )


class Scheduler:
    """One thread per rate() schedule; ``stop`` ends them all."""

    def __init__(
        self,
        schedules: list[Schedule],
        fire: Callable[[Schedule], None] = invoke,
        *,
        period: Callable[[Schedule], float | None] = Schedule.period_seconds,
    ) -> None:
        self._schedules = schedules
        self._fire = fire
        self._period = period
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> Scheduler:
        for schedule in self._schedules:
            seconds = self._period(schedule)
            if seconds is None:
                logger.warning(
                    "Local stack: this schedule is not run locally (rate() expressions only)",
                    extra={"function": schedule.function_name, "schedule": schedule.expression},
                )
                continue
            thread = threading.Thread(
                target=self._loop,
                args=(schedule, seconds),
                name=f"schedule-{schedule.rule_name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _loop(self, schedule: Schedule, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                self._fire(schedule)
            except Exception:  # noqa: BLE001 - a failed run must not end the schedule
                logger.exception(
                    "Local stack: a scheduled invocation failed", extra={"rule": schedule.rule_name}
                )

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
