"""The LMS's registration of the course's tool, in one file that never enters the repository.

``<course>/.nncourse/lti/registration.toml`` (``c.LtiTool.registration`` names another), mode 0600, read by the
hub (which logs students in from LTI launches) and by the grader (which posts scores)::

    issuer = "https://canvas.instructure.com"               # the platform's "iss"
    client_id = "10000000000042"                            # the tool's client id at the platform
    deployment_id = "1:8865aa05b4b79b64a91a86042e43af5ea8ae79eb"
    authorize_url = "https://lms.example.edu/api/lti/authorize_redirect"   # OIDC authorization end-point
    jwks_url = "https://lms.example.edu/api/lti/security/jwks"            # the platform's public keys
    token_url = "https://lms.example.edu/login/oauth2/token"              # OAuth2 token end-point (AGS)
    private_key = "tool.pem"        # the tool's RSA key (relative to this file), made by `grader lti-keys`
    key_id = "nncourse-2027-01"     # its "kid"; the platform gets the public half as a JWK
    match = "email"                 # the launch claim that names a student of the roster: "email" or "sub",
                                    # or "custom_<name>" for a custom claim (e.g. the login id)
    instructor_email = "teacher@example.edu"   # the launch email that logs in the hub's instructor (optional)

``python -m grader lti-keys`` writes the key pair beside it and prints the JWK to paste into the platform's
registration (or the URL it serves it at).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from traitlets import Unicode
from traitlets.config import Configurable

from ..course import Course
from ..errors import JobFailed

REGISTRATION = Path(".nncourse") / "lti" / "registration.toml"
FIELDS = ("issuer", "client_id", "deployment_id", "authorize_url", "jwks_url", "token_url", "private_key", "key_id")


class RegistrationError(JobFailed):
    """The registration cannot be used (the message names the file and the problem)."""


class LtiTool(Configurable):
    """Where the LMS's registration of the tool is (``c.LtiTool.*`` in nbgrader_config.py)."""

    registration = Unicode("", help="The registration file (default: <course>/.nncourse/lti/registration.toml)"
                           ).tag(config=True)


@dataclass(frozen=True)
class Registration:
    path: Path
    issuer: str
    client_id: str
    deployment_id: str
    authorize_url: str
    jwks_url: str
    token_url: str
    private_key: Path
    key_id: str
    match: str = "email"
    instructor_email: str = ""

    def private_pem(self) -> bytes:
        try:
            return self.private_key.read_bytes()
        except OSError as exc:
            raise RegistrationError("%s: private_key %s cannot be read: %s" % (self.path, self.private_key,
                                                                               exc.strerror or exc)) from None

    def public_jwk(self) -> dict:
        """The tool's public key as a JWK (what the platform's registration takes)."""
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
        from jwt.algorithms import RSAAlgorithm

        key = load_pem_private_key(self.private_pem(), password=None).public_key()
        jwk = json.loads(RSAAlgorithm.to_jwk(key))
        jwk.update({"kid": self.key_id, "alg": "RS256", "use": "sig"})
        return jwk


def registration_path(course: Course) -> Path:
    configured = LtiTool(config=course.config).registration
    return Path(configured) if configured else course.root / REGISTRATION


def load_registration(path: Path) -> Registration | None:
    """The registration at ``path``, checked; None when there is no file (the course does not use LTI)."""
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistrationError("%s: not valid TOML: %s" % (path, exc)) from None
    missing = [name for name in FIELDS if not isinstance(data.get(name), str) or not data[name].strip()]
    if missing:
        raise RegistrationError("%s: %s missing (it needs %s)" % (path, ", ".join(missing), ", ".join(FIELDS)))
    unknown = sorted(set(data) - set(FIELDS) - {"match", "instructor_email"})
    if unknown:
        raise RegistrationError("%s: unknown entries %s" % (path, ", ".join(unknown)))
    key = Path(data["private_key"])
    values = {name: data[name].strip() for name in FIELDS}
    values["private_key"] = key if key.is_absolute() else path.parent / key
    return Registration(path, match=data.get("match", "email"), instructor_email=data.get("instructor_email", ""),
                        **values)


def write_keys(folder: Path, key_id: str) -> tuple[Path, dict]:
    """A new RSA key pair for the tool: ``<folder>/tool.pem`` (mode 0600) and its public JWK."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / "tool.pem"
    if path.exists():
        raise RegistrationError("%s exists: the platform knows its public key; move it away first to replace it"
                                % path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": key_id, "alg": "RS256", "use": "sig"})
    return path, jwk
