"""The shipped systemd unit (deploy/docgen.service): systemd itself finds nothing wrong
with it, and the command it starts is a ``docgen serve`` line docgen's parser accepts,
agreeing with the nginx site in front of it and with the README's install steps."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from command_line import parse
from nginx_site import DEPLOY

UNIT = DEPLOY / "docgen.service"
README = DEPLOY.parent / "README.md"


def unit_entries(text: str) -> dict[str, dict[str, list[str]]]:
    """Section -> key -> values of a unit file (continued lines joined, comments left out)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in re.sub(r"\\\n\s*", " ", text).splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


SERVICE = unit_entries(UNIT.read_text(encoding="utf-8"))["Service"]
(EXEC_START,) = SERVICE["ExecStart"]
PROGRAM, *ARGS = shlex.split(EXEC_START)


def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: install the Debian package systemd")
    # the program must exist for systemd: the one this environment installed stands in
    # for /opt/docgen/bin/docgen
    installed = Path(sys.executable).parent / "docgen"
    assert installed.is_file()
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(PROGRAM, str(installed)),
                    encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


def test_the_unit_starts_docgen_serve_behind_the_local_nginx() -> None:
    parsed = parse(ARGS)
    assert parsed.command == ("serve",)
    assert parsed.params["root_path"] == "/docgen"
    assert parsed.params["trusted_proxy"] == ["127.0.0.1"]
    # the address nginx.conf proxies to
    upstream = re.search(r"^\s*server (\S+):(\d+);", (DEPLOY / "nginx.conf").read_text(),
                         re.MULTILINE)
    assert upstream is not None
    assert (parsed.params["host"], parsed.params["port"]) == (upstream[1], int(upstream[2]))
    # the data folder is the one the hardened service may write
    (writable,) = SERVICE["ReadWritePaths"]
    assert parsed.params["data"].is_relative_to(writable)


def test_the_unit_names_what_the_readme_installs() -> None:
    readme = README.read_text(encoding="utf-8")
    venv = PROGRAM.removesuffix("/bin/docgen")
    assert f"python3 -m venv {venv} " in readme
    (user,) = SERVICE["User"]
    assert f"useradd --system --home-dir /var/lib/{user} --create-home {user}" in readme
    (env_file,) = SERVICE["EnvironmentFile"]
    assert f"cat > {env_file} <<" in readme
    assert f"cp /opt/docgen-src/deploy/{UNIT.name} /etc/systemd/system/" in readme
