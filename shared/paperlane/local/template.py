"""Read template.yaml and resolve the intrinsic functions the local stack needs.

Physical names are deterministic (``paperlane-local-<logical id>``), so every Ref and GetAtt can be
resolved before anything is created, in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACCOUNT = "123456789012"
_SUB = re.compile(r"\$\{([^}!]+)\}")


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns short-form tags (!Ref X) into long form ({"Ref": X})."""


def _tag(tag: str) -> None:
    name = "Fn::GetAtt" if tag == "GetAtt" else ("Ref" if tag == "Ref" else f"Fn::{tag}")

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            raw = loader.construct_scalar(node)
            value: Any = raw.split(".", 1) if tag == "GetAtt" else raw
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    _CfnLoader.add_constructor(f"!{tag}", construct)


for _t in (
    "Ref",
    "GetAtt",
    "Sub",
    "Join",
    "If",
    "Equals",
    "Not",
    "Select",
    "Split",
    "FindInMap",
    "ImportValue",
    "Base64",
    "GetAZs",
    "And",
    "Or",
    "Condition",
):
    _tag(_t)


def load_template(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        body: dict[str, Any] = yaml.load(fh, Loader=_CfnLoader)  # noqa: S506 - SafeLoader + CFN tags only
        return body


@dataclass
class Template:
    """A parsed template plus the local names and attributes of its resources."""

    path: Path
    region: str
    prefix: str = "paperlane-local"
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.body = load_template(self.path)
        for name, spec in self.body.get("Parameters", {}).items():
            self.parameters.setdefault(name, str(spec.get("Default", "")))

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.body["Resources"]  # type: ignore[no-any-return]

    def of_type(self, type_name: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == type_name}

    def physical_name(self, logical_id: str) -> str:
        return (
            f"{self.prefix}-{logical_id}".lower()
            if self.resources[logical_id]["Type"] == "AWS::S3::Bucket"
            else f"{self.prefix}-{logical_id}"
        )

    # ------------------------------------------------------------------ intrinsic functions

    def ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.prefix,
            "AWS::NoValue": "",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        kind = self.resources[name]["Type"]
        physical = self.physical_name(name)
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{self.region}.amazonaws.com/{ACCOUNT}/{physical}"
        if kind in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
            return self.get_att(name, "Arn")
        return physical

    def get_att(self, name: str, attribute: str) -> str:
        kind = self.resources[name]["Type"]
        physical = self.physical_name(name)
        arns = {
            "AWS::SQS::Queue": f"arn:aws:sqs:{self.region}:{ACCOUNT}:{physical}",
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{self.region}:{ACCOUNT}:table/{physical}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{physical}",
            "AWS::Serverless::Function": f"arn:aws:lambda:{self.region}:{ACCOUNT}:function:{physical}",
            "AWS::Serverless::StateMachine": (
                f"arn:aws:states:{self.region}:{ACCOUNT}:stateMachine:{physical}"
            ),
            "AWS::Events::Rule": f"arn:aws:events:{self.region}:{ACCOUNT}:rule/{physical}",
        }
        if attribute == "Arn":
            return arns[kind]
        if attribute in ("Name", "QueueName"):
            return physical
        if attribute == "StreamArn":
            # moto names streams by their creation time; the stack replaces this after creating the table.
            return f"{arns[kind]}/stream/local"
        raise KeyError(f"GetAtt {name}.{attribute} is not supported by the local stack")

    def resolve(self, value: Any) -> Any:
        """Resolve Ref, Fn::GetAtt, Fn::Sub and Fn::Join recursively."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                parts = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(parts[0], parts[1])
            if key == "Fn::Sub":
                text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))
                return _SUB.sub(lambda m: self._sub_var(m.group(1), extra), text)
            if key == "Fn::Join":
                return str(arg[0]).join(str(self.resolve(v)) for v in arg[1])
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub_var(self, name: str, extra: dict[str, Any]) -> str:
        if name in extra:
            return str(extra[name])
        if "." in name and not name.startswith("AWS::"):
            logical, attribute = name.split(".", 1)
            return self.get_att(logical, attribute)
        return self.ref(name)

    def function_environment(self, logical_id: str) -> dict[str, str]:
        """Globals' variables overlaid by the function's own, resolved, as the Lambda service would."""
        global_vars = (
            self.body.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        )
        own = self.resources[logical_id]["Properties"].get("Environment", {}).get("Variables", {})
        return {k: str(self.resolve(v)) for k, v in {**global_vars, **own}.items()}

    def render_state_machine(self, logical_id: str) -> str:
        props = self.resources[logical_id]["Properties"]
        definition = (self.root / props["DefinitionUri"]).read_text(encoding="utf-8")
        substitutions = {k: str(self.resolve(v)) for k, v in props.get("DefinitionSubstitutions", {}).items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in substitutions:
                raise KeyError(
                    f"{props['DefinitionUri']} uses ${{{name}}}, which DefinitionSubstitutions lacks"
                )
            return substitutions[name]

        return _SUB.sub(replace, definition)
