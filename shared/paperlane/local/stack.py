"""The local stack: every resource of template.yaml created on moto, in this process.

with LocalStack() as stack:
    stack.api_environment()  # what the API functions see
"""

from __future__ import annotations

import io
import json
import os
import socket
import zipfile
from pathlib import Path
from typing import Any

from paperlane import aws
from paperlane.local.lambda_runtime import InProcessLambdas, LocalFunction, install, uninstall
from paperlane.local.schedules import Schedule
from paperlane.local.template import ACCOUNT, Template
from paperlane.local.workers import WorkerPool
from paperlane.pipeline import context

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE = PROJECT_ROOT / "template.yaml"
# Functions whose routers the local API mounts; their environments are merged for it.
API_FUNCTIONS = ("UploadFunction", "StatusFunction", "AuthFunction", "ExportFunction")
_ROLE = f"arn:aws:iam::{ACCOUNT}:role/paperlane-local"

_STATE_MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")


class LocalStack:
    def __init__(
        self,
        template: Path = DEFAULT_TEMPLATE,
        *,
        region: str = "us-east-1",
        parameters: dict[str, str] | None = None,
        overrides: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        endpoint_port: int = 0,
        workers: int | None = None,
    ) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        # Locally the Map can run as many chunks at once as there are worker processes.
        local_parameters = {"TextMaxConcurrency": str(max(1, self.workers)), **(parameters or {})}
        self.template = Template(template, region, parameters=local_parameters)
        self.region = region
        self.host = host
        # moto's HTTP endpoint: worker processes and browsers (presigned POSTs) reach the stack here.
        self.endpoint = f"http://{host}:{endpoint_port or free_port(host)}"
        # Extra variables for every function: presigned URLs point at the local endpoint; JWT keys live
        # in a file outside the repository; there is no API Gateway, so the API counts requests itself.
        self.overrides = {
            "S3_PUBLIC_ENDPOINT": self.endpoint,
            "JWT_KEYS_FILE": str(local_home() / "jwt-keys.json"),
            "RATE_LIMIT_BACKEND": "memory",
            # Live progress goes to the server's /ws sockets, in this process (paperlane.local.live).
            "WEBSOCKET_ENDPOINT": "local",
            "WEBHOOK_CACHE_SECONDS": "0",
            # Webhook receivers on this machine are fine here (and only here).
            "WEBHOOK_ALLOW_LOOPBACK": "true",
            # So are download sources (paperlane.fetch): a page served on this machine.
            "FETCH_ALLOW_LOOPBACK": "true",
            **(overrides or {}),
        }
        self._pool: WorkerPool | None = None
        # Schedule events of the functions: moto never fires them; `paperlane serve` does (local.schedules).
        self.schedules: list[Schedule] = []
        self.lambdas = InProcessLambdas()
        self._mock: Any = None
        self._server: Any = None
        self._saved_env: dict[str, str | None] = {}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> LocalStack:
        from moto import mock_aws

        fake = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            # EMF metrics go to stdout, where the CLI writes its JSON; there is no CloudWatch here.
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
        for key, val in fake.items():
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = val
        for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
            self._saved_env[key] = os.environ.pop(key, None)
        self._mock = mock_aws(
            config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": True}}
        )
        self._mock.start()
        _logs_to_stderr()
        aws.reset_clients()
        context.reset()
        from moto.server import ThreadedMotoServer

        port = int(self.endpoint.rsplit(":", 1)[1])
        # The server shares this process's moto backends: one cloud, reachable in-process and over HTTP.
        self._server = ThreadedMotoServer(ip_address=self.host, port=port, verbose=False)
        self._server.start()
        if self.workers > 0:
            self._pool = WorkerPool(self._worker_environment(), self.workers)
            self._pool.warm()
        self.lambdas = InProcessLambdas(isolation=self._pool)
        install(self.lambdas)
        self._create_all()
        return self

    def _worker_environment(self) -> dict[str, str]:
        keys = (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_DEFAULT_REGION",
            "AWS_REGION",
            "POWERTOOLS_METRICS_DISABLED",
        )
        return {**{k: os.environ[k] for k in keys}, "AWS_ENDPOINT_URL": self.endpoint}

    def stop(self) -> None:
        uninstall()
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        aws.reset_clients()
        context.reset()
        for key, val in self._saved_env.items():
            if val is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = val

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ what callers need

    def function_environment(self, logical_id: str) -> dict[str, str]:
        return {**self.template.function_environment(logical_id), **self.overrides}

    def api_environment(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for logical_id in API_FUNCTIONS:
            env.update(self.function_environment(logical_id))
        return env

    def physical_name(self, logical_id: str) -> str:
        return self.template.physical_name(logical_id)

    def ref(self, logical_id: str) -> str:
        return self.template.ref(logical_id)

    # ------------------------------------------------------------------ creation

    def _create_all(self) -> None:
        t = self.template
        for logical_id, spec in t.of_type("AWS::S3::Bucket").items():
            self._bucket(logical_id, spec.get("Properties", {}))
        for logical_id, spec in t.of_type("AWS::DynamoDB::Table").items():
            self._table(logical_id, spec.get("Properties", {}))
        # Dead-letter queues first: a queue's redrive policy names its DLQ.
        queues = sorted(
            t.of_type("AWS::SQS::Queue").items(),
            key=lambda kv: "RedrivePolicy" in kv[1].get("Properties", {}),
        )
        for logical_id, spec in queues:
            self._queue(logical_id, spec.get("Properties", {}))
        for logical_id, spec in t.of_type("AWS::Events::Rule").items():
            self._rule(logical_id, spec.get("Properties", {}))
        self._role()
        for logical_id, spec in t.of_type("AWS::Serverless::Function").items():
            self._function(logical_id, spec)
        for type_name in _STATE_MACHINE_TYPES:
            for logical_id in t.of_type(type_name):
                self._state_machine(logical_id)

    def _bucket(self, logical_id: str, props: dict[str, Any]) -> None:
        s3 = aws.s3()
        name = self.physical_name(logical_id)
        s3.create_bucket(Bucket=name)
        if (
            props.get("NotificationConfiguration", {})
            .get("EventBridgeConfiguration", {})
            .get("EventBridgeEnabled")
        ):
            s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}}
            )

    def _table(self, logical_id: str, props: dict[str, Any]) -> None:
        props = self.template.resolve(props)
        kwargs: dict[str, Any] = {
            "TableName": self.physical_name(logical_id),
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):
            kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        aws.dynamodb().create_table(**kwargs)
        if ttl := props.get("TimeToLiveSpecification"):
            # moto records it without expiring anything; the setting is kept for fidelity.
            aws.dynamodb().update_time_to_live(TableName=kwargs["TableName"], TimeToLiveSpecification=ttl)

    def _queue(self, logical_id: str, props: dict[str, Any]) -> None:
        props = self.template.resolve(props)
        attributes: dict[str, Any] = {}
        for key in (
            "VisibilityTimeout",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
        ):
            if key in props:
                attributes[key] = str(props[key])
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
        sqs: Any = aws.sqs()  # attribute names are checked by SQS itself
        sqs.create_queue(QueueName=self.physical_name(logical_id), Attributes=attributes)

    def _rule(self, logical_id: str, props: dict[str, Any]) -> None:
        events = aws.client("events")
        props = self.template.resolve(props)
        name = self.physical_name(logical_id)
        events.put_rule(Name=name, EventPattern=json.dumps(props["EventPattern"]), State="ENABLED")
        targets = [{"Id": t["Id"], "Arn": t["Arn"]} for t in props.get("Targets", [])]
        if targets:
            events.put_targets(Rule=name, Targets=targets)

    def _role(self) -> None:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
                }
            ],
        }
        aws.client("iam").create_role(RoleName="paperlane-local", AssumeRolePolicyDocument=json.dumps(trust))

    def _function(self, logical_id: str, spec: dict[str, Any]) -> None:
        props = spec["Properties"]
        local = spec.get("Metadata", {}).get("PaperlaneLocal", {})
        globals_ = self.template.body.get("Globals", {}).get("Function", {})
        name = self.physical_name(logical_id)
        # Container-image functions have no CodeUri: Metadata.PaperlaneLocal names their source.
        code_uri = props.get("CodeUri") or local["CodeUri"]
        fn = LocalFunction(
            name=name,
            logical_id=logical_id,
            code_dir=(self.template.root / code_uri).resolve(),
            handler=props.get("Handler") or local.get("Handler") or globals_.get("Handler", "app.handler"),
            environment=self.function_environment(logical_id),
            timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
            memory=int(props.get("MemorySize", globals_.get("MemorySize", 128))),
            arn=self.template.get_att(logical_id, "Arn"),
            isolated=bool(local.get("Isolated", False)),
        )
        self.lambdas.register(fn)
        aws.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=_ROLE,
            Handler=fn.handler,
            Code={"ZipFile": _placeholder_zip()},
            Timeout=fn.timeout,
            MemorySize=fn.memory,
            Environment={"Variables": fn.environment},
        )
        for event in props.get("Events", {}).values():
            self._event_source(name, event)

    def _event_source(self, function_name: str, event: dict[str, Any]) -> None:
        props = self.template.resolve(event.get("Properties", {}))
        if event["Type"] == "SQS":
            aws.client("lambda").create_event_source_mapping(
                EventSourceArn=props["Queue"],
                FunctionName=function_name,
                BatchSize=int(props.get("BatchSize", 10)),
                FunctionResponseTypes=props.get("FunctionResponseTypes", []),
            )
        elif event["Type"] == "DynamoDB":
            table = props["Stream"].split(":table/")[1].split("/")[0]
            stream = aws.dynamodb().describe_table(TableName=table)["Table"]["LatestStreamArn"]
            aws.client("lambda").create_event_source_mapping(
                EventSourceArn=stream,
                FunctionName=function_name,
                StartingPosition="LATEST",
                BatchSize=int(props.get("BatchSize", 100)),
            )
        elif event["Type"] == "Schedule" and props.get("Enabled", True) not in (False, "false"):
            rule = f"{function_name}-schedule"
            self.schedules.append(Schedule(function_name, str(props["Schedule"]), rule, self.region))
        # Api events: the local API mounts the routers itself (paperlane.api.local_app).

    def _state_machine(self, logical_id: str) -> None:
        aws.stepfunctions().create_state_machine(
            name=self.physical_name(logical_id),
            definition=self.template.render_state_machine(logical_id),
            roleArn=_ROLE,
            type=self.template.resources[logical_id]["Properties"].get("Type", "STANDARD"),
        )


def local_home() -> Path:
    """Where the local stack keeps what must not be in the repository (the JWT signing keys)."""
    configured = os.environ.get("PAPERLANE_HOME")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "paperlane"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _logs_to_stderr() -> None:
    """Lambda logs go to CloudWatch; locally they go to stderr, never into the CLI's stdout."""
    import logging
    import sys

    from paperlane.observability import logger

    handler = logger.registered_handler
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(sys.stderr)


def _placeholder_zip() -> bytes:
    # moto wants a deployment package; the code it would run never does (the hook runs CodeUri instead).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    raise RuntimeError('not run')\n")
    return buf.getvalue()
