"""python -m vanhoa …: the command line of ../shared/spec/cli.md, on the store the app uses.

Only argparse is imported at the top: the store (DuckDB, pandas) and each command's modules are
imported once the arguments are parsed, by the command that needs them, so `--help` and a usage
error answer at once (`make bench` times `--help` against a budget of 0.4 s, whole process).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

# 3: the store could not be read or written (busy past the wait, disk full, PostgreSQL out of
# reach): one Vietnamese line says which. 1 is only for rejected files (../shared/spec/cli.md).
EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


class UsageError(Exception):
    """A mistake in how the command was called: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors, in Vietnamese, exit 2
        self.print_usage(sys.stderr)
        print(f"Lỗi cú pháp lệnh: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    db_help = "đường dẫn kho dữ liệu (mặc định data/vanhoa.duckdb hoặc biến VANHOA_DB)"
    # --db may come before or after the command; SUPPRESS keeps a later default from erasing it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
    parser = _Parser(prog="python -m vanhoa",
                     description="Theo dõi Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”.")
    parser.add_argument("--db", default=None, help=db_help)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ingest = sub.add_parser("ingest", parents=[common], help="kiểm tra và lưu các tệp báo cáo")
    ingest.add_argument("files", nargs="+", metavar="FILE", help="tệp .xlsx/.xls/.ods hoặc thư mục chứa chúng")
    ingest.add_argument("--by", help="người nộp (mặc định: tên người dùng máy)")

    export = sub.add_parser("export", parents=[common], help="xuất một bảng dữ liệu")
    export.add_argument("name", choices=["progress", "completeness", "activities", "events", "returns"])
    export.add_argument("--period")
    export.add_argument("--unit")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--out")

    template = sub.add_parser("template", parents=[common], help="tạo biểu mẫu báo cáo điền sẵn")
    template.add_argument("--unit", required=True)
    template.add_argument("--period", required=True)
    template.add_argument("--out", required=True)

    report = sub.add_parser("report", parents=[common], help="soạn báo cáo gửi Sở VH, TT&DL")
    report.add_argument("--period", required=True)
    report.add_argument("--out", required=True)

    users = sub.add_parser("users", parents=[common], help="quản lý tài khoản (mật khẩu đọc từ bàn phím)")
    actions = users.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = actions.add_parser("add", parents=[common], help="tạo tài khoản")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["admin", "leader", "clerk"])
    add.add_argument("--unit")
    add.add_argument("--display-name")
    actions.add_parser("list", parents=[common], help="liệt kê tài khoản")
    for verb, text in (("disable", "vô hiệu hóa tài khoản"), ("enable", "mở lại tài khoản"),
                       ("reset", "đặt lại mật khẩu")):
        action = actions.add_parser(verb, parents=[common], help=text)
        action.add_argument("name")
    # synth parses its own options (vanhoa_tools/synth); they pass through untouched.
    sub.add_parser("synth", parents=[common], add_help=False, help="sinh dữ liệu giả lập quy mô tỉnh")

    sub.add_parser("demo", parents=[common], help="nạp dữ liệu minh họa vào kho trống")

    migrate = sub.add_parser("migrate", parents=[common],
                             help="chuyển kho nhúng (--db) sang kho DuckLake trống, rồi kiểm tra")
    migrate.add_argument("--to", required=True, metavar="CHUỖI_KẾT_NỐI",
                         help="ví dụ 'ducklake:postgres:dbname=vanhoa host=127.0.0.1 user=vanhoa' "
                              "(thư mục dữ liệu trong VANHOA_DATA_PATH)")
    return parser


def _period_code(store, text: str) -> str:
    from vanhoa.form.rules import parse_period

    code = parse_period(text)
    if code is None or code not in store.reference().periods:
        raise UsageError(f"kỳ báo cáo '{text}' không hợp lệ: dùng mã như 2022-H1, 2022-Y.")
    return code


def _unit_code(store, text: str) -> str:
    ref = store.reference()
    code = ref.unit_code(text)
    if code is None:
        close = ref.closest_units(text)
        hint = f" Có phải: {'; '.join(close)}?" if close else ""
        raise UsageError(f"không có đơn vị '{text}'.{hint}")
    return code


def _workbook_paths(arguments: list[str]) -> list[Path]:
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES and p.is_file()))
        elif path.is_file():
            paths.append(path)
        else:
            raise UsageError(f"không tìm thấy tệp '{argument}'.")
    if not paths:
        raise UsageError("không có tệp bảng tính nào để nạp.")
    return paths


def cmd_ingest(store, args) -> int:
    from vanhoa.ingest import ingest
    from vanhoa.store import StoreUnavailable

    paths = _workbook_paths(args.files)
    by = args.by or f"{getpass.getuser()} (dòng lệnh)"
    ref = store.reference()
    status = EXIT_OK
    for path in paths:
        try:
            done = ingest(store, path.read_bytes(), path.name, by, ref=ref)
        except StoreUnavailable as exc:
            # the files before it are stored (their lines are above); this one and the rest are not
            raise StoreUnavailable(f"{path.name} chưa được lưu — {exc.message}", exc.kind) from exc
        if done.status == "accepted":
            result = done.result
            warnings = len(done.checked.outcome.warnings)
            note = f"; {warnings} cảnh báo" if warnings else ""
            print(f"Đã nhận: {path.name} — {ref.unit_name(result.unit_code)}, "
                  f"{ref.periods[result.period_code].label}, phiên bản {result.version}{note}")
        elif done.status == "unchanged":
            result = done.result
            print(f"Không thay đổi: {path.name} — giống hệt phiên bản {result.version} hiện hành của "
                  f"{ref.unit_name(result.unit_code)}, {ref.periods[result.period_code].label}")
        else:
            status = EXIT_REJECTED
            errors = done.checked.errors
            print(f"Bị từ chối: {path.name} — {len(errors)} lỗi")
            for problem in errors:
                print(f"  {problem.line()}")
        sys.stdout.flush()
    return status


