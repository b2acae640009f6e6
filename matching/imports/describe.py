"""The column reference of docs/imports.md, generated from the specs so the two cannot drift
apart.

Run ``python -m matching.imports.describe`` to print the section; a test checks docs/imports.md
holds it.
"""

from __future__ import annotations

from matching.imports.spec import EntitySpec


def describe_markdown(spec: EntitySpec) -> str:
    lines = [
        f"### `{spec.name}` — {spec.zh}",
        "",
        "| 列名 (header) | English header | required | allowed | example |",
        "|---|---|---|---|---|",
    ]
    for field in spec.fields:
        aliases = f" (also: {', '.join(field.aliases)})" if field.aliases else ""
        lines.append(
            f"| {field.zh}{aliases} | `{field.key}` | {'yes' if field.required else 'no'} "
            f"| {field.allowed_zh} | {field.example} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    from matching.imports import SPECS

    print("\n".join(describe_markdown(spec) for spec in SPECS.values()))


if __name__ == "__main__":
    main()
