# Yufang: two commands on a fresh machine, `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python 3.12 or newer: take the first interpreter on this machine that is.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help venv run test lint worker demo bench-clean

help:
	@echo "make run    安装依赖、迁移 SQLite 数据库、载入演示数据并在 http://127.0.0.1:$(PORT) 启动平台"
	@echo "make test   安装依赖并运行全部检查与测试"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then echo "需要 Python 3.12 或更高版本（Django 6 的要求），本机未找到。" >&2; exit 1; fi
	@echo "使用 $(PYTHON) 创建虚拟环境 $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

run: venv
	@mkdir -p var
	@$(PY) manage.py migrate --no-input
	@$(PY) manage.py load_demo
	@echo "任务工作进程与定时任务调度已在后台启动；按 Ctrl+C 同时停止服务、工作进程与调度。"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & \
	  $(PY) manage.py run_scheduler >var/scheduler.log 2>&1 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: venv
	$(PY) manage.py db_worker --queue-name '*'

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)
