"""Static checks of the container files (deploy/Dockerfile, deploy/compose.yaml): no
Docker engine is needed, and none ran them (README, Deployment). What can be known
without one is checked: the compose file parses, every docgen command and setting in it
and in the image is one docgen accepts, the image's COPY sources exist and build a
package that carries its templates and fixtures, it runs as a user that is not root, and
the files nginx mounts are the shipped ones."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from command_line import parse
from nginx_site import DEPLOY, SHARED_INCLUDE

from docgen.interfaces.configuration import CONFIG_ENV, env_name, load, settable_fields

ROOT = DEPLOY.parent
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
ENV_EXAMPLE = dict(line.split("=", 1) for line in
                   (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
                   if line and not line.startswith("#"))


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continued lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [(word.upper(), rest.strip()) for word, _, rest in
            (line.partition(" ") for line in lines if line and not line.startswith("#"))]


STAGES: list[list[tuple[str, str]]] = []
for _step in instructions(DEPLOY / "Dockerfile"):
    if _step[0] == "FROM":
        STAGES.append([])
    STAGES[-1].append(_step)
BUILD, IMAGE = STAGES


def last(stage: list[tuple[str, str]], word: str) -> str:
    return [rest for name, rest in stage if name == word][-1]


def interpolate(value: str) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?message}, from deploy/env.example."""
    def one(match: re.Match[str]) -> str:
        name, how, default = match[1], match[2] or "", match[3] or ""
        if name in ENV_EXAMPLE:
            return ENV_EXAMPLE[name]
        assert how != ":?", f"{name} is required but not in deploy/env.example"
        return default
    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", one, value)


def test_the_compose_services_are_the_readmes() -> None:
    assert set(SERVICES) == {"db", "redis", "docgen", "worker", "nginx"}
    assert (ROOT / SERVICES["docgen"]["build"]["dockerfile"]).is_file()
    assert (DEPLOY / SERVICES["docgen"]["build"]["context"]).resolve() == ROOT


def test_the_images_docgen_commands_are_accepted_by_docgen() -> None:
    entrypoint = json.loads(last(IMAGE, "ENTRYPOINT"))
    assert entrypoint == ["tini", "--", "docgen"]
    serve = parse(json.loads(last(IMAGE, "CMD")))
    assert "command" not in SERVICES["docgen"]  # the image's command
    assert serve.command == ("serve",)
    # listens where the image says it does, and writes the volume
    port = int(last(IMAGE, "EXPOSE"))
    assert (serve.params["host"], serve.params["port"]) == ("0.0.0.0", port)
    assert f"http://127.0.0.1:{port}/health" in last(IMAGE, "HEALTHCHECK")
    (volume,) = json.loads(last(IMAGE, "VOLUME"))
    assert str(serve.params["data"]) == volume
    worker = parse(SERVICES["worker"]["command"])
    assert worker.command == ("worker",) and str(worker.params["data"]) == volume
    for service in ("docgen", "worker"):
        assert f"blobs:{volume}" in SERVICES[service]["volumes"]


def deployment_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Deployment\n", 1)[1].split("\n## ", 1)[0]


def readme_commands() -> dict[tuple[str, ...], list[str]]:
    """The docgen commands of the README's install steps (systemd path): command -> args."""
    commands = {}
    for line in re.sub(r"\\\n\s*", " ", deployment_section()).splitlines():
        if "/opt/docgen/bin/docgen " in line:
            args = shlex.split(line.split("/opt/docgen/bin/docgen ", 1)[1], comments=True)
            commands[parse(args).command] = args
    return commands


def test_the_readmes_docgen_commands_are_accepted_by_docgen() -> None:
    """The install steps of both paths: parsed whole, or (a compose line that says "the
    same as above" with …) naming a command the systemd path gives whole."""
    whole = readme_commands()
    assert {("db", "upgrade"), ("agency", "add"), ("user", "add")} <= set(whole)
    readme = deployment_section()
    found = re.findall(r"`docker compose -f deploy/compose\.yaml (run --rm|exec) (\w+) ([^`]+)`",
                       readme)
    assert {how for how, _, _ in found} == {"run --rm", "exec"}
    for how, service, line in found:
        assert service in SERVICES
        args = line.split()
        if how == "exec":  # a command in the running container: the program is named
            assert args.pop(0) == "docgen"
        if "…" in args:
            assert tuple(args[:args.index("…")]) in whole, line
        else:
            assert parse(args).command, line


