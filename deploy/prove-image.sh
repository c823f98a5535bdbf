#!/usr/bin/env bash
# Proves that the Dockerfile builds and that its image serves quotes, on a machine with no Docker
# engine: buildah builds the real Dockerfile and podman runs it, both as root. The base images the
# Dockerfile names are not pulled (no registry of them is reachable here); stand-ins are made
# locally under the official names from a Debian root file system and this machine's own .NET SDK
# and Node.js, then used with --pull=never. Prints one line, "container image: ok" or the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

work=${TICKER_PROOF_WORK:-/var/tmp/ticker-image-proof}
image=localhost/tickerservice:proof
container=ticker-image-proof
port=${TICKER_PROOF_PORT:-18080}
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
mkdir -p "$work"

fail() { echo "container image: FAILED: $*" >&2; exit 1; }

missing=()
for tool in buildah podman debootstrap runc; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null || fail "could not install ${missing[*]}"
fi

# A minimal Debian, once: what the official images are built on, with ICU, TLS roots and time zones.
rootfs=$work/rootfs
if [ ! -f "$rootfs/.complete" ]; then
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || fail "no Debian mirror configured for apt"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || fail "debootstrap failed (see $work/debootstrap.log)"
  touch "$rootfs/.complete"
fi

# make_image NAME FILL [podman import --change instructions...]
make_image() {
  local name=$1 fill=$2
  shift 2
  if podman image exists "$name"; then return; fi
  local dir="$work/stand-in-$fill"
  rm -rf "$dir" && cp -a "$rootfs" "$dir" && rm -f "$dir/.complete"
  "$fill" "$dir"
  local changes=(--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
  for change in "$@"; do changes+=(--change "$change"); done
  tar -C "$dir" -c . | podman import "${changes[@]}" - "$name" >>"$work/import.log" 2>&1 || fail "could not import $name"
  rm -rf "$dir"
}

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

runtime_parts() {
  mkdir -p "$1/usr/share/dotnet/shared"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$1/usr/share/dotnet/"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$1/usr/share/dotnet/shared/"
  ln -sf /usr/share/dotnet/dotnet "$1/usr/bin/dotnet"
  # The official images' non-root user.
  echo "app:x:1654:1654:app:/home/app:/usr/sbin/nologin" >>"$1/etc/passwd"
  echo "app:x:1654:" >>"$1/etc/group"
  mkdir -p "$1/home/app" && chown 1654:1654 "$1/home/app"
}

whole_sdk() {
  mkdir -p "$1/usr/share"
  cp -a "$dotnet_root" "$1/usr/share/dotnet"
  ln -sf /usr/share/dotnet/dotnet "$1/usr/bin/dotnet"
}

node_and_npm() {
  cp -a "$(readlink -f "$(command -v node)")" "$1/usr/bin/node"
  mkdir -p "$1/usr/lib/node_modules" "$1/usr/etc"
  cp -a "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$1/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/bin/npm"
  [ -f /usr/etc/npmrc ] && cp /usr/etc/npmrc "$1/usr/etc/npmrc"
}

make_image mcr.microsoft.com/dotnet/aspnet:10.0 runtime_parts \
  "ENV APP_UID=1654" "ENV ASPNETCORE_HTTP_PORTS=8080" "ENV DOTNET_RUNNING_IN_CONTAINER=true"
make_image mcr.microsoft.com/dotnet/sdk:10.0 whole_sdk \
  "ENV DOTNET_CLI_TELEMETRY_OPTOUT=1" "ENV DOTNET_NOLOGO=1" "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
  "ENV NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online}"
make_image node:20-bookworm-slim node_and_npm \
  "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"

# The real Dockerfile. Package downloads in its RUN steps go through this machine's network and TLS roots.
buildah bud --pull=never --layers --network host -v /etc/ssl/certs:/etc/ssl/certs:ro \
  -t "$image" -f Dockerfile . >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; fail "buildah bud failed (see $work/build.log)"; }

podman rm -f "$container" >/dev/null 2>&1 || true
podman run -d --name "$container" --network host -e ASPNETCORE_HTTP_PORTS="$port" "$image" >/dev/null || fail "podman run failed"
trap 'podman rm -f "$container" >/dev/null 2>&1 || true' EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  sleep 1
done
[ "$(curl -fs "$base/healthz" || true)" = "Healthy" ] || { podman logs "$container" >&2 || true; fail "/healthz did not answer Healthy"; }

first=$(curl -fs "$base/api/quotes/XOM") || fail "no quote for XOM"
sleep 1
second=$(curl -fs "$base/api/quotes/XOM") || fail "no second quote for XOM"
sequence() { sed -n 's/.*"sequence":\([0-9]*\).*/\1/p' <<<"$1"; }
[ "$(sequence "$second")" -gt "$(sequence "$first")" ] || fail "the quote did not move: $first then $second"
curl -fs -o /dev/null "$base/ticker.js" || fail "no /ticker.js"
uid=$(podman exec "$container" sh -c 'id -u' 2>/dev/null || podman inspect -f '{{.Config.User}}' "$image")
[ "$uid" != "0" ] && [ "$uid" != "root" ] || fail "the service runs as root"

echo "container image: ok ($(podman image inspect -f '{{.Size}}' "$image") bytes; XOM sequence $(sequence "$first") -> $(sequence "$second"); user $uid)"
