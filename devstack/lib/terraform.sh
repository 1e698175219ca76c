# shellcheck shell=bash
# Terraform against the dev cloud: OpenTofu and the Terraform OpenStack
# provider, built from the Go module proxy at exact versions and cached in
# $TF_CACHE (kept by `make clean`), and a CLI config that finds the provider
# in a filesystem mirror (no provider registry is reachable here).
#
# Neither builds with `go install`: OpenTofu's go.mod has a replace
# directive, and the checksum database does not know the provider's module.
# So each module is downloaded with `go mod download`, copied out of the
# read-only module cache and built in its own directory. Sourced after
# lib/common.sh.

OPENTOFU_MODULE=github.com/opentofu/opentofu
OPENTOFU_VERSION=${OPENTOFU_VERSION:-v1.11.5}
TF_PROVIDER_MODULE=github.com/terraform-provider-openstack/terraform-provider-openstack/v3
TF_PROVIDER_VERSION=${TF_PROVIDER_VERSION:-v3.4.0}
TF_CACHE=${TF_CACHE:-$REPO_DIR/.cache/terraform}
TF_MIRROR=$TF_CACHE/mirror
TOFU_BIN=$TF_CACHE/bin/tofu-$OPENTOFU_VERSION
TF_CLI_CONFIG=$TF_CACHE/tofurc

# tf_build_module MODULE VERSION PACKAGE OUT [GONOSUMDB]: download MODULE at
# VERSION and build its PACKAGE into OUT, unless OUT exists.
tf_build_module() {
  local module=$1 version=$2 pkg=$3 out=$4 nosumdb=${5:-} dir work logf
  [ -x "$out" ] && return 0
  logf=$LOG_DIR/terraform-build.log
  log "terraform: building $module@$version (several minutes, once; log: $logf)"
  dir=$(GOFLAGS= GONOSUMDB=$nosumdb go mod download -json "$module@$version" 2>>"$logf" |
    sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || die "go mod download $module@$version failed (log: $logf)"
  work=$(mktemp -d "$TF_CACHE/build.XXXXXX")
  cp -r "$dir/." "$work/"
  chmod -R u+w "$work"
  mkdir -p "$(dirname "$out")"
  (cd "$work" && GOFLAGS=-mod=mod GONOSUMDB=$nosumdb CGO_ENABLED=0 \
    go build -trimpath -o "$out.tmp" "$pkg") >>"$logf" 2>&1 ||
    { rm -rf "$work"; tail -20 "$logf"; die "building $module@$version failed (log: $logf)"; }
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

# tf_provider_dir HOSTNAME: where the mirror keeps the provider for HOSTNAME.
tf_provider_dir() {
  echo "$TF_MIRROR/$1/terraform-provider-openstack/openstack/${TF_PROVIDER_VERSION#v}/linux_amd64"
}

# terraform_install: OpenTofu and the provider built and mirrored, and the
# CLI config written. Prints nothing when everything is cached.
terraform_install() {
  mkdir -p "$TF_CACHE/bin"
  tf_build_module "$OPENTOFU_MODULE" "$OPENTOFU_VERSION" ./cmd/tofu "$TOFU_BIN"
  local provider=$TF_CACHE/bin/terraform-provider-openstack_$TF_PROVIDER_VERSION host
  tf_build_module "$TF_PROVIDER_MODULE" "$TF_PROVIDER_VERSION" . "$provider" \
    github.com/terraform-provider-openstack
  # Configurations name the provider "terraform-provider-openstack/openstack",
  # which OpenTofu resolves on registry.opentofu.org (Terraform on
  # registry.terraform.io): mirror it under both.
  for host in registry.opentofu.org registry.terraform.io; do
    mkdir -p "$(tf_provider_dir $host)"
    ln -sf "$provider" "$(tf_provider_dir $host)/terraform-provider-openstack_$TF_PROVIDER_VERSION"
  done
  cat >"$TF_CLI_CONFIG" <<EOF
# Written by devstack/lib/terraform.sh.
provider_installation {
  filesystem_mirror {
    path    = "$TF_MIRROR"
    include = ["registry.opentofu.org/terraform-provider-openstack/openstack", "registry.terraform.io/terraform-provider-openstack/openstack"]
  }
}
plugin_cache_dir = "$TF_CACHE/plugin-cache"
EOF
  mkdir -p "$TF_CACHE/plugin-cache"
}
