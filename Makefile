# Two commands matter to a newcomer: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The exact versions installed (and audited): see the header of constraints.txt.
CONSTRAINTS := constraints.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(CONSTRAINTS) | sha1sum | cut -c1-12)

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

.PHONY: venv
venv: $(STAMP) ## Create .venv with the package and its dev tools, at the versions of constraints.txt

.PHONY: pulumi
pulumi: venv ## Put a Pulumi CLI with its Python and YAML hosts in .venv/bin (reuses one on PATH, else builds them from Go modules, cached)
	@bash tools/pulumi-cli/ensure-pulumi.sh $(BIN) >/dev/null

.PHONY: sdk
sdk: pulumi ## Regenerate the plugin's SDKs (Python subpackage, sdk/nodejs, sdk/go) from its schema, sdk/schema.json
	@bash tools/pulumi-cli/gen-sdks.sh --refresh-schema

.PHONY: actionlint
actionlint: ## Build actionlint from Go modules (cached) for the tests of examples/ci
	@bash .ci/ensure-actionlint.sh >/dev/null || { [ "$$CI" != true ] && echo "actionlint unavailable: its tests will skip"; }

.PHONY: audit
audit: venv ## Check constraints.txt for known advisories (pip-audit; needs a network that reaches its database)
	@test -x $(BIN)/pip-audit || $(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) pip-audit
	$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r $(CONSTRAINTS)

.PHONY: lint
lint: venv ## ruff, mypy and the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

.PHONY: test
test: venv pulumi actionlint lint ## Everything: lint, unit, emulator, contract, end-to-end and as-installed tests
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest

.PHONY: test-live
test-live: ## Acceptance tests against real Twilio (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_TEST_PHONE_NUMBER_SID)
	@missing="$$($(PYTHON) -m tests.live.settings test)"; if [ -n "$$missing" ]; then echo "$$missing"; exit 0; fi; \
	$(MAKE) --no-print-directory pulumi && \
	TWILIO_TRUNKING_ACC=1 PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest tests/live -p no:cacheprovider -v

.PHONY: sweep-live
sweep-live: ## Delete the pulumi-twilio-trunking-acc-* trunks an interrupted test-live left; restore its number
	@missing="$$($(PYTHON) -m tests.live.settings sweep)"; if [ -n "$$missing" ]; then echo "$$missing"; exit 0; fi; \
	$(MAKE) --no-print-directory venv && $(BIN)/python -m tests.live.sweep

.PHONY: test-fast
test-fast: venv ## Tests that need no Pulumi CLI
	$(BIN)/pytest -m "not e2e"

.PHONY: demo
demo: venv pulumi ## pulumi up of the example against the embedded emulator, then print the bindings
	$(BIN)/python examples/run_demo.py up

.PHONY: destroy
destroy: venv pulumi ## pulumi destroy of the demo stack (emulator state is kept in .demo/)
	$(BIN)/python examples/run_demo.py destroy

.PHONY: emulator
emulator: venv ## Run the Twilio API emulator in the foreground (prints its base URL)
	$(BIN)/twilio-trunking-emulator --port 8099 --seed examples/emulator-seed.json

.PHONY: bench
bench: venv pulumi ## Benchmarks beside Terraform (../shared/anchor, when there); last line BENCH {json}; BENCH_ARGS=--quick for a short run
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks $(BENCH_ARGS)

.PHONY: clean
clean: ## Remove the virtualenv, caches and demo state (not the cached Pulumi build)
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
