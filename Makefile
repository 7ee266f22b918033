# Kiln: the commands the README promises.
#   make run   - Kiln on the embedded default (private PostgreSQL, private Pulp, examples/)
#   make stop  - stop what make run started: kiln serve and Kiln's private Pulp
#   make test  - the whole test suite (real PostgreSQL, real Pulp)
#   make chaos - the chaos suite (bounded, loopback only, not part of make test; docs/RELIABILITY.md)
SHELL := /bin/bash
KILN_HOME ?= $(CURDIR)/.kiln
export KILN_HOME
# Kiln's private Pulp (scripts/pulp-local.sh): its own folder and loopback ports, apart from the
# test suite's Pulp (/tmp/pulp-local, 24817). Override any of them: make run API_PORT=24900 ...
PULP_ROOT ?= $(KILN_HOME)/pulp
PG_PORT ?= 55442
API_PORT ?= 24827
CONTENT_PORT ?= 24826
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 8080
RUN_ENV = PULP_ROOT='$(PULP_ROOT)' PG_PORT=$(PG_PORT) API_PORT=$(API_PORT) CONTENT_PORT=$(CONTENT_PORT) \
	SERVE_HOST=$(SERVE_HOST) SERVE_PORT=$(SERVE_PORT)

.PHONY: run stop test deps build chaos

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build --product kiln

run: build
	$(RUN_ENV) bash scripts/run.sh

stop:
	$(RUN_ENV) bash scripts/stop.sh

test: deps
	bash scripts/test.sh

chaos: build
	bash scripts/chaos.sh
