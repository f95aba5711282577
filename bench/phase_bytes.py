#!/usr/bin/python3
"""Bytes each phase of the ecosystem model touches per step, and the floor those bytes give at a
measured memory bandwidth.

The columns come from the code: each phase function in models/ecosystem/*.cpp (and the static
helpers of its file that it calls) is scanned for `variable.member[` / `variable.member.` /
`variable.id(`, the variable's type read from the function's parameters, the member's element
width from the struct's declaration in models/ecosystem/*.hpp. The rows come from the run's
profile (`innosim run --profile-json`, "populations": rows summed over steps, divided by steps).
Bytes per step = sum over the columns a phase names of width x mean rows: one pass over every row
of each column it names. That is an estimate of the traffic, not a measurement: a phase that
visits only some rows (borrowers, results at TRL 5-6) touches less, one that makes two passes or
reads rows at random (a cache line per 8-byte read) touches more; per-step scratch it allocates
locally (proposal buffers, events) is not counted.

usage: bench/phase_bytes.py PROFILE_JSON [--bandwidth BYTES_PER_S | --stream STREAM_JSON] [--markdown]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "ecosystem"

WIDTHS = {"double": 8, "float": 4, "std::int64_t": 8, "std::uint64_t": 8, "sim::AgentId": 8,
          "std::int32_t": 4, "std::uint32_t": 4, "int": 4, "std::int16_t": 2, "std::uint16_t": 2,
          "std::uint8_t": 1, "std::int8_t": 1, "bool": 1, "HolderView": 32, "FirmTotals": 40, "LabTotals": 8}
# Per-row side structs: whose rows they have, by the struct's name or the member's.
ROWS_BY_PREFIX = {"Firm": "firm", "Lab": "lab", "Result": "result"}
ROWS_BY_MEMBER = {"firms": "firm", "labs": "lab"}


def struct_bodies(text: str):
    """(name, body) of each `struct Name ... {` ... `};` at namespace level."""
    for match in re.finditer(r"^struct (\w+)[^;{]*\{", text, re.M):
        depth, i = 1, match.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield match.group(1), text[match.end():i - 1]


def declared_columns() -> tuple[dict, dict]:
    """struct -> {member: (rows kind, width)}, and struct -> population kind for agent structs."""
    columns: dict[str, dict[str, tuple[str, int]]] = {}
    kinds: dict[str, str] = {}
    for header in sorted(MODEL.glob("*.hpp")):
        for name, body in struct_bodies(header.read_text(encoding="utf-8")):
            kind = re.search(r'sim::Population \w+\("(\w+)"\)', body)
            members: dict[str, tuple[str, int]] = {}
            if kind:
                kinds[name] = kind.group(1)
                for m in re.finditer(r"std::vector<([\w:]+)>&\s*(\w+)\s*=\s*population\.field<", body):
                    members[m.group(2)] = (kind.group(1), WIDTHS.get(m.group(1), 0))
            else:
                rows = next((k for p, k in ROWS_BY_PREFIX.items() if name.startswith(p)), None)
                for m in re.finditer(r"std::vector<([\w:]+)>\s+([\w\s,]+?)\s*;", body):
                    for member in (x.strip() for x in m.group(2).split(",")):
                        member_rows = ROWS_BY_MEMBER.get(member, rows)
                        if member_rows and m.group(1) in WIDTHS:
                            members[member] = (member_rows, WIDTHS[m.group(1)])
            if members:
                columns[name] = members
    return columns, kinds


def functions(text: str) -> dict[str, tuple[str, str]]:
    """name -> (parameter list, body) of each function defined in a source file."""
    found = {}
    for match in re.finditer(r"^(?:static )?[\w:<>]+ (\w+)\(", text, re.M):
        depth, i = 1, match.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        params = text[match.end():i - 1]
        rest = text[i:i + 40].lstrip()
        if not rest.startswith("{") and not rest.startswith("const {"):
            continue
        start = text.index("{", i)
        depth, j = 1, start + 1
        while depth and j < len(text):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        found[match.group(1)] = (params, text[start:j])
    return found


def phase_columns(phase: str, columns: dict, kinds: dict) -> set[tuple[str, str, int]] | None:
    """(rows kind, column, width) the phase's code names; None if the phase function is not found."""
    for source in sorted(MODEL.glob("*.cpp")):
        defined = functions(source.read_text(encoding="utf-8"))
        if phase not in defined:
            continue
        params, body = defined[phase]
        types = {m.group(2): m.group(1) for m in re.finditer(r"(?:const )?(\w+)& (\w+)", params)}
        # The file's own helpers it calls (static functions, transitively): their parameters are
        # the phase's variables under the helpers' names.
        seen, queue = {phase}, [body]
        while queue:
            text = queue.pop()
            for name in re.findall(r"\b(\w+)\(", text):
                if name in defined and name not in seen:
                    seen.add(name)
                    helper_params, helper_body = defined[name]
                    for m in re.finditer(r"(?:const )?(\w+)& (\w+)", helper_params):
                        types.setdefault(m.group(2), m.group(1))
                    body += helper_body
                    queue.append(helper_body)
        named: set[tuple[str, str, int]] = set()
        for m in re.finditer(r"\b(\w+)\.(\w+)(\[|\.|\()", body):
            variable, member, after = m.groups()
            struct = types.get(variable)
            if struct is None:
                continue
            if member == "id" and after == "(" and struct in kinds:
                named.add((kinds[struct], "id", 8))
            elif after != "(" and member in columns.get(struct, {}):
                rows, width = columns[struct][member]
                named.add((rows, member, width))
        return named
    return None


