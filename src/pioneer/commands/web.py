"""``pioneer serve``, ``pioneer demo`` and ``pioneer users create-admin`` — the web application."""

from __future__ import annotations

import getpass
import time
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True, soft_wrap=True)
users_app = typer.Typer(help="用户管理 / user accounts.", no_args_is_help=True)
jobs_app = typer.Typer(help="后台任务 / background jobs of the web app.", no_args_is_help=True)

HostOpt = Annotated[str, typer.Option(help="监听地址 / address to listen on")]
PortOpt = Annotated[int, typer.Option(help="端口 / port")]


WorkersOpt = Annotated[
    int, typer.Option(min=1, max=64, help="工作进程数 / worker processes (uvicorn --workers)")
]
AccessLogOpt = Annotated[bool, typer.Option(help="记录每个请求 / log every request (uvicorn access log)")]


def _run(host: str, port: int, workers: int = 1, access_log: bool = True) -> None:
    """uvicorn with the C HTTP parser (httptools) and uvloop, a long keep-alive (clients that pause a few seconds
    between requests keep their connection instead of racing the server's close), ``workers`` processes each
    building the app from the import string (the database is migrated once, before, by the caller)."""
    import uvicorn

    uvicorn.run(
        "pioneer.web.app:serving_app", factory=True, host=host, port=port, workers=workers, http="httptools",
        loop="uvloop", backlog=2048, timeout_keep_alive=75, log_level="info", access_log=access_log,
        proxy_headers=False,
    )  # fmt: skip


def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, workers: WorkersOpt = 1,
          access_log: AccessLogOpt = True) -> None:  # fmt: skip
    """运行网站与接口 / serve the web application and API (creates an empty PIONEER_HOME if needed)."""
    from pioneer.config import settings
    from pioneer.db import upgrade

    settings().home.mkdir(parents=True, exist_ok=True)
    upgrade()
    console.print(f"Pioneer: http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)")
    _run(host, port, workers, access_log)


def demo(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, workers: WorkersOpt = 1,
         access_log: AccessLogOpt = True) -> None:  # fmt: skip
    """演示：北京样例数据、示例先行区与演示账户 / demo: Beijing sample, example zones, demo accounts, then serve."""
    from pioneer.config import settings
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.ecology.demo import seed_ei, seed_register_indicators
    from pioneer.web import assess
    from pioneer.web.demo import DEMO_PASSWORD, seed_accounts, seed_national, seed_zones

    started = time.monotonic()
    home = settings().home
    home.mkdir(parents=True, exist_ok=True)
    console.print(f"PIONEER_HOME = {home.resolve()}")
    console.print("数据库迁移 / migrating the database …")
    upgrade()
    engine = make_engine()
    with session_scope(engine) as session:
        made = seed_zones(session)
        accounts = seed_accounts(session)
        seed_ei(session)  # demo EI results of three counties and their city (pioneer.ecology.demo, invented)
        seed_register_indicators(session)  # the demo registers' indicators, stored for the scorecards
    console.print(f"示例先行区 / example zones: {made} new")
    console.print(
        "北京样例：指标计算（HJ 633 日 AQI → HJ 663 年评价 → 指标库）/ Beijing sample: indicators …"
    )
    step = time.monotonic()
    with session_scope(engine) as session:
        info = assess.ensure_sample_values(session)
    how = (
        "已存储，跳过计算 / stored, not recomputed"
        if info["cached"]
        else f"计算并存储 / computed {info.get('years')}"
    )
    console.print(f"  {info['values']} values, {how}, {time.monotonic() - step:.1f} s")
    national_step = time.monotonic()
    with session_scope(engine) as session:
        nat = seed_national(session)
    console.print(
        f"全国样例 2025年1月（CNEMC 站点日数据）/ national sample January 2025: {nat['stations']} stations "
        f"({nat['registered']} registered now, {nat['no_city']} in areas that are no GB/T 2260 division), "
        f"{nat['imported']}/{nat['files']} files imported now ({nat['rows_accepted']} rows, {nat['rows_refused']} "
        f"refused), {time.monotonic() - national_step:.1f} s"
    )
    engine.dispose()
    console.print(
        "\n[bold]演示账户 / demo accounts[/bold] (密码 / password: "
        f"[bold]{DEMO_PASSWORD}[/bold]) — 仅供演示 / demo only:"
    )
    for username, role, code in accounts:
        console.print(f"  {username:10s} {role:16s} {code or ''}")
    console.print(f"\n准备用时 / ready in {time.monotonic() - started:.1f} s → http://{host}:{port}/")
    _run(host, port, workers, access_log)  # the server warms its pages' memo itself (pioneer.web.warm)


@users_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="用户名 / username")] = "admin",
    password: Annotated[
        str | None, typer.Option(help="密码（省略则提示输入）/ password (prompted if omitted)")
    ] = None,
) -> None:
    """创建第一个管理员 / create the first programme-office administrator."""
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.errors import PioneerError
    from pioneer.web import auth

    upgrade()
    if password is None:
        password = getpass.getpass("密码 / password: ")
    engine = make_engine()
    try:
        with session_scope(engine) as session:
            auth.create_user(session, username, password, role=auth.Role.ADMIN)
    except PioneerError as exc:
        console.print(f"[red]错误[/red] {exc.message_zh}\n  error {exc.message_en}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    console.print(f"管理员已创建 / admin created: {username}")


@users_app.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    password: Annotated[
        str | None,
        typer.Option(help="新密码（省略则提示输入两次）/ new password (prompted twice if omitted)"),
    ] = None,
) -> None:
    """设置账户密码（密码策略同网页；该账户的会话全部退出）/ set an account's password (same policy as the web;
    every session of the account is closed)."""
    from sqlalchemy import select

    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.errors import PioneerError
    from pioneer.web import auth
    from pioneer.web.models import User

    upgrade()
    if password is None:
        password = getpass.getpass("新密码 / new password: ")
        if getpass.getpass("再输入一次 / again: ") != password:
            console.print("[red]错误[/red] 两次输入不一致\n  error the two entries differ")
            raise typer.Exit(1)
    engine = make_engine()
    try:
        with session_scope(engine) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise auth.InputErrorLike("未知用户", "unknown user", username)
            auth.change_password(session, user, password)
    except PioneerError as exc:
        console.print(f"[red]错误[/red] {exc.message_zh}\n  error {exc.message_en}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    console.print(f"密码已设置 / password set: {username}")


@jobs_app.command("work")
def work_jobs(
    once: Annotated[bool, typer.Option(help="队列为空即退出 / stop when no job is queued")] = False,
    poll: Annotated[float, typer.Option(min=0.1, max=60, help="轮询间隔（秒）/ seconds between looks")] = 2.0,
) -> None:
    """运行网站排队的计算任务 / run the jobs the web app queued (with PIONEER_JOB_RUNNER=worker; any number of
    these processes share the queue)."""
    from pioneer.config import settings
    from pioneer.db import make_engine, make_session_factory, upgrade
    from pioneer.web import jobs

    if settings().job_runner != "worker":
        console.print("注意：PIONEER_JOB_RUNNER 不是 worker，网站也会在自身进程中运行任务 / "
                      "note: PIONEER_JOB_RUNNER is not 'worker': the server runs its jobs itself too")  # fmt: skip
    upgrade()
    engine = make_engine()
    try:
        ran = jobs.work(make_session_factory(engine), once=once, poll=poll)
    except KeyboardInterrupt:
        ran = None
    finally:
        engine.dispose()
    if ran is not None:
        console.print(f"已运行 {ran} 个任务 / {ran} jobs run")
