# Kiln: the two commands the README promises.
#   make run   - Kiln on the embedded default (private PostgreSQL, local artifact store, examples/)
#   make test  - the whole test suite (real PostgreSQL, real Pulp)
#   make chaos - the chaos suite (bounded, loopback only, not part of make test; docs/RELIABILITY.md)
SHELL := /bin/bash
KILN_HOME ?= $(CURDIR)/.kiln
export KILN_HOME

.PHONY: run test deps build chaos pulp-start pulp-stop

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build --product kiln

run: build
	./.build/debug/kiln serve --repo . --path examples

test: deps
	bash scripts/test.sh

chaos: build
	bash scripts/chaos.sh
