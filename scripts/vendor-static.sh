#!/usr/bin/env bash
# Vendor third-party front-end files from the npm registry (no CDN at run time).
#
# Fetches a pinned htmx release with `npm pack`, checks the tarball against the pinned
# integrity hash, and copies the minified build, its license and a VERSION file into
# src/bluebridge/web/static/vendor/htmx/. Re-run after changing the pin; commit the result.
#
# To upgrade: `npm view htmx.org@2 version` lists 2.x releases; take the newest, then set
# HTMX_VERSION and HTMX_INTEGRITY (from `npm view htmx.org@<version> dist.integrity`).
set -euo pipefail

HTMX_VERSION="2.0.11"
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/src/bluebridge/web/static/vendor/htmx"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

echo "Fetching htmx.org@${HTMX_VERSION} ..."
tarball="$(cd "${work}" && npm pack --silent "htmx.org@${HTMX_VERSION}" | tail -n 1)"
if [[ -z "${tarball}" || ! -f "${work}/${tarball}" ]]; then
    echo "error: npm pack did not produce a tarball for htmx.org@${HTMX_VERSION}" >&2
    exit 1
fi

actual="$(node -e '
const data = require("fs").readFileSync(process.argv[1]);
process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(data).digest("base64"));
' "${work}/${tarball}")"
if [[ "${actual}" != "${HTMX_INTEGRITY}" ]]; then
    echo "error: integrity mismatch for ${tarball}" >&2
    echo "  expected ${HTMX_INTEGRITY}" >&2
    echo "  actual   ${actual}" >&2
    exit 1
fi

tar -xzf "${work}/${tarball}" -C "${work}"
pkg="${work}/package"

packaged_version="$(node -p 'require(process.argv[1]).version' "${pkg}/package.json")"
if [[ "${packaged_version}" != "${HTMX_VERSION}" ]]; then
    echo "error: package.json says ${packaged_version}, expected ${HTMX_VERSION}" >&2
    exit 1
fi

license_file=""
for candidate in LICENSE LICENSE.md LICENSE.txt license; do
    if [[ -f "${pkg}/${candidate}" ]]; then
        license_file="${pkg}/${candidate}"
        break
    fi
done
if [[ -z "${license_file}" ]]; then
    echo "error: no LICENSE file in htmx.org@${HTMX_VERSION}" >&2
    exit 1
fi

mkdir -p "${dest}"
install -m 0644 "${pkg}/dist/htmx.min.js" "${dest}/htmx.min.js"
install -m 0644 "${license_file}" "${dest}/LICENSE"
printf '%s\n' "${HTMX_VERSION}" > "${dest}/VERSION"

echo "Vendored htmx ${HTMX_VERSION} into ${dest#"${repo_root}/"}:"
ls -l "${dest}"
