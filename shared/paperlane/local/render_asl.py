"""Render every state machine of template.yaml to plain ASL, with its DefinitionSubstitutions applied.

statelint cannot read a definition whose numeric fields are placeholders (``"MaxConcurrency":
${TextMaxConcurrency}`` is not JSON), so ``make lint`` renders the definitions first::

    python -m paperlane.local.render_asl build/asl [template.yaml]

writes ``build/asl/<LogicalId>.asl.json`` for each ``AWS::Serverless::StateMachine`` and prints the paths.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from paperlane.local.template import Template

STATE_MACHINE_TYPE = "AWS::Serverless::StateMachine"
REGION = "us-east-1"


def render_all(template_path: Path, out_dir: Path, region: str = REGION) -> list[Path]:
    """Write one ``<LogicalId>.asl.json`` per state machine into ``out_dir``; return their paths."""
    template = Template(template_path, region)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for logical_id, resource in sorted(template.of_type(STATE_MACHINE_TYPE).items()):
        if "DefinitionUri" not in resource.get("Properties", {}):
            raise ValueError(f"{logical_id}: only state machines with a DefinitionUri file can be rendered")
        text = template.render_state_machine(logical_id)
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{logical_id}: the rendered definition is not JSON: {exc}") from exc
        target = out_dir / f"{logical_id}.asl.json"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        sys.stderr.write("usage: python -m paperlane.local.render_asl OUT_DIR [TEMPLATE]\n")
        return 2
    template_path = Path(args[1]) if len(args) == 2 else Path("template.yaml")
    try:
        written = render_all(template_path, Path(args[0]))
    except (OSError, KeyError, ValueError) as exc:
        sys.stderr.write(f"render_asl: {exc}\n")
        return 1
    if not written:
        sys.stderr.write(f"render_asl: {template_path} has no {STATE_MACHINE_TYPE} resource\n")
        return 1
    for path in written:
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
