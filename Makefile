# ParIndex — one command to run the demo, one to test. Only prerequisite: Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PARINDEX_DEBUG ?= 1

.PHONY: install run test test-fast lint messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed messages

messages: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d locale -D django --statistics
	$(VENV)/bin/pybabel compile --use-fuzzy -d locale -D djangojs --statistics

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "ParIndex chạy tại http://127.0.0.1:$(PORT)/  (Ctrl+C để dừng)"
	@echo "Tài khoản demo (mật khẩu: parindex-demo): admin, secretariat, chair, observer,"
	@echo "  member.stp, member.stc, member.stttt, member.snv, và <mã đơn vị>.editor / <mã đơn vị>.head"
	@echo "  ví dụ skhcn.editor, skhcn.head, stp.editor, tphatinh.head, cuchaiquan.editor"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite: engine, database tests, browser journeys (skipped with a reason when Chromium is absent).
# On PostgreSQL when PARINDEX_DATABASE_URL points to one.
test: install
	$(VENV)/bin/pytest -n 2 --dist loadfile

test-fast: install
	$(VENV)/bin/pytest -n 2 --dist loadfile -m "not e2e"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: install
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