def cmd_export(store, args) -> int:
    from vanhoa.export import TABLES, table_frame, to_csv_bytes, to_xlsx_bytes

    filters = {}
    if args.period:
        filters["period"] = _period_code(store, args.period)
    if args.unit:
        filters["unit"] = _unit_code(store, args.unit)
    if args.format == "xlsx" and not args.out:
        raise UsageError("xuất Excel cần --out TỆP.xlsx.")
    assert args.name in TABLES
    frame = table_frame(store, args.name, **filters)
    data = to_csv_bytes(frame) if args.format == "csv" else to_xlsx_bytes(frame, sheet=args.name)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"Đã xuất {len(frame)} dòng vào {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def cmd_template(store, args) -> int:
    from vanhoa.form.template import build_template

    unit = _unit_code(store, args.unit)
    period = _period_code(store, args.period)
    Path(args.out).write_bytes(build_template(unit, period, store.reference()))
    print(f"Đã tạo biểu mẫu {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_report(store, args) -> int:
    from vanhoa.report import build_appendix, build_report

    period = _period_code(store, args.period)
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        raise UsageError("--out phải là tệp .docx.")
    if store.query("returns", period=period).empty:
        raise UsageError(f"kỳ {period} chưa có báo cáo nào của các đơn vị: chưa thể soạn báo cáo.")
    draft = store.report_draft(period) or {}
    out.write_bytes(build_report(store, period, draft))
    appendix = out.with_name(out.stem + "_phu-luc.xlsx")
    appendix.write_bytes(build_appendix(store, period))
    print(f"Đã soạn báo cáo {out} và phụ lục {appendix}", file=sys.stderr)
    return EXIT_OK


def cmd_demo(store, args) -> int:
    from vanhoa.demo_load import load_demo

    for line in load_demo(store):
        print(line)
    return EXIT_OK


def _read_password(prompt: str, name: str = "") -> str:
    """From the keyboard without echo, or one line of standard input (never an argument). At the
    keyboard a password the rules refuse (auth.password_problem) is refused before it is typed again."""
    if sys.stdin.isatty():
        from vanhoa import auth

        first = getpass.getpass(prompt)
        if problem := auth.password_problem(first, (name,)):
            raise UsageError(problem)
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise UsageError("hai lần nhập mật khẩu không khớp.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users(store, args) -> int:
    from vanhoa import auth

    actor = f"{getpass.getuser()} (dòng lệnh)"
    try:
        if args.action == "add":
            password = _read_password("Mật khẩu: ", args.name)
            account = auth.add_account(store, args.name, args.role, password, args.unit, args.display_name, actor)
            unit = f", đơn vị {store.reference().unit_name(account.unit_code)}" if account.unit_code else ""
            print(f"Đã tạo tài khoản {account.name} ({account.role_label}{unit}).")
        elif args.action == "list":
            accounts = auth.list_accounts(store)
            for row in accounts.itertuples(index=False):
                state = "đang dùng" if row.active else "đã vô hiệu hóa"
                unit = f"\t{row.unit}" if isinstance(row.unit, str) else "\t-"
                print(f"{row.name}\t{auth.ROLES[row.role]}{unit}\t{state}")
        elif args.action in ("disable", "enable"):
            auth.set_active(store, args.name, args.action == "enable", actor)
            print(f"Đã {'mở lại' if args.action == 'enable' else 'vô hiệu hóa'} tài khoản {args.name}.")
        else:
            auth.reset_password(store, args.name, _read_password("Mật khẩu mới: ", args.name), actor)
            print(f"Đã đặt lại mật khẩu của {args.name}.")
    except auth.AccountError as exc:
        raise UsageError(str(exc)) from exc
    return EXIT_OK


def cmd_synth(store, args) -> int:
    from vanhoa_tools.synth import main as synth_main

    return synth_main(args.synth_args, store=store)


def cmd_migrate(store, args) -> int:
    from vanhoa.migrate import MigrationRefused, migrate
    from vanhoa.store import Store

    try:
        report = migrate(store, Store(args.to))
    except MigrationRefused as exc:
        raise UsageError(str(exc)) from exc
    print(f"Đã chuyển kho {store.name} sang {Store(args.to).name}:")
    for line in report.lines():
        print(line)
    if not report.ok:
        print("Lỗi: số liệu sau khi chuyển không khớp; đừng dùng kho mới, hãy báo người phát triển.", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


COMMANDS = {"migrate": cmd_migrate, "ingest": cmd_ingest, "export": cmd_export, "template": cmd_template,
            "demo": cmd_demo, "report": cmd_report, "users": cmd_users, "synth": cmd_synth}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "synth":
        parser.error("không nhận ra tham số: " + " ".join(extra))
    args.synth_args = extra
    from vanhoa.store import Store, StoreUnavailable  # after parsing: --help never loads DuckDB

    store = None
    try:
        store = Store(args.db)
        store.on_wait = _say_waiting
        status = COMMANDS[args.command](store, args)
        # The command's writes are in the write-ahead log; fold them into the file now, while
        # we can still say so if that fails (the disk filled up between the two).
        store.release()
        return status
    except UsageError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreUnavailable as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        if store is not None:
            try:  # one line: a fold that fails too (the same full disk) is not said twice at exit
                store.release()
            except StoreUnavailable:
                pass
        return EXIT_STORE


def _say_waiting(line: str) -> None:
    """At once, on standard error: a writer waiting for another process is not hung."""
    print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
