"""``docgen agency add|list|show`` and ``docgen user add|list|disable|enable|rotate-token|
set-password``: agencies and accounts, for whoever runs the service on its machine.

The commands go through the same workflow as the API's quản trị (same checks, same
messages), acting as the operator: what they do is audited as "dòng lệnh". The first
quản trị is made here: ``docgen user add --role quan_tri --username … --password-stdin``.
Passwords are read from standard input (one line; typed twice when it is a terminal),
never from an option, so they stay out of the shell history and the process list.
Every refusal is a Vietnamese line on stderr and exit code 2.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from docgen.errors import DocgenError
from docgen.interfaces.cli import DatabaseOption, DataOption, Typer, app, open_archive

agency_app = Typer(no_args_is_help=True, help="Quản lý các cơ quan dùng dịch vụ.")
user_app = Typer(no_args_is_help=True, help="Quản lý người dùng của dịch vụ.")
app.add_typer(agency_app, name="agency")
app.add_typer(user_app, name="user")

T = TypeVar("T")

#: Labels of an agency's facts, in the order they are shown.
_LABELS = {"code": "Mã", "name": "Tên đầy đủ", "parent": "Cơ quan chủ quản",
           "issuer": "Cơ quan ban hành", "place": "Địa danh", "abbreviation": "Viết tắt",
           "authority": "Thẩm quyền", "authority_name": "Tên thẩm quyền"}


@contextmanager
def _workflow(data: Path | None, database: str | None) -> Iterator[Any]:
    """Open the archive and yield a workflow over it; docgen errors become exit 2 (a
    failure to start: its own code, see open_archive)."""
    from docgen.workflow.service import Workflow

    archive = open_archive(data, database)
    try:
        yield Workflow(archive)
    except DocgenError as error:
        from docgen.interfaces.cli import archive_exit_code

        for line in str(error).splitlines():
            typer.echo(f"Lỗi: {line}", err=True)
        raise typer.Exit(code=archive_exit_code(error)) from error
    finally:
        archive.close()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Lỗi: {message}", err=True)
    return typer.Exit(code=2)


def _read_password(confirm: bool = True) -> str:
    """Read a password: one line of standard input, or typed twice at a terminal."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if confirm and getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise _fail("hai lần nhập mật khẩu không khớp; không có gì thay đổi.")
        return first
    text = sys.stdin.readline()
    password = text.removesuffix("\n").removesuffix("\r")
    if not password:
        raise _fail("không đọc được mật khẩu từ đầu vào chuẩn (stdin): cần một dòng, ví dụ "
                    "printf '%s\\n' \"$MAT_KHAU\" | docgen user add … --password-stdin")
    return password


def _role(role: str) -> str:
    from docgen.workflow.roles import Role

    if role not in {r.value for r in Role}:
        raise _fail(f"--role: cần một trong {', '.join(r.value for r in Role)}; "
                    f"nhận được {role!r}")
    return role


def _user_id(workflow: Any, who: str) -> int:
    """A user named by number or by user name."""
    if who.isdigit():
        return int(who)
    from docgen.workflow.accounts import normalise_username

    user = workflow.archive.user_by_username(normalise_username(who))
    if user is None:
        raise _fail(f"không có người dùng {who!r} (số hoặc tên đăng nhập).")
    return int(user.id)


def _describe(user: Any) -> str:
    from docgen.workflow.roles import ROLE_NAMES, Role

    login = f", đăng nhập {user.username}" if user.username else ""
    state = "" if user.active else ", đã khóa"
    return (f"người dùng số {user.id}: {user.name}, {ROLE_NAMES[Role(user.role)]}, "
            f"cơ quan {user.agency}{login}{state}")


def _lines(values: list[str] | None) -> str:
    return "\n".join(v.strip() for v in values or [] if v.strip())


# -- agencies -------------------------------------------------------------------------------


