#!/usr/bin/env bash
# Installs the Debian packages docgen's tests, demo and benchmark use, when they are missing.
# Called by the Makefile before the virtual environment is made, so a fresh machine needs
# nothing installed by hand. Each package is here for one reason:
#   chromium            real-browser tests of the staff pages (driven by Playwright)
#   poppler-utils       pdftoppm/pdftotext for looking at and checking rendered PDFs, and
#                       the page images of the staff pages' preview
#   softhsm2            a PKCS#11 token for the agency-signature tests
#   libharfbuzz-subset0 font subsetting in WeasyPrint (far faster than the fontTools path)
#   libreoffice-writer-nogui  saving templates as Word users do; the LibreOffice peer in the benchmark
#   fonts-liberation2   metric-compatible fallback fonts (with Vietnamese letters) LibreOffice uses for our DOCX
#   nginx               the shipped nginx sites run in front of a real docgen serve (tests/deploy);
#                       the tests start their own nginx on free ports (Debian may also start the
#                       system one on port 80 after installing; the tests do not use it)
set -euo pipefail
PACKAGES=(chromium poppler-utils softhsm2 libharfbuzz-subset0 libreoffice-writer-nogui fonts-liberation2
          nginx)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Cài các gói hệ thống còn thiếu: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
