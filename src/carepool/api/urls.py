"""The Carepool HTTP API, mounted at ``/api/v1/`` by ``carepool.site.urls``."""

from ninja import NinjaAPI
from ninja.operation import Operation

from carepool.api import errors
from carepool.api.auth import AUTH
from carepool.api.docs import CarepoolSwagger
from carepool.api.parsing import JsonParser
from carepool.api.routers import (
    agreements,
    areas,
    contributions,
    funding_streams,
    ledger_entries,
    ledger_imports,
    ledger_monitoring,
    me,
    organisations,
    plans,
)

DESCRIPTION = """\
Pooled health and social care budgets (Better Care Fund, Section 75 pools): organisations,
areas and populations, partnership agreements, contributions, variations and approvals, yearly plans and their
sign-off.

**Sign in** from scripts with a personal API token, `Authorization: Bearer cp_...`: make one
on the *API tokens* page of the web app (or `carepool tokens create`); it acts as you, with
your roles, until it expires or you revoke it. The web app's own session also works (send the
CSRF token in `X-CSRFToken` on writes). HTTP Basic with your username and password still
works but costs a password check on every request; after 5 failures in a row a username is
locked out for 15 minutes (429).

**Money** is pounds as a string with two decimals (`"1234.56"`); amounts you send may be
strings (`"1,234.50"`) or JSON numbers. **Dates** are ISO 8601. **Financial years** are
written `2024-25`.

**Versions**: agreements, contributions and organisations carry a `version` (also their
`ETag`). Send `If-Match: "<version>"` on a write: if the record changed since you read it,
the answer is 409 with `current_version`, and nothing is saved. Without `If-Match` no change
is lost either: only the fields you send are written.

**Errors**: 400 the body could not be read (not sent as `application/json`, not UTF-8, not
valid JSON), with one error naming the field `body`; 401 not signed in, or the token or
password was refused; 403 signed in but not allowed (the reason is in `detail`); 404 not
found, including anything you may not see; 409 changed since the version you sent; 422 the
input was refused, with every problem in `errors`, each naming its `field`; 429 too many
failed sign-ins (see `Retry-After`); 503 the database was busy with other writes (try again
after `Retry-After` seconds). A refused request changes nothing.
"""


class CarepoolAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Handler names are unique across the routers and read well in generated clients.
        return operation.view_func.__name__


api = CarepoolAPI(
    title="Carepool API",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    parser=JsonParser(),
    docs=CarepoolSwagger(),
    urls_namespace="api",
)
errors.install(api)
for module in (
    me,
    organisations,
    areas,
    funding_streams,
    agreements,
    contributions,
    plans,
    ledger_imports,
    ledger_monitoring,
    ledger_entries,
):
    api.add_router("", module.router)