def test_the_docgen_settings_of_the_compose_file_are_docgens() -> None:
    known = {env_name(name) for name in settable_fields()} | {CONFIG_ENV}
    for service in ("docgen", "worker"):
        environment = {k: interpolate(v) for k, v in SERVICES[service]["environment"].items()}
        assert set(environment) <= known, set(environment) - known
        settings = load(environ=environment)
        assert settings.database_url == ("postgresql+psycopg://docgen:"
                                         f"{ENV_EXAMPLE['POSTGRES_PASSWORD']}@db:5432/docgen")
        assert settings.broker_url == "redis://redis:6379/0"
    service = load(environ={k: interpolate(v)
                            for k, v in SERVICES["docgen"]["environment"].items()})
    assert service.root_path == "/docgen"
    # the proxies trusted are the compose network nginx is on, and nothing wider
    (subnet,) = [c["subnet"] for c in COMPOSE["networks"]["default"]["ipam"]["config"]]
    assert service.trusted_proxies == (subnet,)


def test_nginx_mounts_the_shipped_sites_and_reaches_the_docgen_service() -> None:
    mounts = dict(volume.removesuffix(":ro").split(":", 1)
                  for volume in SERVICES["nginx"]["volumes"])
    assert mounts["./nginx-docgen.conf"] == SHARED_INCLUDE
    assert mounts["./nginx-compose.conf"].startswith("/etc/nginx/conf.d/")
    for source in mounts:
        if source != "./tls":  # the agency's certificate, put there at install
            assert (DEPLOY / source).is_file(), source
    site = (DEPLOY / "nginx-compose.conf").read_text(encoding="utf-8")
    assert f"include {SHARED_INCLUDE};" in site
    assert f"ssl_certificate     {mounts['./tls']}/fullchain.pem;" in site
    assert re.search(rf"^\s*server docgen:{last(IMAGE, 'EXPOSE')};", site, re.MULTILINE)


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    user = last(IMAGE, "USER")
    run = " ".join(rest for name, rest in IMAGE if name == "RUN")
    created = re.search(rf"useradd --system --uid (\d+) .*?{user}\b", run)
    assert created is not None and user not in {"root", "0"} and int(created[1]) >= 1000
    # tini is installed by the image, docgen by the package into the venv on the PATH
    assert re.search(r"apt-get install [^&]*\btini\b", run)
    copied = [rest for name, rest in IMAGE if name == "COPY"]
    assert "--from=build /opt/docgen /opt/docgen" in copied
    assert "PATH=/opt/docgen/bin:$PATH" in last(IMAGE, "ENV")
    assert re.search(r'^docgen = "docgen\.interfaces\.cli:app"$',
                     (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)


def copied_sources(stage: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """(sources, destination) of the stage's COPY steps that copy from the build context."""
    steps = []
    for name, rest in stage:
        if name == "COPY" and not rest.startswith("--from="):
            *sources, destination = rest.split()
            steps.append((sources, destination))
    return steps


@pytest.mark.package
def test_the_build_stage_copies_what_builds_a_complete_package(tmp_path: Path) -> None:
    """The build context as the Dockerfile's COPY steps make it, built into a wheel: it
    must carry every module, and the templates, fixtures and fonts (setup.py maps them
    into the package).
    With the wheel tests (``make check-package``): building takes a while."""
    context = tmp_path / "src"
    context.mkdir()
    for sources, destination in copied_sources(BUILD):
        for source in sources:
            origin = ROOT / source
            assert origin.exists(), f"COPY {source}: not in the repository"
            target = context / destination / (source if destination.endswith("/") else "")
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                           "-w", str(tmp_path / "dist"), str(context)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("docgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"docgen/templates/quyet_dinh/quyet_dinh.docx", "docgen/fixtures/son-la-2025.yaml",
            "docgen/render/fonts/LiberationSerif-Regular.ttf",
            "docgen/interfaces/http/static/api-docs/swagger-ui-bundle.js"} <= names
    # and every module: a folder without __init__.py is silently left out
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docgen").rglob("*.py")}
    assert modules - names == set()


@pytest.mark.parametrize("stage", [BUILD, IMAGE], ids=["build", "image"])
def test_every_copy_source_exists(stage: list[tuple[str, str]]) -> None:
    for sources, _ in copied_sources(stage):
        for source in sources:
            assert (ROOT / source).exists(), source
