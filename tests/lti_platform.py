"""The LMS of the LTI tests: the third-party ``lti1p3platform`` package (PyPI), served on 127.0.0.1.

Everything LTI in it is the package's: its ``Registration`` holds the platform's RSA key and the tool's JWKS;
``OIDCLoginAbstract.initiate_login`` starts a launch (the OIDC login initiation to the tool);
``LTIAdvantageMessageLaunchAbstract`` checks the tool's authentication request, builds the id_token with the
user's, context's, resource link's and AGS claims and signs it; ``LTI1P3PlatformConfAbstract.get_jwks`` and
``get_access_token`` serve the platform's keys and the OAuth2 client-credentials grant (the tool's signed JWT
checked against the tool's public key); ``AssignmentsGradesService`` checks each AGS request's bearer token and
scopes and hands its line items and scores over. What this file adds is what an LMS built on the package
adds: web routes (tornado), an in-memory store of line items and scores, and a page showing that gradebook.
Every request the tool makes to it is kept in ``Platform.received``.
"""

from __future__ import annotations

import asyncio
import html
import json
import threading
import typing as t
from dataclasses import dataclass, field
from urllib.parse import urlencode

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.service_connector import AssignmentsGradesService
from lti1p3platform.score import UpdateScoreStatus
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@dataclass
class User:
    sub: str
    name: str
    email: str


@dataclass
class Gradebook:
    lineitems: dict[str, dict] = field(default_factory=dict)      # id -> line item
    scores: dict[tuple[str, str], dict] = field(default_factory=dict)   # (line item id, user) -> latest score


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self.registration_value = kwargs["registration"]

    def get_registration_by_params(self, **kwargs):
        return self.registration_value


class _Request(Request):
    def build_metadata(self, handler: RequestHandler):
        body = handler.request.body
        content = handler.request.headers.get("Content-Type", "")
        return {"method": handler.request.method,
                "form_data": {k: handler.get_body_argument(k) for k in handler.request.body_arguments},
                "get_data": {k: handler.get_query_argument(k) for k in handler.request.query_arguments},
                "headers": handler.request.headers, "content_type": content, "path": handler.request.path,
                "json": json.loads(body) if body and "json" in content else None}


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = json.dumps(kwargs, sort_keys=True)   # which link was opened, echoed back

    def get_redirect(self, url):
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        fields = "".join('<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v))
                         for k, v in (("id_token", launch_data["id_token"]), ("state", launch_data["state"])))
        return ('<!DOCTYPE html><html><body><p>Launching the course tool...</p><form id="launch" method="post" '
                'action="%s">%s</form><script>document.getElementById("launch").submit()</script></body></html>'
                % (html.escape(launch_data["launch_url"]), fields))


class _Ags(AssignmentsGradesService):
    gradebook: Gradebook
    base: str

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None,
                       tag=None):
        items = [i for i in self.gradebook.lineitems.values()
                 if (resource_id is None or i.get("resourceId") == resource_id) and (tag is None or i.get("tag") == tag)]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id):
        try:
            return self.gradebook.lineitems[line_item_id]
        except KeyError:
            raise LineItemNotFoundException(line_item_id) from None

    def create_lineitem(self, creation_data):
        number = str(len(self.gradebook.lineitems) + 1)
        item = dict(creation_data, id="%s/lineitems/%s" % (self.base, number))
        self.gradebook.lineitems[number] = item
        return item

    def update_lineitem(self, update_data):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def update_score(self, line_item_id, score):
        if line_item_id not in self.gradebook.lineitems:
            raise LineItemNotFoundException(line_item_id)
        key = (line_item_id, str(score.get("userId")))
        earlier = self.gradebook.scores.get(key)
        if earlier is not None and earlier.get("timestamp", "") >= score.get("timestamp", ""):
            return UpdateScoreStatus.OLD_TIMESTAMP
        self.gradebook.scores[key] = score
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        return {"content": [], "has_next": False, "next": None}


