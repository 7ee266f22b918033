# Kiln: the two commands the README promises.
#   make run   - Kiln on the embedded default (private PostgreSQL, local artifact store, examples/)
#   make test  - the whole test suite (real PostgreSQL, real Pulp)
SHELL := /bin/bash
KILN_HOME ?= $(CURDIR)/.kiln
export KILN_HOME

.PHONY: run test deps build pulp-start pulp-stop

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build --product kiln

run: build
	./.build/debug/kiln serve --repo . --path examples

test: deps
	bash scripts/test.sh
