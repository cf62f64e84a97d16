"""JupyterHub configuration of the classroom (started as root by `python -m grader hub start|demo`).

Where things are comes from <state>/classroom.json (written by `python -m grader hub setup`; the state
folder is $NNCOURSE_HUB_DIR, default /srv/nncourse-hub). Each setting below says why it is there;
docs/classroom.md is the instructor's guide.
"""

import os
from pathlib import Path

from grader.classroom.limits import configure_hub
from grader.classroom.node import proxy_command
from grader.lms.hub_auth import configure_hub as configure_lti
from grader.classroom.settings import (DATA_ENV, DEFAULT_STATE, EXCHANGE_ENV, SAFE_PATH, SERVICE_NAME, STATE_ENV,
                                      Classroom)

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
classroom = Classroom.load(os.environ.get(STATE_ENV, DEFAULT_STATE))

# -- where the hub listens and keeps its state --------------------------------------------------
# The proxy serves the users on ip:port; put an HTTPS reverse proxy in front of it for a real class.
c.JupyterHub.ip = classroom.ip
c.JupyterHub.port = classroom.port
# The hub and the proxy's API stay on the loopback interface.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = classroom.hub_port
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % classroom.proxy_api_port
# configurable-http-proxy pinned in hub/package-lock.json (npm ci), not a global install.
c.ConfigurableHTTPProxy.command = [str(proxy_command())]
c.ConfigurableHTTPProxy.pid_file = str(classroom.private / "proxy.pid")
# The database and cookie secret in the root-only folder, so removing the state folder removes them.
c.JupyterHub.db_url = "sqlite:///%s" % (classroom.private / "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = str(classroom.private / "jupyterhub_cookie_secret")

# -- who logs in --------------------------------------------------------------------------------
# Local system accounts with their system passwords (PAM), and only the classroom's users.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(classroom.users)
# No PAM session: nothing to open for a web login, and pam_loginuid fails in many containers.
c.PAMAuthenticator.open_sessions = False
# A course with an LTI registration (<course>/.nncourse/lti/registration.toml, docs/lms.md): students arrive from
# the LMS by LTI 1.3 launches instead, each logged in as the roster's student the launch names (grader.lms.hub_auth).
configure_lti(c, classroom.course_folder, classroom.instructor)

# -- what each user's server runs ---------------------------------------------------------------
# Each user's server is a process of that user (LocalProcessSpawner), started from a login-like
# environment: a short PATH, the hub's own variables never passed on.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.default_url = "/lab"
# A loaded machine may need a while to start JupyterLab.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300


def choose_environment(spawner):
    """The instructor's server: the instructor's tools in the course folder (the formgrader, the
    grader, the exchange). A student's server: the student environment in their home, nothing else."""
    name = spawner.user.name
    env = dict(spawner.environment)
    if classroom.data_dir:
        env[DATA_ENV] = classroom.data_dir
    if name == classroom.instructor:
        python_env = classroom.instructor_env
        spawner.notebook_dir = str(classroom.course_folder)
        env[EXCHANGE_ENV] = str(classroom.exchange)   # the course's nbgrader_config.py reads it
    else:
        python_env = classroom.student_env
        spawner.notebook_dir = "~"
    spawner.cmd = [str(Path(python_env) / "bin" / "jupyterhub-singleuser")]
    env["PATH"] = "%s:%s" % (Path(python_env) / "bin", SAFE_PATH)
    spawner.environment = env


c.Spawner.pre_spawn_hook = choose_environment

# -- what each user may take of the machine -----------------------------------------------------
# Memory, CPU, processes (and the home's disk where its file system keeps quotas) per user's server; a share
# kept for the hub and for the grading service (grader/classroom/limits.py, docs/classroom.md "Limits").
# systemd's units where systemd runs, control groups directly elsewhere; the hub prints which limits are in
# force, and refuses to start when it cannot enforce them unless the classroom's settings say limits = "off".
limits = configure_hub(c, classroom)


# -- the on-submit grading service --------------------------------------------------------------
# `python -m grader serve`: grades each submission as it reaches the exchange and releases the verdict through
# nbgrader's feedback exchange (docs/classroom.md). A managed service: the hub starts it, starts it again if it
# exits, and stops it with the hub. It runs as the instructor, who owns the course and its answer keys: never
# as root, never as a student.
# With limits, root starts it in the grading service's own group, which then becomes the instructor
# (`python -m grader.classroom.limits enter`): a busy class cannot starve verdicts, nor can grading the hub.
grading_command = [str(Path(classroom.instructor_env) / "bin" / "python"), "-m", "grader", "serve"]
c.JupyterHub.services = [{
    "name": SERVICE_NAME,
    "url": "http://127.0.0.1:%d" % classroom.service_port,
    **({"command": grading_command, "user": classroom.instructor} if limits.plan is None else
       {"command": limits.service_command(grading_command, classroom.instructor)}),
    "cwd": str(classroom.course_folder),
    "environment": {EXCHANGE_ENV: str(classroom.exchange),
                    "PATH": "%s:%s" % (Path(classroom.instructor_env) / "bin", SAFE_PATH)},
    "oauth_no_confirm": True,
}]
# Every user of the class may open the service's page (it shows each of them their own submissions only).
c.JupyterHub.load_roles = [{"name": "user", "description": "a user of the class",
                            "scopes": ["self", "access:services!service=%s" % SERVICE_NAME]}]

# -- idle servers ---------------------------------------------------------------------------------
# jupyterhub-idle-culler stops a server that showed no activity for idle_minutes (its files stay in the home;
# its kernels' variables do not). The hub learns of activity every few minutes, so a server is stopped within
# a few minutes after the time.
if classroom.idle_minutes:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [str(Path(classroom.instructor_env) / "bin" / "python"), "-m", "jupyterhub_idle_culler",
                    "--timeout=%d" % (classroom.idle_minutes * 60),
                    "--cull-every=%d" % max(60, min(300, classroom.idle_minutes * 60 // 4))],
    })
    c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
                                    "scopes": ["list:users", "read:users:activity", "read:servers",
                                               "delete:servers"]})
