# mamori — every target sets up what it needs (.venv, Debian packages) before it runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := postgresql chromium fonts-ipaexfont-gothic libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 usbguard \
	dosfstools mtools e2fsprogs ntfs-3g ewf-tools tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert \
	slapd ldap-utils libldap-dev libsasl2-dev
DEMO_DIR ?= demo-out

.PHONY: setup system-deps demo test lint typecheck unit bench clean docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m mamori.i18n  # the .mo files (not in git) from the .po catalogues
	touch $(STAMP)

setup: system-deps $(STAMP)

# Debian packages the tests and reports need; installed only when missing (CI runs as root).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: setup
	$(BIN)/mamori demo --out $(DEMO_DIR)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# The documentation site (MkDocs Material, Japanese first): strict, so a broken link or image fails the build.
# Screenshots of the worked example come from a fresh demo run.
docs: setup
	$(BIN)/python scripts/docs_screenshots.py docs/img/generated --demo build/docs-demo
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict  # not --quiet: it hides the warnings strict counts
	@echo "documentation: site/index.html"

# The whole suite on SQLite, then the server's tests again on a real PostgreSQL started for the run.
test: setup lint docs
	$(BIN)/python -m pytest -n 2 -q
	scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 -q -m "not slow" tests/guard

# Every benchmark; figures go to BENCHMARKS.md by hand (ratios matter, absolute times on a shared machine do not).
bench: setup
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/find_throughput.py
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/names_ginza.py
	$(BIN)/python benchmarks/names_real.py
	$(BIN)/python benchmarks/logs.py
	$(BIN)/python benchmarks/investigate.py
	$(BIN)/python benchmarks/audit.py
	$(BIN)/python benchmarks/guard.py
	$(BIN)/python benchmarks/agent_export.py
	$(BIN)/python benchmarks/agent_policy.py
	$(BIN)/python benchmarks/ocr.py
	$(BIN)/python benchmarks/disk_images.py
	$(BIN)/python benchmarks/hostile.py
	$(BIN)/python benchmarks/slow_clients.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/xlsx_throughput.py
	$(BIN)/python benchmarks/main_scaling.py
	$(BIN)/python benchmarks/docx_letters.py
	$(BIN)/python benchmarks/incremental.py
	$(BIN)/python benchmarks/cluster.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache site build/docs-demo docs/img/generated
