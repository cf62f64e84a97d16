# The workbook's commands. A newcomer needs two:
#   make demo   set up, release the assignments, build answer keys, grade the example class
#   make test   set up, then run every test
# Each creates the virtual environment .venv/ first when it is missing or out of date.

# A system Python 3.11 when there is one: the grading sandbox's unprivileged user must be able to
# read the interpreter (a Python under /root, mode 700, cannot be read by it).
PYTHON ?= $(or $(wildcard /usr/bin/python3.11),$(shell command -v python3.11 2>/dev/null),python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LABEXTENSION := student/nncourse/labextension
QUIZ_BUTTONS := $(VENV)/share/jupyter/labextensions/nncourse-quiz/static/remoteEntry.js

# nbgrader runs some helpers (alembic, jupyter) by name: find the ones of the venv first.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: demo test setup prerequisites release keys grade lab bundle hub clean

demo: prerequisites $(STAMP)
	$(BIN)/python -m grader demo

test: prerequisites $(STAMP) $(QUIZ_BUTTONS)
	$(BIN)/python -m pytest

# What the machine lacks, named with the command that installs it, before anything is built.
prerequisites:
	@sh scripts/prerequisites.sh "$(PYTHON)" $(or $(MAKECMDGOALS),demo)

setup: $(STAMP) $(QUIZ_BUTTONS)

$(STAMP): requirements.txt pyproject.toml student/requirements.txt student/requirements-hub.txt student/pyproject.toml \
          jupyter-config/jupyter_server_config.d/nncourse_grader.json
	@sh scripts/prerequisites.sh "$(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e ./student -e .
	# an editable install does not place data files: enable the formgrader guard (grader.outputs.formgrader) by hand
	install -D -m 644 jupyter-config/jupyter_server_config.d/nncourse_grader.json \
	  $(VENV)/etc/jupyter/jupyter_server_config.d/nncourse_grader.json
	touch $@

# An editable install does not place the quizzes' option buttons either (student/nncourse/labextension): put them
# where JupyterLab finds extensions, again whenever they change.
$(QUIZ_BUTTONS): $(STAMP) $(LABEXTENSION)/package.json $(LABEXTENSION)/static/remoteEntry.js
	install -D -m 644 $(LABEXTENSION)/package.json $(@D)/../package.json
	install -D -m 644 $(LABEXTENSION)/static/remoteEntry.js $@

release: $(STAMP)
	$(BIN)/python -m grader release

keys: prerequisites $(STAMP)
	$(BIN)/python -m grader keys

grade: prerequisites $(STAMP)
	$(BIN)/python -m grader grade

lab: $(STAMP) $(QUIZ_BUTTONS)
	$(BIN)/jupyter lab

# For courses without a hub: the student runtime wheel and one zip per assignment in dist/.
bundle: $(STAMP)
	$(BIN)/python -m grader bundle

# The JupyterHub classroom demo, as root: users, exchange, student environment, the instructor's course,
# then JupyterHub on http://127.0.0.1:8000/ (docs/classroom.md). Options: HUB_ARGS="--port 8080 ...".
hub: $(STAMP)
	$(BIN)/python -m grader hub demo $(HUB_ARGS)

clean:
	rm -rf answer_keys reports gradebook.db autograded/*/ feedback/*/ submitted/*/ dist