class Platform:
    """The LMS: ``start()`` serves it on 127.0.0.1:``port`` in a thread of its own; ``stop()`` ends it."""

    def __init__(self, port: int, client_id: str = "nncourse-tool", deployment_id: str = "deployment-1"):
        self.port, self.client_id, self.deployment_id = port, client_id, deployment_id
        self.url = "http://127.0.0.1:%d" % port
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode()
        self.public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.users: dict[str, User] = {}
        self.gradebook = Gradebook()
        self.received: list[dict] = []
        self.refuse: int | None = None   # answer every AGS request with this HTTP status (a refusing LMS)
        self.tool_login_url = ""
        self.tool_launch_url = ""
        self.tool_jwks: dict = {"keys": []}
        self._loop = None
        self._thread = None

    # ------------------------------------------------------------ the package's objects
    def registration(self) -> Registration:
        reg = Registration()
        reg.set_iss(self.url).set_client_id(self.client_id).set_deployment_id(self.deployment_id)
        reg.set_platform_public_key(self.public_pem).set_platform_private_key(self.private_pem)
        reg.set_oidc_login_url(self.tool_login_url or self.url).set_launch_url(self.tool_launch_url or self.url)
        reg.set_tool_key_set(self.tool_jwks)
        return reg

    def conf(self) -> _Conf:
        conf = _Conf(registration=self.registration())
        conf.get_registration()
        return conf

    def launch_message(self, sub: str, resource: str = "a1_numpy_basics") -> dict:
        """The claims a launch of ``sub`` carries (as the package builds them), for tests without a hub."""
        launch = _Launch(None, self.conf())
        launch._registration = launch._platform_config.get_registration()
        self._claims(launch, self.users[sub], resource)
        return launch.get_launch_message()

    def signed_launch(self, sub: str, nonce: str, resource: str = "a1_numpy_basics") -> str:
        """The id_token of a launch of ``sub``, signed by the platform (the package's launch message and key)."""
        launch = _Launch(None, self.conf())
        launch._registration = launch._platform_config.get_registration()
        self._claims(launch, self.users[sub], resource)
        message = launch.get_launch_message()
        message["nonce"] = nonce
        return launch._registration.platform_encode_and_sign(message, expiration=300)

    def _claims(self, launch: _Launch, user: User, resource: str) -> None:
        launch.set_user_data(user.sub, [LEARNER], full_name=user.name, email_address=user.email)
        launch.set_resource_link_claim(resource, title=resource)
        launch.set_launch_context_claim("course-nn", context_title="Neural networks", context_label="NN")
        launch.set_ags(lineitems_url="%s/lineitems" % self.url)

    # ------------------------------------------------------------ serving
    def app(self) -> Application:
        platform = self

        class Base(RequestHandler):
            def check_xsrf_cookie(self):
                return

            def record(self):
                platform.received.append({"method": self.request.method, "path": self.request.path,
                                          "query": self.request.query,
                                          "content_type": self.request.headers.get("Content-Type", ""),
                                          "authorization": self.request.headers.get("Authorization", "")[:7],
                                          "body": self.request.body.decode(errors="replace")})

        class StartLaunch(Base):
            def get(self):   # a link in the LMS: the OIDC login initiation to the tool
                login = _Login(_Request(self), platform.conf())
                login.set_lti_message_hint(resource=self.get_argument("resource", "a1_numpy_basics"))
                login.set_launch_url(platform.tool_launch_url)
                self.redirect(login.initiate_login(self.get_argument("user")))

        class Authorize(Base):
            def get(self):   # the tool's authentication request: the signed launch, posted by the browser
                launch = _Launch(_Request(self), platform.conf())
                user = platform.users[self.get_argument("login_hint")]
                platform._claims(launch, user, "a1_numpy_basics")
                self.finish(launch.lti_launch())

            post = get

        class Jwks(Base):
            def get(self):
                self.finish(platform.conf().get_jwks())

        class Token(Base):
            def post(self):
                self.record()
                try:
                    answer = platform.conf().get_access_token(
                        {k: self.get_body_argument(k) for k in self.request.body_arguments})
                except Exception as exc:   # the package's validation errors: refused
                    self.set_status(400)
                    self.finish({"error": "invalid_client", "error_description": "%s: %s" % (type(exc).__name__, exc)})
                    return
                self.finish(answer)

        class Ags(Base):
            def service(self) -> _Ags:
                service = _Ags(_Request(self), platform.conf(), "%s/lineitems" % platform.url)
                service.gradebook, service.base = platform.gradebook, platform.url
                return service

            def answer(self, response):
                self.set_status(response.code)
                self.set_header("Content-Type", response.media_type)
                if response.result is not None:
                    self.finish(json.dumps(response.result["content"] if isinstance(response.result, dict)
                                           and "has_next" in response.result else response.result))
                else:
                    self.finish(json.dumps({"status": response.message}))

            def refused(self) -> bool:
                self.record()
                if platform.refuse:
                    self.set_status(platform.refuse)
                    self.finish({"error": "refused by the test"})
                    return True
                return False

        class LineItems(Ags):
            def get(self):
                if not self.refused():
                    service = self.service()
                    self.answer(service.handle_resp(service.handle_get_lineitems))

            def post(self):
                if not self.refused():
                    service = self.service()
                    self.answer(service.handle_resp(service.handle_create_lineitem))

        class Scores(Ags):
            def post(self, item):
                if not self.refused():
                    service = self.service()
                    self.answer(service.handle_resp(service.handle_update_score, line_item_id=item))

        class Page(Base):
            def get(self):   # the LMS's gradebook, for people and the browser test
                rows = []
                for (item, user), score in sorted(platform.gradebook.scores.items()):
                    who = platform.users.get(user)
                    rows.append("<tr><td>%s</td><td>%s</td><td>%s</td><td class='score'>%g / %g</td><td>%s</td></tr>"
                                % (html.escape(str(platform.gradebook.lineitems[item].get("label"))),
                                   html.escape(who.name if who else user), html.escape(user),
                                   float(score.get("scoreGiven") or 0), float(score.get("scoreMaximum") or 0),
                                   html.escape(str(score.get("timestamp")))))
                self.finish("<!DOCTYPE html><html><head><title>LMS gradebook</title></head><body><h1>Gradebook "
                            "(lti1p3platform)</h1><table border=1 id='gradebook'><tr><th>line item</th><th>student"
                            "</th><th>LMS user id</th><th>score</th><th>timestamp</th></tr>%s</table></body></html>"
                            % "".join(rows))

        return Application([(r"/launch", StartLaunch), (r"/authorize", Authorize), (r"/jwks", Jwks),
                            (r"/token", Token), (r"/lineitems", LineItems), (r"/lineitems/([0-9]+)/scores", Scores),
                            (r"/gradebook", Page)])

    def start(self) -> "Platform":
        ready = threading.Event()

        def serve():
            asyncio.set_event_loop(asyncio.new_event_loop())
            server = HTTPServer(self.app())
            server.listen(self.port, "127.0.0.1")
            from tornado.ioloop import IOLoop

            self._loop = IOLoop.current()
            ready.set()
            self._loop.start()
            server.stop()

        self._thread = threading.Thread(target=serve, daemon=True, name="lti-platform")
        self._thread.start()
        ready.wait(30)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.add_callback(self._loop.stop)
            self._thread.join(30)

    # ------------------------------------------------------------ what the tests read
    def score_of(self, sub: str, resource: str) -> dict | None:
        for number, item in self.gradebook.lineitems.items():
            if item.get("resourceId") == resource:
                return self.gradebook.scores.get((number, sub))
        return None

    def launch_link(self, sub: str) -> str:
        return "%s/launch?%s" % (self.url, urlencode({"user": sub}))


def registration_toml(platform: Platform, key_file: str, key_id: str, match: str = "email") -> str:
    """The tool's registration at ``platform`` (grader.lms.registration's file)."""
    return "\n".join('%s = "%s"' % item for item in (
        ("issuer", platform.url), ("client_id", platform.client_id), ("deployment_id", platform.deployment_id),
        ("authorize_url", platform.url + "/authorize"), ("jwks_url", platform.url + "/jwks"),
        ("token_url", platform.url + "/token"), ("private_key", key_file), ("key_id", key_id), ("match", match))) + "\n"


def silence(*_: t.Any) -> None:
    return None
