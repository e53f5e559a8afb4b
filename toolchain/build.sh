#!/usr/bin/env bash
# Builds the pinned Pulumi engine from Go modules into a bin folder (default: .venv/bin).
# Incremental: a binary is rebuilt only when it is missing or reports another version.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
bin="${1:-$here/../.venv/bin}"
mkdir -p "$bin"
bin="$(cd "$bin" && pwd)"
export GOTOOLCHAIN=local

say() { printf '[engine %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

build() { # wrapper-dir  binary  package  version  first-build-estimate  [ldflags]
  local dir="$1" out="$bin/$2" pkg="$3" version="$4" estimate="$5"
  local ldflags="${6:--s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version}"
  local stamp="$out.built-from" want
  want="$version $(sha256sum "$here/$dir/go.sum" | cut -c1-16)"
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    say "$2 $version is up to date"
    return
  fi
  say "building $2 $version (first build: $estimate on 2 cores; rebuilds take seconds)"
  local start=$SECONDS
  (cd "$here/$dir" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  echo "$want" > "$stamp"
  say "built $2 in $((SECONDS - start)) s"
}

say "downloading Go modules (cached after the first run)"
(cd "$here/cli" && go mod download) && (cd "$here/langhost" && go mod download)

build cli pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$PULUMI_CLI_VERSION" "about 4 minutes"
build langhost pulumi-language-python github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
  "$PULUMI_LANGHOST_VERSION" "about 20 seconds"

# The shims are scripts shipped in the sdk module; the module cache is read-only and has no exec bits.
# sdk v3.274.1 no longer ships the policy shim, so that one comes from the host's own v3.79.0.
cli_sdk="$(cd "$here/cli" && go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")"
host_sdk="$(cd "$here/langhost" && go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")"
install -m 0755 "$cli_sdk/python/cmd/pulumi-language-python-exec" "$bin/"
install -m 0755 "$cli_sdk/python/dist/pulumi-resource-pulumi-python" "$bin/"
install -m 0755 "$host_sdk/python/dist/pulumi-analyzer-policy-python" "$bin/"
say "engine ready in $bin: $("$bin/pulumi" version)"

# Stripe's OpenAPI document (from the pinned stripe-mock module), for the sandbox's fidelity tests.
spec_out="$here/../.tools/stripe-openapi"
mock_dir="$(cd "$here/stripe-spec" && go mod download "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" \
  && go list -m -f '{{.Dir}}' github.com/stripe/stripe-mock)"
mkdir -p "$spec_out"
install -m 0644 "$mock_dir/embedded/openapi/spec3.json" "$mock_dir/embedded/openapi/fixtures3.json" "$spec_out/"
say "Stripe OpenAPI $STRIPE_MOCK_VERSION in .tools/stripe-openapi"

# Svix's OpenAPI document (from the pinned svix-webhooks module), checked against its pinned SHA-256.
svix_out="$here/../.tools/svix-openapi"
svix_dir="$(cd "$here/svix-spec" && go mod download "github.com/svix/svix-webhooks@$SVIX_WEBHOOKS_VERSION" \
  && go list -m -f '{{.Dir}}' github.com/svix/svix-webhooks)"
mkdir -p "$svix_out"
install -m 0644 "$svix_dir/codegen/lib-openapi.json" "$svix_out/openapi.json.tmp"
svix_sum="$(sha256sum "$svix_out/openapi.json.tmp" | cut -d' ' -f1)"
if [ "$svix_sum" != "$SVIX_OPENAPI_SHA256" ]; then
  rm -f "$svix_out/openapi.json.tmp"
  say "Svix OpenAPI $SVIX_WEBHOOKS_VERSION: codegen/lib-openapi.json has SHA-256 $svix_sum, not the pinned" \
    "$SVIX_OPENAPI_SHA256 (toolchain/versions.env: SVIX_OPENAPI_SHA256)" >&2
  exit 1
fi
mv "$svix_out/openapi.json.tmp" "$svix_out/openapi.json"
say "Svix OpenAPI $SVIX_WEBHOOKS_VERSION in .tools/svix-openapi (SHA-256 ${svix_sum:0:12}…)"

# Versity's S3 gateway: the real S3 server that the backup-store tests start (tests/support.py: S3Server).
(cd "$here/versitygw" && go mod download)
build versitygw versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" "about 2 minutes" \
  "-s -w -X main.Version=$VERSITYGW_VERSION"
