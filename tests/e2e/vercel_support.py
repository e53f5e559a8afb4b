"""What the Vercel end-to-end tests share: the derrimut stacks, and the project's variables as Vercel holds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from tests.support import ROOT, Engine, SandboxProcess

TEAM = "team_derrimut"
PROJECT = "prj_DerrimutPlatformSandbox00001"
TOKEN = "vercelsandboxtokenderrimut0000000"


def documents(tmp_path: Path, keep: tuple[str, ...] = ("stripe", "vercel", "vapi")) -> Path:
    """Copies of both stacks' documents (vendor sections outside `keep` left out, products too). Vapi is
    kept by default: prod's NEXT_PUBLIC_VAPI_SQUAD_ID follows its squad's id (without Vapi, it is left
    out)."""
    folder = tmp_path / "snapshots"
    folder.mkdir(exist_ok=True)
    yaml = YAML()
    for stack in ("staging", "prod"):
        data = yaml.load((ROOT / "snapshots" / f"{stack}.yaml").read_text())
        for section in ("clerk", "vapi", "vercel", "stripe", "convex"):
            if section not in keep:
                data.pop(section, None)
        if "stripe" in data:
            data["stripe"].pop("products", None)
        if "vapi" not in keep:
            for project in (data.get("vercel") or {}).get("projects") or []:
                project["env"] = [v for v in project["env"] if not _follows_vapi(v)]
        with (folder / f"{stack}.yaml").open("w") as fh:
            yaml.dump(data, fh)
    return folder


def _follows_vapi(variable: dict[str, Any]) -> bool:
    return str((variable.get("value_from") or {}).get("output", "")).startswith("vapi.")


def squad_id(sandbox: SandboxProcess, name: str = "Derrimut voice agent") -> str:
    """The live id of the derrimut org's squad with this name (prod's by default)."""
    squads = sandbox.dump()["vapi"]["org_derrimut"]["squads"].values()
    found = [s["id"] for s in squads if s["name"] == name]
    assert len(found) == 1, f"{len(found)} squads named {name!r}"
    return str(found[0])


def seeded_stacks(engine: Engine, sandbox: SandboxProcess, tmp_path: Path) -> Path:
    """The derrimut accounts, staging applied (its secrets feed prod's preview target), prod initialised."""
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    folder = documents(tmp_path)
    engine.extra_env["BACKSTOP_SNAPSHOTS_DIR"] = str(folder)
    for stack in ("staging", "prod"):
        engine.init_stack(stack)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    return folder


def variables(sandbox: SandboxProcess) -> list[dict[str, Any]]:
    """The project's variables with their values (the sandbox's dump shows sensitive values too)."""
    envs: list[dict[str, Any]] = sandbox.dump()["vercel"][TEAM]["projects"][PROJECT]["env"]
    return envs


def value_of(sandbox: SandboxProcess, name: str, targets: list[str]) -> str | None:
    found = [e for e in variables(sandbox) if e["key"] == name and sorted(e["target"]) == sorted(targets)]
    assert len(found) <= 1, f"{name} {targets} is held by {len(found)} variables"
    return found[0]["value"] if found else None


def vercel_api(sandbox: SandboxProcess) -> httpx.Client:
    return httpx.Client(
        base_url=f"{sandbox.url}/vercel",
        headers={"Authorization": f"Bearer {TOKEN}"},
        params={"teamId": TEAM},
        timeout=30,
    )
