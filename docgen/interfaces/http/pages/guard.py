"""How a page route is declared: its path, its method and the one action it needs.

Every page route is registered through :func:`page`, which records the workflow action
(a key of :data:`docgen.workflow.roles.PERMISSIONS`) the route needs and puts the check
before the route's body: the signed-in user's role must be allowed that action by the
same table the API uses, or the page answers 403. A dossier route then fetches the
dossier through the workflow with the user's agency, so another agency's dossier is a
404, as in the API. State-changing routes (POST) also require the CSRF token.

:data:`ROUTES` lists every page route with its action, so a test can walk every route
with every role and compare with the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from docgen.archive.schema import User
from docgen.interfaces.http.session import CsrfDep, PageUserDep
from docgen.workflow.service import Workflow


@dataclass(frozen=True)
class PageRoute:
    method: str
    path: str
    action: str | None  #: None: open to anyone (sign-in), or to any signed-in user


#: Every page route, in the order they were declared.
ROUTES: list[PageRoute] = []

router = APIRouter(include_in_schema=False)


def get_workflow(request: Request) -> Workflow:
    return request.app.state.workflow


WorkflowDep = Annotated[Workflow, Depends(get_workflow)]


def _allowed(action: str) -> Callable[..., User]:
    def check(user: PageUserDep, workflow: WorkflowDep) -> User:
        workflow.allow(user, action)
        return user
    return check


def page(method: str, path: str, action: str | None, *, signed_in: bool = True,
         csrf: bool | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a page route that needs `action` (or only a signed-in user, or nobody)."""
    dependencies: list[Any] = []
    if action is not None:
        dependencies.append(Depends(_allowed(action)))
    elif signed_in:
        dependencies.append(Depends(_signed_in))
    if csrf if csrf is not None else method != "GET":
        dependencies.append(CsrfDep)  # after the user check: a stranger is sent to sign in

    def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(path, endpoint, methods=[method], dependencies=dependencies,
                             include_in_schema=False)
        ROUTES.append(PageRoute(method, path, action))
        return endpoint
    return register


def _signed_in(user: PageUserDep) -> User:
    return user
