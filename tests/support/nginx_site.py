"""The shipped nginx sites made runnable on a test machine: the same files, with only the
listen ports, the certificate paths, the include path and docgen's address replaced, and
a main configuration whose pid, logs and temporary folders are private to one test.

Every replacement must match the shipped text exactly as many times as expected, so a
site that changed shape fails loudly here instead of being tested half-replaced.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SHARED = DEPLOY / "nginx-docgen.conf"
#: Where the sites include the shared part from (the path their comments tell to use).
SHARED_INCLUDE = "/etc/nginx/snippets/docgen.conf"


def nginx_binary() -> str:
    """Return nginx's path; without it the test fails saying how to get it (no skip)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)
    if found is None:
        pytest.fail("nginx is not installed: run tools/system-packages.sh (Debian package nginx)")
    return found


def replace(text: str, pattern: str, new: str, count: int) -> str:
    """Replace `pattern` (a regular expression) by `new`, insisting on `count` matches."""
    result, made = re.subn(pattern, new, text, flags=re.MULTILINE)
    assert made == count, f"{pattern!r}: {made} matches in the shipped site, expected {count}"
    return result


@dataclass(frozen=True)
class Ports:
    http: int
    https: int


def local_site(site: Path, folder: Path, *, ports: Ports, upstream: str, tls: Path) -> Path:
    """Write `site` made local into `folder`: loopback ports, `tls`'s certificate, the
    shipped shared part, and docgen at `upstream` (host:port). Return the written file."""
    text = site.read_text(encoding="utf-8")
    text = replace(text, r"^\s*listen \[::\]:\d+.*$", "", 2)   # IPv4 loopback only
    text = replace(text, r"listen 80;", f"listen 127.0.0.1:{ports.http};", 1)
    text = replace(text, r"listen 443 ssl http2;", f"listen 127.0.0.1:{ports.https} ssl http2;", 1)
    text = replace(text, r"ssl_certificate\s+\S+;", f"ssl_certificate {tls / 'fullchain.pem'};", 1)
    text = replace(text, r"ssl_certificate_key\s+\S+;",
                   f"ssl_certificate_key {tls / 'privkey.pem'};", 1)
    text = replace(text, re.escape(f"include {SHARED_INCLUDE};"), f"include {SHARED};", 1)
    text = replace(text, r"^(\s*server )\S+:\d+;", rf"\g<1>{upstream};", 1)
    path = folder / f"site-{site.name}"
    path.write_text(text, encoding="utf-8")
    return path


def main_config(folder: Path, site: Path) -> Path:
    """Write an nginx.conf that includes `site`, with everything nginx writes in `folder`."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    # as root, workers would run as nobody and could not use the private temp folders
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"    access_log {folder / 'access.log'};\n"
        f"    client_body_temp_path {folder / 'body'};\n"
        f"    proxy_temp_path {folder / 'proxy'};\n"
        f"    fastcgi_temp_path {folder / 'fastcgi'};\n"
        f"    uwsgi_temp_path {folder / 'uwsgi'};\n"
        f"    scgi_temp_path {folder / 'scgi'};\n"
        f"    include {site};\n"
        "}\n", encoding="utf-8")
    return conf


def nginx_command(conf: Path, *extra: str) -> list[str]:
    """nginx on `conf`, its prefix and early error log in the config's folder."""
    folder = conf.parent
    return [nginx_binary(), "-p", str(folder), "-e", str(folder / "error.log"),
            "-c", str(conf), *extra]


def check(conf: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on `conf`."""
    return subprocess.run(nginx_command(conf, "-t"), capture_output=True, text=True,
                          timeout=30, check=False)


def self_signed(folder: Path) -> Path:
    """Make a self-signed certificate for docgen.example.gov.vn and 127.0.0.1 in `folder`
    (fullchain.pem, privkey.pem), as an agency would get one; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=docgen.example.gov.vn",
         "-addext", "subjectAltName=DNS:docgen.example.gov.vn,IP:127.0.0.1",
         "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True, timeout=30)
    return folder