def table(profile: dict, bandwidth: float | None) -> list[dict]:
    columns, kinds = declared_columns()
    steps = max(profile["steps"] * profile["replicates"], 1)
    mean_rows = {p["kind"]: p["row_steps"] / steps for p in profile.get("populations", [])}
    rows = []
    for phase in profile["phases"]:
        named = phase_columns(phase["name"], columns, kinds)
        if named is None:
            continue
        by_kind: dict[str, int] = {}
        for kind, _, width in named:
            by_kind[kind] = by_kind.get(kind, 0) + width
        touched = sum(width * mean_rows.get(kind, 0.0) for kind, width in by_kind.items())
        rows.append({"phase": phase["name"], "bytes_per_row": by_kind, "columns": len(named),
                     "bytes_per_step": touched, "ms_per_step": phase["ms_per_step"],
                     "floor_ms": 1e3 * touched / bandwidth if bandwidth else None})
    return rows


def markdown(profile: dict, rows: list[dict], bandwidth: float | None) -> str:
    steps = max(profile["steps"] * profile["replicates"], 1)
    mean_rows = ", ".join(f"{p['kind']} {p['row_steps'] / steps:,.0f}" for p in profile.get("populations", []))
    lines = [f"Mean rows per step: {mean_rows}.", "",
             "| phase | columns named | bytes per row (by population) | MB per step | measured ms per step"
             " | floor at the bandwidth (ms) | measured / floor |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for row in sorted(rows, key=lambda r: -r["ms_per_step"]):
        if row["bytes_per_step"] == 0 and row["ms_per_step"] < 1.0:
            continue
        per_row = ", ".join(f"{kind} {width}" for kind, width in sorted(row["bytes_per_row"].items()))
        floor = row["floor_ms"]
        floor_text = "" if floor is None else f"{floor:,.2f}"
        ratio_text = "" if not floor else f"{row['ms_per_step'] / floor:,.0f}x"
        lines.append(f"| `{row['phase']}` | {row['columns']} | {per_row} | {row['bytes_per_step'] / 1e6:,.1f} | "
                     f"{row['ms_per_step']:,.1f} | {floor_text} | {ratio_text} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("--bandwidth", type=float, help="bytes per second")
    parser.add_argument("--stream", help="JSON written by bench/stream_copy.py")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    profile = json.loads(Path(args.profile).read_text(encoding="utf-8"))
    bandwidth = args.bandwidth
    if args.stream:
        bandwidth = json.loads(Path(args.stream).read_text(encoding="utf-8"))["bytes_per_second"]
    rows = table(profile, bandwidth)
    print(markdown(profile, rows, bandwidth) if args.markdown else json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
