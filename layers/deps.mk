# Shared by layers/api-deps/Makefile and layers/pipeline-deps/Makefile, which set LOGICAL_ID, EXTRA,
# LAYER_PRUNE and HERE (their own folder) first.
#
# `sam build` (BuildMethod: makefile) runs `make --makefile layers/<name>/Makefile build-<LogicalId>` with
# ARTIFACTS_DIR set. The layer's packages are the ones uv.lock pins for the project's core dependencies
# plus one extra, cross-installed as wheels for the Lambda runtime: python3.12 on Amazon Linux 2023
# (glibc 2.34), arm64. No local python3.12 or container is needed.
#
# By hand: make -f layers/api-deps/Makefile build-ApiDepsLayer ARTIFACTS_DIR=/tmp/api-deps

ROOT := $(abspath $(HERE)../..)
REQUIREMENTS := $(ROOT)/build/layers/$(LOGICAL_ID).requirements.txt
LAMBDA_PYTHON ?= 3.12
# manylinux2014 (glibc 2.17) is too old: numpy and PyMuPDF publish aarch64 wheels for manylinux_2_28 only.
LAMBDA_PLATFORM ?= aarch64-manylinux_2_34

UV ?= $(shell command -v uv 2>/dev/null)
ifeq ($(strip $(UV)),)
UV := python3 -m uv
endif

.PHONY: build-$(LOGICAL_ID)
build-$(LOGICAL_ID):
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	mkdir -p "$(dir $(REQUIREMENTS))"
	cd "$(ROOT)" && $(UV) export --frozen --no-dev --no-emit-project --no-hashes --extra $(EXTRA) \
		$(addprefix --prune ,$(LAYER_PRUNE)) --quiet --output-file "$(REQUIREMENTS)"
	rm -rf "$(ARTIFACTS_DIR)/python"
	cd "$(ROOT)" && $(UV) pip install --target "$(ARTIFACTS_DIR)/python" \
		--python-platform $(LAMBDA_PLATFORM) --python-version $(LAMBDA_PYTHON) \
		--only-binary :all: --no-deps --quiet -r "$(REQUIREMENTS)"
	@echo "$(LOGICAL_ID): $$(du -sh "$(ARTIFACTS_DIR)/python" | cut -f1) unpacked from $(REQUIREMENTS)"
