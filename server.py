"""The web server's entry point: `streamlit run server.py` (what `make run` starts).

Streamlit 1.67 serves a script either by itself (`streamlit run app.py`) or, when the file it is
given defines an `st.App`, as that ASGI application, with middleware in front of Streamlit's
own routes (the public API of streamlit/web/server/starlette/starlette_app.py). The app itself
is still app.py (its pages/ folder, .streamlit/config.toml and every command-line option work as
before); vanhoa.webguard.Guard stands in front of it: uploads only for clerks and
administrators, downloads only for a live sign-in, no public metrics, no cache clearing by
visitors, and the security headers on every response (see the README, "Deployment and security").
"""

import streamlit as st
from starlette.middleware import Middleware

from vanhoa.webguard import Guard

app = st.App("app.py", middleware=[Middleware(Guard)])