@agency_app.command("add")
def agency_add(
    code: Annotated[str, typer.Argument(help="Mã cơ quan, ví dụ ubnd-son-la.")],
    name: Annotated[str, typer.Option("--name", help="Tên đầy đủ của cơ quan.")],
    parent: Annotated[list[str] | None, typer.Option(
        "--parent", help="Cơ quan chủ quản; lặp lại cho mỗi dòng.")] = None,
    issuer: Annotated[list[str] | None, typer.Option(
        "--issuer", help="Cơ quan ban hành; lặp lại cho mỗi dòng (tối đa 3).")] = None,
    place: Annotated[str, typer.Option("--place", help="Địa danh, ví dụ Sơn La.")] = "",
    abbreviation: Annotated[str, typer.Option("--abbreviation",
                                              help="Viết tắt trong ký hiệu, ví dụ UBND.")] = "",
    authority: Annotated[str, typer.Option("--authority", help="Thẩm quyền (chữ in hoa).")] = "",
    authority_name: Annotated[str, typer.Option("--authority-name",
                                                help="Tên thẩm quyền viết thường.")] = "",
    from_dossier: Annotated[Path | None, typer.Option(
        "--from-dossier", help="Lấy thông tin ban hành từ khối 'cơ quan' của tệp hồ sơ.")] = None,
    data: DataOption = None, database: DatabaseOption = None,
) -> None:
    """Tạo một cơ quan (mã, tên và thông tin ban hành điền sẵn vào hồ sơ mới)."""
    facts = {"name": name, "parent": _lines(parent), "issuer": _lines(issuer), "place": place,
             "abbreviation": abbreviation, "authority": authority,
             "authority_name": authority_name}
    if from_dossier is not None:
        facts.update({k: v for k, v in _issuer_of(from_dossier).items() if not facts.get(k)})
    with _workflow(data, database) as workflow:
        agency = workflow.add_agency(None, code, facts)
    typer.echo(f"Đã tạo cơ quan {agency.code}: {agency.name}.")


def _issuer_of(path: Path) -> dict[str, str]:
    from docgen.model.loader import load_dossier

    try:
        issuer = load_dossier(path, with_previous=False).issuer
    except DocgenError as error:
        for line in str(error).splitlines():
            typer.echo(f"Lỗi: {line}", err=True)
        raise typer.Exit(code=2) from error
    return {"parent": "\n".join(issuer.parent), "issuer": "\n".join(issuer.name),
            "place": issuer.place, "abbreviation": issuer.abbreviation,
            "authority": issuer.authority, "authority_name": issuer.authority_name}


@agency_app.command("list")
def agency_list(data: DataOption = None, database: DatabaseOption = None) -> None:
    """Liệt kê các cơ quan: mã, tên, cơ quan ban hành."""
    with _workflow(data, database) as workflow:
        agencies = workflow.archive.list_agencies()
    typer.echo("mã\ttên đầy đủ\tcơ quan ban hành")
    for agency in agencies:
        typer.echo(f"{agency.code}\t{agency.name}\t{' '.join(agency.issuer.splitlines()) or '-'}")


@agency_app.command("show")
def agency_show(code: Annotated[str, typer.Argument(help="Mã cơ quan.")],
                data: DataOption = None, database: DatabaseOption = None) -> None:
    """In mọi thông tin của một cơ quan."""
    with _workflow(data, database) as workflow:
        agency = workflow.archive.get_agency(code)
    for field, label in _LABELS.items():
        value = getattr(agency, field) or "-"
        typer.echo(f"{label}: {' / '.join(value.splitlines())}")


