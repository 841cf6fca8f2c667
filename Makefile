# Paperlane developer and CI entry points. `make` (or `make help`) lists the targets.
#
# Python tooling is uv's: `uv sync --all-extras --frozen` builds .venv from the committed uv.lock, and
# every tool runs through `uv run --frozen`. The SAM CLI is not a project dependency: it runs from an
# ephemeral environment (`uv tool run --from aws-sam-cli==$(SAM_CLI_VERSION)`), with dummy credentials so
# that `sam validate --lint` and `sam build` work offline.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

HOST ?= 127.0.0.1
PORT ?= 8000
INBOX ?= ./inbox
SAM_CLI_VERSION ?= 1.170.0
TEMPLATE ?= template.yaml
ASL_DIR ?= build/asl

# uv on PATH, or the module of a `pip install [--user] uv` whose script directory is not on PATH.
# Exported: the layer Makefiles that `sam build` runs use the same uv.
UV ?= $(shell command -v uv 2>/dev/null)
ifeq ($(strip $(UV)),)
UV := python3 -m uv
endif
export UV

RUN := $(UV) run --frozen
# `sam` offline: a region, dummy credentials (overriding any profile), no telemetry.
SAM_ENV := env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
	AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing SAM_CLI_TELEMETRY=0
SAM := $(SAM_ENV) $(UV) tool run --from aws-sam-cli==$(SAM_CLI_VERSION) sam

# Every check runs (make -k) and each one that fails fails `make lint`; `make lint-mypy` etc. run one.
LINTS := lint-ruff lint-format lint-mypy lint-cfn lint-sam lint-asl

.PHONY: help setup uv run lint $(LINTS) test build build-all bench clean

help: ## List the targets
	@echo "Paperlane make targets:"
	@grep -E '^[a-z][a-z-]*:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN { FS = ":.*## " } { printf "  %-7s %s\n", $$1, $$2 }'
	@echo "Single checks: $(LINTS)"
	@echo "Variables: HOST=$(HOST) PORT=$(PORT) INBOX=$(INBOX) SAM_CLI_VERSION=$(SAM_CLI_VERSION) UV='$(UV)'"

# Debian's own python3 is "externally managed" (PEP 668): there pip needs --break-system-packages.
uv: ## Install uv (pip) if it is missing
	@if ! $(UV) --version >/dev/null 2>&1; then \
		echo "uv not found: installing it with pip"; \
		python3 -m pip install --user uv || python3 -m pip install uv \
			|| python3 -m pip install --user --break-system-packages uv; \
		python3 -m uv --version; \
	fi

setup: uv ## Create .venv from uv.lock (all extras, dev group)
	$(UV) sync --all-extras --frozen
	@command -v tesseract >/dev/null 2>&1 || echo "optional: OCR needs tesseract-ocr; install with: sudo apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd"

run: setup ## Serve the local stack (moto) on HOST:PORT, watching INBOX
	$(RUN) paperlane serve --inbox $(INBOX) --host $(HOST) --port $(PORT)

lint: setup ## ruff, ruff format, mypy, cfn-lint, sam validate --lint, statelint (all run)
	$(MAKE) -k $(LINTS)

lint-ruff:
	$(RUN) ruff check .

lint-format:
	$(RUN) ruff format --check .

lint-mypy:
	$(RUN) mypy

lint-cfn:
	$(RUN) cfn-lint $(TEMPLATE)

lint-sam:
	$(SAM) validate --lint --template $(TEMPLATE)

# statelint cannot parse `"MaxConcurrency": ${TextMaxConcurrency}`: lint the definitions as SAM renders them.
lint-asl:
	rm -rf $(ASL_DIR)
	$(RUN) python -m paperlane.local.render_asl $(ASL_DIR) $(TEMPLATE)
	$(RUN) statelint $(ASL_DIR)/*.json
	@echo "statelint: $(ASL_DIR)/*.json OK"

test: setup ## lint, then the whole pytest suite
	$(MAKE) lint
	$(RUN) pytest

# --no-cached: SAM's build cache hashes only each CodeUri/ContentUri folder, so it would miss changes to
# uv.lock (the deps layers) and shared/paperlane (PaperlaneLayer). Every build here takes seconds.
# Without Docker, image functions (the OCR container) cannot be built: build everything else from a copy
# of the template without them. With Docker, build-all builds the complete stack for `sam deploy`.
build: setup ## sam build: zip functions and layers for python3.12 arm64 (cross-installed wheels; no Docker)
	$(RUN) python -m paperlane.local.zip_template .template.zip.yaml $(TEMPLATE)
	$(SAM) build --template .template.zip.yaml --no-cached
	@du -sh .aws-sam/build/*/ | sed 's|.aws-sam/build/||; s|/$$||'

build-all: uv ## sam build of everything, the OCR container image included (needs Docker)
	$(SAM) build --template $(TEMPLATE) --no-cached

bench: setup ## Run the benchmarks (bench/run.py)
	$(RUN) python bench/run.py

clean: ## Remove build output and tool caches
	rm -rf .aws-sam build .template.zip.yaml .mypy_cache .ruff_cache .pytest_cache .coverage htmlcov
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
