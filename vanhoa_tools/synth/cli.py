"""`python -m vanhoa synth …` (../shared/spec/cli.md): parses its own options and says what it
made, in Vietnamese; exit 0 when done, 2 on a usage error, 3 when the store failed."""

from __future__ import annotations

import re
import sys
import time

from vanhoa.formats import fmt_decimal, fmt_int
from vanhoa.store import Store
from vanhoa_tools.synth.load import add_units, check_counts, synthesize
from vanhoa_tools.synth.xlsx import write_xlsx


class _Usage(Exception):
    pass


USAGE = ("Cách dùng: python -m vanhoa synth --units N --periods P --activities A "
         "[--events E] [--seed S] [--xlsx THƯ_MỤC] [--db KHO]")
_OPTIONS = {"--units": "units", "--periods": "periods", "--activities": "activities", "--events": "events",
            "--seed": "seed", "--xlsx": "xlsx", "--db": "db"}
_NUMBERS = {"units", "periods", "activities", "events", "seed"}


def _parse(argv: list[str]) -> dict:
    values: dict[str, object] = {}
    words = list(argv)
    while words:
        word = words.pop(0)
        if word in ("-h", "--help"):
            raise _Usage("")
        name, _, inline = word.partition("=")
        if name not in _OPTIONS:
            raise _Usage(f"tùy chọn không hợp lệ '{word}'.")
        key = _OPTIONS[name]
        if inline:
            value = inline
        elif words and not words[0].startswith("--"):
            value = words.pop(0)
        else:
            raise _Usage(f"thiếu giá trị sau {name}.")
        if key in values:
            raise _Usage(f"{name} được ghi hai lần.")
        if key in _NUMBERS:
            if not re.fullmatch(r"[0-9]{1,9}", value):
                raise _Usage(f"{name} phải là số nguyên không âm (nhận được '{value}').")
            values[key] = int(value)
        else:
            values[key] = value
    missing = [f"--{k}" for k in ("units", "periods", "activities") if k not in values]
    if missing:
        raise _Usage("thiếu tùy chọn bắt buộc " + ", ".join(missing) + ".")
    return values


def main(argv: list[str] | None = None, store: Store | None = None) -> int:
    """`synth`: 0 when done, 2 on a usage error, 3 when the store could not be read or written
    (busy, disk full, PostgreSQL out of reach: ../shared/spec/cli.md). Messages are Vietnamese.

    `store` is the store the CLI already opened (its --db / VANHOA_DB); otherwise --db or the
    default store."""
    from vanhoa.store import StoreUnavailable

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        options = _parse(argv)
    except _Usage as exc:
        if not str(exc):  # --help
            print(USAGE)
            return 0
        print(f"Lỗi: {exc}", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    if options.get("db") or store is None:
        store = Store(options.get("db"))
    units, periods, activities = options["units"], options["periods"], options["activities"]
    events, seed = options.get("events", 20), options.get("seed", 0)
    try:
        if options.get("xlsx"):
            check_counts(units, periods, activities, events)
            started = time.perf_counter()
            add_units(store, units)
            files = write_xlsx(options["xlsx"], units, periods, activities, seed=seed, events=events,
                               ref=store.reference())
            print(f"Đã ghi {fmt_int(len(files))} tệp báo cáo giả lập ({fmt_int(units)} đơn vị × {periods} kỳ, "
                  f"{fmt_int(activities)} hoạt động, {fmt_int(events)} sự kiện mỗi tệp) vào {options['xlsx']} "
                  f"trong {fmt_decimal(time.perf_counter() - started)} giây; {fmt_int(units)} đơn vị giả lập "
                  f"đã có trong kho {store.name} để lệnh ingest nhận các tệp.")
        else:
            done = synthesize(store, units, periods, activities, events, seed)
            print(f"Đã sinh {fmt_int(done.returns)} báo cáo giả lập ({fmt_int(units)} đơn vị × {periods} kỳ; "
                  f"{fmt_int(len(done.missing))} chưa nộp, {fmt_int(len(done.corrected))} nộp lại), "
                  f"{fmt_int(done.activities)} dòng hoạt động, {fmt_int(done.events)} dòng sự kiện "
                  f"vào kho {store.name} trong {fmt_decimal(done.seconds)} giây.")
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 3
    return 0
