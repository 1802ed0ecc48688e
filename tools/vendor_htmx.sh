#!/bin/sh
# Refresh the vendored htmx of the staff pages from the npm registry (never at run time:
# the pages serve their own copy, so they work on a network without internet).
#   sh tools/vendor_htmx.sh            # fetches htmx.org@$VERSION and checks its SHA-256
set -eu
VERSION=2.0.11
SHA256=d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
DEST="$(cd "$(dirname "$0")/.." && pwd)/docgen/interfaces/http/pages/static"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "htmx.org@$VERSION" >/dev/null
tar xzf "htmx.org-$VERSION.tgz"
echo "$SHA256  package/dist/htmx.min.js" | sha256sum -c -
cp package/dist/htmx.min.js "$DEST/htmx.min.js"
cp package/LICENSE "$DEST/htmx.LICENSE"
