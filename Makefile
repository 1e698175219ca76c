# gostack: OpenStack's Keystone, Glance, Cinder and Nova APIs in Go.
# `make help` lists the targets.

SHELL := /bin/bash
GO ?= go
export GOFLAGS := -tags=pacific
# Tests and benchmarks find PostgreSQL, RabbitMQ, Ceph and libvirt through
# .stack/test.env (written by the dev stack); see services/testenv.
TEST_FLAGS ?= -count=1 -timeout 85m
PKGS ?= ./...

.PHONY: help dev stop clean status test test-deps unit vet check build image bench bench-keystone tempest-identity tempest-image tempest-volume tempest-network tempest-compute gophercloud bench-image bench-nova-boot bench-nova-list conformance terraform-example horizon-smoke

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

dev: ## bring up the whole cloud on this machine (root; idempotent) and write ./openrc (HOSTS=N: N namespace compute hosts more)
	@bash devstack/stack.sh up

stop: ## stop everything the dev stack started (data kept)
	@bash devstack/stack.sh stop

clean: ## stop, then remove all state (.stack/, openrc)
	@bash devstack/stack.sh clean

status: ## a health line per component
	@bash devstack/stack.sh status

build: ## build every binary into bin/
	$(GO) build -o bin/ ./cmd/...

image: ## build (once) the tiny bootable guest image into .cache/images/tiny.raw
	@bash devstack/image/build-tiny-image.sh .cache/images/tiny.raw

test-deps: ## install and start what the tests need (PostgreSQL, RabbitMQ, Ceph, libvirt)
	@bash devstack/stack.sh deps

# The live migration and evacuation tests (compute/migration/e2e) need two
# namespace compute hosts: make test brings the dev cloud up with HOSTS=2
# (they register disabled, so other tests' guests stay on the main host).
test: export HOSTS ?= 2
test: dev vet ## run every test against the real components and the dev cloud (make dev first)
	CI=$${CI:-} $(GO) test $(TEST_FLAGS) $(PKGS)

unit: ## the tests that need no running component
	$(GO) test -count=1 ./services/config/... ./services/log/... ./services/httpapi/... ./services/fault/...

vet: ## go vet
	$(GO) vet $(PKGS)

check: vet ## gofmt, go vet and the package-doc rule
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	@bash -n devstack/*.sh devstack/lib/*.sh devstack/image/*.sh

bench: test-deps ## benchmarks (RPC round trip, Ceph streaming); figures go in the issue notes
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3s ./services/rpc/ ./services/ceph/

bench-keystone: ## load keystone with wrk: validate, project list, password issue (OPENRC=rc file of another keystone)
	@bash devstack/bench-keystone.sh $(OPENRC)

terraform-example: ## apply, re-plan and destroy examples/terraform with OpenTofu + the OpenStack provider (built once)
	@bash devstack/terraform.sh

horizon-smoke: ## Horizon (Debian's, Zed) on :8088 and its browser smoke test in headless chromium; screenshots in .stack/horizon
	@bash devstack/horizon.sh

conformance: ## every tempest API suite (identity, image, volume, compute, network), then gophercloud's acceptance tests, against `make dev`, counts per suite (long)
	@bash devstack/conformance.sh

tempest-identity: ## tempest's identity API tests against `make dev` (long; not in `make test`)
	@bash devstack/tempest.sh identity

tempest-image: ## tempest's image API tests against `make dev` (long; not in `make test`)
	@bash devstack/tempest.sh image

tempest-volume: ## tempest's volume API tests against `make dev` (long; not in `make test`)
	@bash devstack/tempest.sh volume

tempest-compute: ## tempest's compute API tests against `make dev` (long; not in `make test`)
	@bash devstack/tempest.sh compute

tempest-network: ## tempest's network API tests against `make dev` (long; not in `make test`)
	@bash devstack/tempest.sh network

gophercloud: ## gophercloud's acceptance tests (identity, image, blockstorage, compute) against `make dev` (long; not in `make test`)
	@bash devstack/gophercloud.sh

bench-nova-boot: ## nova: POST /servers to domain started and to ACTIVE, sequential and concurrent boots (make dev first)
	@bash devstack/bench-nova-boot.sh

bench-nova-list: ## nova: GET /servers/detail latency with 500 servers, each nova daemon's memory idle and under load
	@bash devstack/bench-nova-list.sh

bench-image: ## glance-api: 1 GiB upload/download vs rbd import/export, peak RSS, image-list latency with 1000 images
	@bash devstack/bench-image.sh
