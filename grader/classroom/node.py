"""Node.js and configurable-http-proxy, the proxy JupyterHub starts (pinned in hub/package-lock.json)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .accounts import run_command
from .settings import HUB_FILES


def ensure_node(log=print) -> str:
    """npm, installed with apt when missing (Debian/Ubuntu's nodejs is recent enough: >= 18)."""
    if shutil.which("npm") and shutil.which("node"):
        return shutil.which("npm")
    log("installing nodejs and npm with apt-get (configurable-http-proxy runs on Node.js)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run_command(["apt-get", "update", "-qq"], "apt-get update", env=env)
    run_command(["apt-get", "install", "-y", "-qq", "nodejs", "npm"], "apt-get install nodejs npm", env=env)
    return shutil.which("npm")


def proxy_command() -> Path:
    return HUB_FILES / "node_modules" / ".bin" / "configurable-http-proxy"


def install_proxy(log=print) -> Path:
    """configurable-http-proxy from hub/package-lock.json (`npm ci`), again whenever the lock changes."""
    npm = ensure_node(log)
    lock = HUB_FILES / "package-lock.json"
    stamp = HUB_FILES / "node_modules" / ".nncourse-lock.sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if proxy_command().exists() and stamp.is_file() and stamp.read_text() == digest:
        return proxy_command()
    log("installing configurable-http-proxy with npm ci (hub/package-lock.json)")
    run_command([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], "npm ci in hub/", cwd=HUB_FILES)
    stamp.write_text(digest)
    return proxy_command()
