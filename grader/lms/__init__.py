"""Grades back to the LMS over LTI 1.3: the LMS's registration of the course's tool, students arriving from the
LMS (a launch logs them in to the hub), and each counted score posted to the LMS's gradebook with LTI
Advantage's Assignment and Grade Services (AGS).

    registration.py   the one place for the platform's endpoints, the tool's client id and its key
                      (``<course>/.nncourse/lti/registration.toml``; never in the repository)
    launches.py       what a launch told the course: which LMS user a student is, where their line items are
    hub_auth.py       JupyterHub's LTI 1.3 authenticator, keeping to the class roster and recording launches
    ags.py            the AGS client: OAuth2 client-credentials with a signed JWT, line items, scores;
                      retries, and a record of every score sent (nothing sent twice)
    passback.py       which scores go: the counted ones, when released (batch) or graded (on-submit service)
"""
