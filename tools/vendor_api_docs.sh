#!/bin/sh
# Fetch again the Swagger UI and ReDoc files that docgen serves at /docs and /redoc
# (docgen/interfaces/http/static/api-docs/), from the npm registry, unchanged.
set -eu
SWAGGER=5.35.0
REDOC=2.5.4
DEST="$(cd "$(dirname "$0")/.." && pwd)/docgen/interfaces/http/static/api-docs"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "swagger-ui-dist@$SWAGGER" "redoc@$REDOC" >/dev/null
mkdir s r
tar xzf "swagger-ui-dist-$SWAGGER.tgz" -C s
tar xzf "redoc-$REDOC.tgz" -C r
mkdir -p "$DEST"
cp s/package/swagger-ui-bundle.js s/package/swagger-ui-bundle.js.LICENSE.txt \
   s/package/swagger-ui.css s/package/favicon-32x32.png "$DEST/"
cp s/package/LICENSE "$DEST/swagger-ui.LICENSE"
cp s/package/NOTICE "$DEST/swagger-ui.NOTICE"
cp r/package/bundles/redoc.standalone.js r/package/bundles/redoc.standalone.js.LICENSE.txt "$DEST/"
cp r/package/LICENSE "$DEST/redoc.LICENSE"
(cd "$DEST" && sha256sum swagger-ui-bundle.js swagger-ui.css redoc.standalone.js favicon-32x32.png)
