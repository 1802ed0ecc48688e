#!/bin/bash
# Build deploy/Dockerfile with podman and run the image as a service against a PostgreSQL
# and a Redis the machine already has: db upgrade, an agency and a user, `serve` and a
# `worker` on the Redis broker, one dossier posted and rendered by the worker, its PDF
# downloaded. For a machine without a Docker engine (podman needs none) and, with
# STAND_IN_BASE=1, without access to Docker Hub: the base image python:3.11-slim-bookworm
# is then replaced by Debian 12 with its own Python 3.11 (debootstrap from the Debian mirror).
#
#   sudo deploy/try-image.sh            # from the repository root
#
# Settings (environment): DATABASE_ADMIN_URL (a PostgreSQL where a scratch database
# docgen_image is created and dropped), BROKER_URL, PORT, STAND_IN_BASE.
set -euo pipefail
ADMIN=${DATABASE_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
BROKER=${BROKER_URL:-redis://127.0.0.1:6379/7}
PORT=${PORT:-18000}
WORK=$(mktemp -d /tmp/docgen-image.XXXXXX)
DB=${ADMIN%/*}/docgen_image
BUILD_OPTS=(--network=host)
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then  # a site CA (proxy) reaches pip too
  BUILD_OPTS+=(-v /etc/ssl/certs:/etc/ssl/certs:ro --env PIP_CERT=/etc/ssl/certs/ca-certificates.crt)
fi

step() { printf '\n== %s\n' "$*"; }
cleanup() {
  podman rm -f docgen-image-serve docgen-image-worker >/dev/null 2>&1 || true
  psql "$ADMIN" -qc "DROP DATABASE IF EXISTS docgen_image" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${STAND_IN_BASE:-0}" = 1 ] && ! podman image exists python:3.11-slim-bookworm; then
  step "stand-in base image: Debian 12 with Python 3.11 (debootstrap)"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm \
    "$WORK/rootfs" http://deb.debian.org/debian >/dev/null
  ln -sf python3 "$WORK/rootfs/usr/bin/python"
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb
  tar -C "$WORK/rootfs" -c . | podman import --change 'CMD ["python3"]' - \
    localhost/python:3.11-slim-bookworm >/dev/null
  rm -rf "$WORK/rootfs"
fi

step "podman build -f deploy/Dockerfile"
podman build --isolation=chroot "${BUILD_OPTS[@]}" -f deploy/Dockerfile -t localhost/docgen:try . \
  | grep -E '^\[|Successfully tagged'
podman image ls localhost/docgen:try --format '{{.Repository}}:{{.Tag}} {{.Size}}'

step "scratch database, data volume"
psql "$ADMIN" -qc "DROP DATABASE IF EXISTS docgen_image" -qc "CREATE DATABASE docgen_image"
mkdir -p "$WORK/data" && chown 10001 "$WORK/data"
RUN=(podman run --rm -i --network=host -v "$WORK/data:/var/lib/docgen/data"
     -e DOCGEN_DATABASE_URL="$DB" -e DOCGEN_BROKER_URL="$BROKER" localhost/docgen:try)
D=(--data /var/lib/docgen/data)
"${RUN[@]}" --version
"${RUN[@]}" db upgrade "${D[@]}"
"${RUN[@]}" agency add ubnd-son-la --name "Ủy ban nhân dân tỉnh Sơn La" "${D[@]}"
TOKEN=$(echo "mat-khau-thu-anh-2026" | "${RUN[@]}" user add --agency ubnd-son-la \
        --role chuyen_vien --name "Nguyễn Văn An" --username an --password-stdin "${D[@]}" | tail -1)

step "serve and worker"
DETACH=(podman run -d --network=host -v "$WORK/data:/var/lib/docgen/data"
        -e DOCGEN_DATABASE_URL="$DB" -e DOCGEN_BROKER_URL="$BROKER")
"${DETACH[@]}" --name docgen-image-serve localhost/docgen:try serve "${D[@]}" --host 127.0.0.1 --port "$PORT" >/dev/null
"${DETACH[@]}" --name docgen-image-worker localhost/docgen:try worker "${D[@]}" >/dev/null
API=http://127.0.0.1:$PORT
for _ in $(seq 1 120); do curl -sf "$API/health" >/dev/null && break; sleep 1; done
echo "health: $(curl -s "$API/health")"
echo "staff page: $(curl -s -o /dev/null -w '%{http_code} → %{redirect_url}' "$API/")"

step "a dossier, rendered by the worker"
curl -s -X POST "$API/dossiers" -H "Authorization: Bearer $TOKEN" \
     -H 'Content-Type: application/yaml' --data-binary @fixtures/son-la-2025.yaml \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("dossier", d["id"], d["status_name"])'
JOB=$(curl -s -X POST "$API/dossiers/1/render" -H "Authorization: Bearer $TOKEN" \
      -H 'Prefer: respond-async' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 1 300); do
  STATUS=$(curl -s "$API/jobs/$JOB" -H "Authorization: Bearer $TOKEN")
  echo "$STATUS" | grep -q '"status":"\(done\|failed\|refused\)"' && break; sleep 1
done
echo "$STATUS" | python3 -c 'import json,sys; j=json.load(sys.stdin); print("job", j["id"], j["status_name"], "versions", j["version_ids"])'
podman logs docgen-image-worker 2>&1 | head -1
curl -s -o "$WORK/bao_cao.pdf" "$API/versions/2/files/pdf" -H "Authorization: Bearer $TOKEN"
pdfinfo "$WORK/bao_cao.pdf" | grep -E '^(Title|Pages)'
