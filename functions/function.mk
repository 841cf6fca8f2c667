# Shared by functions/<name>/Makefile, each of which sets LOGICAL_ID and HERE (its own folder) first.
#
# template.yaml gives every function `Metadata: BuildMethod: makefile`, so `sam build` needs no local
# python3.12: it runs `make --makefile functions/<name>/Makefile build-<LogicalId>` (in a scratch copy
# of the folder) with ARTIFACTS_DIR set. A function's artefact is its handler module(s) only: paperlane
# and the third-party packages come from the layers (layers/*/Makefile).
#
# By hand: make -f functions/intake/Makefile build-IntakeFunction ARTIFACTS_DIR=/tmp/intake

.PHONY: build-$(LOGICAL_ID)
build-$(LOGICAL_ID):
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)"
	cp $(HERE)*.py "$(ARTIFACTS_DIR)/"
