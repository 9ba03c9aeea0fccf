"""The names under which st.session_state holds what the pages share, and which of them outlive a
change of account."""

PERIOD_KEY = "period"  # the shared period selector's session key
APPROVED_KEY = "approved_only"  # the shared "approved data only" toggle
ACCOUNT_KEY = "account"
TOKEN_KEY = "session_token"
COOKIE_PENDING = "cookie_pending"  # ("set", token, expires_at UTC) until sign-out, or ("delete", None, None) once
AS_OF_KEY = "as_of"  # DuckLake only: an administrator views the store as it stood then (ISO, local)
OWNER_KEY = "session_owner"  # the account (its name; None: signed out) the rest of the session belongs to
# What outlives a change of account: the sign-in itself and the cookie the next run sets or deletes.
# Everything else in st.session_state (check results, previews, downloads, choices, the period,
# as_of, ...) is the previous account's and is forgotten; see vanhoa.ui.session.belong_to.
KEPT_ACROSS_ACCOUNTS = {ACCOUNT_KEY, TOKEN_KEY, COOKIE_PENDING, OWNER_KEY}
