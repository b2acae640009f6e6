"""Rendering the pages: one Jinja2 environment, the filters that write dates, money and
distances the way the office writes them, and the menu each role sees.

Every page goes through ``render``: it adds the caller, the CSRF token for the page's forms, the
large-type preference and the menu, and sets a renewed session cookie if the request earned one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.types import Scope

from matching.access import ROLES_FOR, Act, Caller
from matching.codes import ALL_CODE_LISTS, COUNTIES, USER_ROLES
from serving.api.routers.fairs import READERS as FAIR_READERS
from serving.pages.session import LARGE_TYPE_COOKIE, finish

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"


@dataclass(frozen=True)
class MenuItem:
    path: str
    label_zh: str
    roles: frozenset[str]


ALL_ROLES = frozenset(USER_ROLES.codes)
# The top menu; an item shows for the roles that may use its page.
MENU: tuple[MenuItem, ...] = (
    MenuItem("/", "首页", ALL_ROLES),
    MenuItem("/persons", "求职登记人员", frozenset({"counselor", "case_worker", "admin"})),
    MenuItem("/vacancies", "岗位", frozenset(ROLES_FOR[Act.READ])),
    MenuItem("/ledgers", "离校不断线", frozenset({"case_worker", "admin"})),
    MenuItem("/imports", "数据导入", frozenset(ROLES_FOR[Act.EDIT])),
    MenuItem("/fairs", "招聘会", frozenset(FAIR_READERS)),
    MenuItem("/progress", "就业进度", frozenset(ROLES_FOR[Act.PROGRESS])),
    MenuItem("/outreach", "按比例就业", frozenset(ROLES_FOR[Act.OUTREACH])),
    MenuItem("/models", "模型", frozenset({"analyst", "admin"})),
    MenuItem("/jobs", "后台任务", frozenset(ROLES_FOR[Act.ORGANISE] + ROLES_FOR[Act.OPERATE])),
)


def date_zh(value: date | datetime | None) -> str:
    """2024年3月5日 (a datetime also gets its time: 2024年3月5日 14:05)."""
    if value is None:
        return "—"
    text = f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text


def money_zh(value: int | float | None, unit: str = "元/月") -> str:
    return "—" if value is None else f"{round(value):,}{unit}"


def km_zh(value: float | None) -> str:
    if value is None:
        return "—"
    return "不足1公里" if value < 1 else f"约{round(value)}公里"


def code_zh(value: str | None, list_name: str) -> str:
    """The Chinese label of a stored code (the code itself if the list does not know it)."""
    if value is None:
        return "—"
    codes = ALL_CODE_LISTS[list_name]
    return codes.label(value) if value in codes else value


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters |= {"date_zh": date_zh, "money_zh": money_zh, "km_zh": km_zh}
    environment.filters["code_zh"] = code_zh
    return environment


templates = Jinja2Templates(env=_environment())


def menu_for(caller: Caller | None) -> list[MenuItem]:
    if caller is None:
        return []
    return [item for item in MENU if caller.role in item.roles]


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    caller: Caller | None = None,
    status_code: int = 200,
) -> Response:
    """The page ``name`` with the common context; a renewed session cookie when earned."""
    county = caller.county if caller is not None else None
    common = {
        "caller": caller,
        "role_zh": USER_ROLES.label(caller.role) if caller is not None else "",
        "county_zh": COUNTIES.label(county) if county else "全市",
        "csrf": getattr(request.state, "csrf", ""),
        "large": request.cookies.get(LARGE_TYPE_COOKIE) == "1",
        "menu": menu_for(caller),
        "path": request.url.path,
        "today": date.today(),
    }
    response = templates.TemplateResponse(
        request, name, common | (context or {}), status_code=status_code
    )
    return finish(request, response)


NOT_PAGES = ("/api/", "/static/", "/docs", "/redoc", "/openapi")
NOT_PAGE_PATHS = ("/api", "/healthz", "/readyz", "/metrics")


def is_page_request(request: Request) -> bool:
    """A request of the pages (HTML answers), not of the API, the probes or the static files."""
    path = request.url.path
    return not path.startswith(NOT_PAGES) and path not in NOT_PAGE_PATHS


ERROR_TITLES_ZH = {
    401: "请先登录",
    403: "无权访问",
    404: "未找到",
    405: "不支持的操作",
    409: "操作冲突",
    413: "内容过大",
    422: "输入有误",
    429: "操作过于频繁",
    503: "服务暂不可用",
}


def too_large_page(scope: Scope, body: dict[str, str]) -> bytes | None:
    """The page of a form whose body is over the size limit (``serving.api.body_limit``
    answers before any route runs, so the page has no caller and no menu)."""
    request = Request(scope)
    if not is_page_request(request):
        return None
    context = {"title": ERROR_TITLES_ZH[413], "message_zh": body["message_zh"], "status": 413}
    response = render(request, "error.html", context, status_code=413)
    return bytes(response.body)


def error_page(request: Request, status: int, body: dict[str, Any]) -> HTMLResponse | None:
    """The HTML page of an error on a page request (None for the API: it answers JSON)."""
    if not is_page_request(request):
        return None
    context = {
        "title": ERROR_TITLES_ZH.get(status, "请求无法完成"),
        "message_zh": body.get("message_zh") or "请求无法完成，请返回重试",
        "status": status,
    }
    caller = getattr(request.state, "page_caller", None)
    response = render(request, "error.html", context, caller=caller, status_code=status)
    assert isinstance(response, HTMLResponse)
    return response