# -- users ----------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    agency: Annotated[str, typer.Option("--agency", help="Mã cơ quan (đã tạo), ví dụ "
                                                         "ubnd-son-la.")],
    role: Annotated[str, typer.Option("--role", help="chuyen_vien, lanh_dao, van_thu, "
                                                     "luu_tru hoặc quan_tri.")],
    name: Annotated[str, typer.Option("--name", help="Họ tên người dùng.")],
    username: Annotated[str | None, typer.Option(
        "--username", help="Tên đăng nhập trên trang (chữ thường không dấu).")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Đọc mật khẩu từ đầu vào chuẩn (cần --username).")] = False,
    data: DataOption = None, database: DatabaseOption = None,
) -> None:
    """Tạo người dùng và in mã truy cập (chỉ một lần) ra stdout."""
    role = _role(role)
    if password_stdin and not username:
        raise _fail("--password-stdin cần --username (tên đăng nhập).")
    password = _read_password() if password_stdin else None
    with _workflow(data, database) as workflow:
        user, token = workflow.add_user(None, name=name, role=role, agency=agency,
                                        username=username, password=password)
    typer.echo(f"Đã tạo {_describe(user)}. Mã truy cập chỉ hiển thị một lần:", err=True)
    typer.echo(token)


@user_app.command("list")
def user_list(agency: Annotated[str | None, typer.Option("--agency",
                                                         help="Chỉ cơ quan này.")] = None,
              data: DataOption = None, database: DatabaseOption = None) -> None:
    """Liệt kê người dùng: số, họ tên, vai trò, cơ quan, tên đăng nhập, trạng thái."""
    from docgen.workflow.roles import ROLE_NAMES, Role

    with _workflow(data, database) as workflow:
        users = workflow.archive.list_users(agency)
    typer.echo("số\thọ tên\tvai trò\tcơ quan\ttên đăng nhập\ttrạng thái")
    for user in users:
        typer.echo(f"{user.id}\t{user.name}\t{ROLE_NAMES[Role(user.role)]}\t{user.agency}\t"
                   f"{user.username or '-'}\t{'hoạt động' if user.active else 'đã khóa'}")


UserArgument = Annotated[str, typer.Argument(help="Số người dùng hoặc tên đăng nhập.")]


def _on_user(who: str, data: Path | None, database: str | None,
             action: Callable[[Any, int], T]) -> T:
    with _workflow(data, database) as workflow:
        return action(workflow, _user_id(workflow, who))


@user_app.command("disable")
def user_disable(who: UserArgument, data: DataOption = None,
                 database: DatabaseOption = None) -> None:
    """Khóa người dùng: mã truy cập và phiên đăng nhập dừng ngay."""
    user = _on_user(who, data, database, lambda wf, uid: wf.deactivate_user(None, uid))
    typer.echo(f"Đã khóa {_describe(user)}.")


@user_app.command("enable")
def user_enable(who: UserArgument, data: DataOption = None,
                database: DatabaseOption = None) -> None:
    """Mở khóa người dùng."""
    user = _on_user(who, data, database, lambda wf, uid: wf.enable_user(None, uid))
    typer.echo(f"Đã mở khóa {_describe(user)}.")


@user_app.command("rotate-token")
def user_rotate_token(who: UserArgument, data: DataOption = None,
                      database: DatabaseOption = None) -> None:
    """Thu hồi mọi mã truy cập của người dùng và in mã mới (chỉ một lần) ra stdout."""
    user, token = _on_user(who, data, database, lambda wf, uid: wf.rotate_token(None, uid))
    typer.echo(f"Đã thu hồi mã cũ của {_describe(user)}. Mã truy cập mới chỉ hiển thị "
               "một lần:", err=True)
    typer.echo(token)


@user_app.command("set-password")
def user_set_password(
    who: UserArgument,
    username: Annotated[str | None, typer.Option(
        "--username", help="Tên đăng nhập, cho người dùng chưa có.")] = None,
    data: DataOption = None, database: DatabaseOption = None,
) -> None:
    """Đặt mật khẩu mới (đọc từ stdin); mọi phiên đăng nhập của người dùng kết thúc."""
    password = _read_password()
    user = _on_user(who, data, database,
                    lambda wf, uid: wf.reset_password(None, uid, password, username))
    typer.echo(f"Đã đặt mật khẩu mới cho {_describe(user)}.")
