#!/usr/bin/env bash
# Vendor third-party front-end files from the npm registry (no CDN at run time).
#
# Each package is fetched at a pinned version with `npm pack`, checked against its pinned
# integrity hash, and the files the portal serves are copied with the package's license and a
# VERSION file into src/bluebridge/web/static/vendor/<name>/. Re-run after changing a pin and
# commit the result. To upgrade: `npm view <package> version` and
# `npm view <package>@<version> dist.integrity`.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_root="${repo_root}/src/bluebridge/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# vendor PACKAGE VERSION INTEGRITY DIRECTORY FILE...  (FILE paths are inside the package)
vendor() {
    local package="$1" version="$2" integrity="$3" directory="$4"
    shift 4
    local unpack="${work}/${directory}"
    mkdir -p "${unpack}"
    echo "Fetching ${package}@${version} ..."
    local tarball
    tarball="$(cd "${unpack}" && npm pack --silent "${package}@${version}" 2>/dev/null | tail -n 1)"
    if [[ -z "${tarball}" || ! -f "${unpack}/${tarball}" ]]; then
        echo "error: npm pack did not produce a tarball for ${package}@${version}" >&2
        exit 1
    fi
    local actual
    actual="$(node -e '
const data = require("fs").readFileSync(process.argv[1]);
process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(data).digest("base64"));
' "${unpack}/${tarball}")"
    if [[ "${actual}" != "${integrity}" ]]; then
        echo "error: integrity mismatch for ${tarball}: expected ${integrity}, got ${actual}" >&2
        exit 1
    fi
    tar -xzf "${unpack}/${tarball}" -C "${unpack}"
    local pkg="${unpack}/package" dest="${vendor_root}/${directory}"
    local license=""
    for candidate in LICENSE LICENSE.md LICENSE.txt license; do
        if [[ -f "${pkg}/${candidate}" ]]; then license="${pkg}/${candidate}"; break; fi
    done
    if [[ -z "${license}" ]]; then
        echo "error: no LICENSE file in ${package}@${version}" >&2
        exit 1
    fi
    mkdir -p "${dest}"
    for file in "$@"; do
        install -m 0644 "${pkg}/${file}" "${dest}/$(basename "${file}")"
    done
    install -m 0644 "${license}" "${dest}/LICENSE"
    printf '%s\n' "${version}" > "${dest}/VERSION"
    echo "Vendored ${package} ${version} into ${dest#"${repo_root}/"}"
}

vendor htmx.org 2.0.11 \
    "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==" \
    htmx dist/htmx.min.js

# The API explorer at /api/docs.
vendor swagger-ui-dist 5.35.0 \
    "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==" \
    swagger-ui swagger-ui-bundle.js swagger-ui.css

# Country shapes for the portal's world maps (Natural Earth 1:110m, public domain, as TopoJSON).
vendor world-atlas 2.0.2 \
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==" \
    world-atlas countries-110m.json
