"""The JupyterHub classroom: one Linux machine, local users, nbgrader's exchange, two environments.

``python -m grader hub demo`` (``make hub``) sets everything up as root and starts the hub;
docs/classroom.md is the instructor's guide. What :func:`setup` makes:

* local system users (an instructor and students, homes mode 0700), created when missing, with
  random passwords that are printed and kept in ``<state>/hub/logins.txt`` (mode 0600);
* nbgrader's exchange in ``<state>/exchange``: the root world-writable with the sticky bit (every
  nbgrader command checks that it can write there), and the course's folders in it made now, owned
  by the instructor, with the modes nbgrader gives them (outbound 0755, inbound 2733, feedback 0711),
  so that no student can claim the course's name in the exchange before the first release;
* the STUDENT environment in ``<state>/student-env``: a virtual environment of the system's Python
  with the student runtime wheel (``student/``, not editable) and its ``hub`` extra, nothing of the
  instructor's tools. Its ``etc/jupyter`` holds the students' nbgrader settings (course id,
  exchange) and turns off what students must not see: the formgrader, Create Assignment and the
  course list (the Assignments tab and Validate stay);
* the instructor's copy of the course in ``~<instructor>/course`` (config, source/, release/), owned
  by the instructor, with every assignment generated into its gradebook. The instructor's server
  runs the instructor's environment (this repository's ``.venv``) there.

Everything of the hub itself (its database, cookie secret, logs, the logins) lives in
``<state>/hub`` (mode 0700), so that removing ``<state>`` (and the demo users) removes the
classroom: ``python -m grader hub remove``. ``hub/jupyterhub_config.py`` reads ``<state>/classroom.json``.

Modules: :mod:`.settings` (the :class:`Classroom` and where its parts are), :mod:`.accounts` (local users),
:mod:`.node` (the proxy's Node.js), :mod:`.student_env` and :mod:`.instructor` (the two sides),
:mod:`.setup` (making and removing it all), :mod:`.hub_process` (starting and stopping JupyterHub),
:mod:`.cli` (``python -m grader hub``), :mod:`.bundle` (the student wheel and zips, for courses without a hub).
"""

