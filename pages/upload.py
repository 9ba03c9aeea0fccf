"""Nộp báo cáo: template, upload, verdict (errors or preview + comparison), confirm, history."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from vanhoa import formats, registry, ui
from vanhoa.admin import STATUS_VI
from vanhoa.compare import compare_figures, figures_of_return
from vanhoa.form.read import MAX_FILE_BYTES
from vanhoa.form.template import build_template, template_filename
from vanhoa.ingest import Checked, check, refuse_other_unit, store_checked
from vanhoa.store import sha256_of
from vanhoa.text import clean_filename

CHECKED = "upload_checked"  # sha256 -> CheckedFor, so a rerun does not read the file again
DONE = "upload_done"  # uploaded file's id -> Vietnamese line saying what was stored
ARCHIVED = "upload_archived"  # sha256 of files whose upload is recorded already (rejected or identical)
PROBLEM_COLUMNS = {"severity": "Mức", "where": "Trang!Ô", "value": "Giá trị", "message": "Nội dung"}
NOT_YOURS = ("Không lưu: kết quả kiểm tra tệp này không thuộc tài khoản đang đăng nhập. "
             "Hãy tải tệp lên lại để kiểm tra.")


@dataclass(frozen=True)
class CheckedFor:
    """A file's check and whose it is: the account that checked it and, for a clerk, the unit
    it was checked against (refuse_other_unit). A result made for anyone else is never used."""
    checked: Checked
    account: str
    unit: str | None  # None: an administrator, who may file for any unit


def _owner(account) -> tuple[str, str | None]:
    return account.name, account.unit_code if account.role == "clerk" else None


@registry.page("upload")
def render() -> None:
    account = ui.current_account()
    st.title("Nộp báo cáo của đơn vị")
    ref = ui.busy_guard(ui.reference)
    st.session_state.setdefault(CHECKED, {})
    st.session_state.setdefault(DONE, {})
    st.session_state.setdefault(ARCHIVED, set())

    left, right = st.columns(2)
    # A clerk files for their own unit only; an administrator may file for any (a backfill).
    units = [account.unit_code] if account.role == "clerk" else list(ref.units)
    unit = left.selectbox("Đơn vị", units, format_func=ref.unit_name, key="upload_unit",
                          disabled=account.role == "clerk")
    periods = ui.period_options()
    now = ui.current_reporting_period()
    if now not in periods:
        periods = sorted({*periods, now})
    period = right.selectbox("Kỳ báo cáo", periods, index=periods.index(now), format_func=ui.period_label,
                             key="upload_period", help="Mặc định là kỳ đang đến hạn nộp.")

    st.download_button(
        f"Tải biểu mẫu: {ui.escape_md(ref.unit_name(unit))}, {ui.period_label(period)}",
        _template(unit, period),
        file_name=template_filename(unit, period),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="template_download",
    )
    files = st.file_uploader(
        f"Tải lên tệp báo cáo (.xlsx, .xlsm, .xls, .xlsb, .ods), tối đa {MAX_FILE_BYTES // 10**6} MB mỗi tệp "
        "— có thể chọn nhiều tệp",
        accept_multiple_files=True, key="upload_files",
    )
    if files:
        _check_all(files, ref, account)
        for uploaded in files:
            _verdict(uploaded.file_id, clean_filename(uploaded.name), uploaded.getvalue(), unit, account, ref)

    st.divider()
    _history(unit, ref)


@st.cache_data(show_spinner=False, max_entries=64)
def _template(unit: str, period: str) -> bytes:
    return build_template(unit, period, ui.reference())


def _check_all(files, ref, account) -> None:
    """Read and validate new files, with progress; results are kept for the session, each with
    the account and unit it was made for. A clerk's file that names another unit is refused
    here, on the server. The name is kept cleaned (clean_filename); the bytes as they came."""
    owner = _owner(account)
    checked_now = st.session_state[CHECKED]

    def ours(uploaded) -> bool:
        found = checked_now.get(sha256_of(uploaded.getvalue()))
        return isinstance(found, CheckedFor) and (found.account, found.unit) == owner

    pending = [f for f in files if not ours(f)]
    if not pending:
        return
    bar = st.progress(0.0, text="Đang đọc tệp…")
    for index, uploaded in enumerate(pending):
        name = clean_filename(uploaded.name)
        bar.progress(index / len(pending),
                     text=f"Đang đọc và kiểm tra {ui.escape_md(name)} ({index + 1}/{len(pending)})…")
        raw = uploaded.getvalue()
        checked = check(raw, name, ref)
        if account.role == "clerk":
            checked = refuse_other_unit(checked, account.unit_code, ref)
        checked_now[sha256_of(raw)] = CheckedFor(checked, *owner)
    bar.empty()


def _refusal(account, entry: CheckedFor, ref) -> str | None:
    """Why a checked return may not be stored by the account signed in now (None: it may).
    Checked again at the click: the result must be this account's, and a clerk's return must
    name the clerk's own unit."""
    if (entry.account, entry.unit) != _owner(account):
        return NOT_YOURS
    ret = entry.checked.outcome.ret
    if account.role == "clerk" and ret.unit_code != account.unit_code:
        return (f"Không lưu: tệp ghi đơn vị “{ui.escape_md(ref.unit_name(ret.unit_code))}”; tài khoản của bạn chỉ "
                f"được nộp báo cáo cho “{ui.escape_md(ref.unit_name(account.unit_code))}”.")
    return None


def _problem_table(checked: Checked) -> pd.DataFrame:
    return pd.DataFrame(
        [{"severity": p.severity, "where": p.where, "value": p.value, "message": p.message} for p in checked.problems],
        columns=list(PROBLEM_COLUMNS),
    ).rename(columns=PROBLEM_COLUMNS)


def _verdict(file_id: str, name: str, raw: bytes, unit: str, account, ref) -> None:
    sha = sha256_of(raw)
    entry: CheckedFor = st.session_state[CHECKED][sha]
    # the same bytes uploaded again under another name are recorded under the name given now
    checked, by = replace(entry.checked, filename=name), account.name
    store = ui.get_store()
    with st.container(border=True):
        st.markdown(f"##### :material/description: {ui.escape_md(name)}")
        if file_id in st.session_state[DONE]:
            st.success(st.session_state[DONE][file_id])
            return
        if not checked.ok:
            errors = checked.errors
            if checked.unreadable:
                st.error(f"Tệp bị từ chối: {ui.escape_md(checked.unreadable)}")
            else:
                st.error(f"Tệp bị từ chối: {len(errors)} lỗi. Sửa các ô dưới đây rồi tải lên lại; "
                         "báo cáo có lỗi không được lưu.")
                st.dataframe(_problem_table(checked), hide_index=True, width="stretch")
            # The bytes are kept even so (nothing uploaded is ever lost), once per file and session.
            if sha not in st.session_state[ARCHIVED]:
                ui.busy_guard(lambda: store_checked(store, checked, by))
                st.session_state[ARCHIVED].add(sha)
            st.caption("Tệp bị từ chối vẫn được lưu trong kho tệp để tra cứu; báo cáo của đơn vị không thay đổi.")
            return
        ret = checked.outcome.ret
        unit_name, period_label = ref.unit_name(ret.unit_code), ui.period_label(ret.period_code)
        st.write(f"Đơn vị: **{ui.escape_md(unit_name)}** · Kỳ báo cáo: **{period_label}**")
        if ret.unit_code != unit:
            shown = ui.escape_md(unit_name)
            st.warning(f"Tệp ghi đơn vị “{shown}”, khác đơn vị đang chọn; báo cáo sẽ được lưu cho “{shown}”.")
        current = store.current_sha(sha)
        if current and current[0] == ret.unit_code and current[1] == ret.period_code:
            # Recorded like the command line's 'unchanged' (an upload row and an audit row), once
            # per file and session; refused when the return is not this account's to file.
            if sha not in st.session_state[ARCHIVED] and _refusal(account, entry, ref) is None:
                ui.busy_guard(lambda: store_checked(store, checked, by))
                st.session_state[ARCHIVED].add(sha)
            st.info(f"Tệp giống hệt phiên bản {current[2]} hiện hành: không có gì thay đổi, không cần lưu lại.")
            return
        if checked.outcome.warnings:
            st.warning(f"{len(checked.outcome.warnings)} cảnh báo (không chặn việc lưu, được lưu kèm báo cáo):")
            st.dataframe(_problem_table(checked), hide_index=True, width="stretch")
        _preview(ret, ref)
        if st.button("Xác nhận lưu", key=f"confirm-{sha}", type="primary", icon=":material/save:"):
            if refusal := _refusal(account, entry, ref):
                st.error(refusal)
                return
            done = ui.busy_guard(lambda: store_checked(store, checked, by))
            if done.status == "accepted":
                message = (f"Đã lưu: {ui.escape_md(unit_name)}, {period_label}, phiên bản {done.result.version} "
                           "(chờ lãnh đạo phê duyệt).")
            else:
                message = f"Không thay đổi: giống hệt phiên bản {done.result.version} hiện hành."
            st.session_state[DONE][file_id] = message
            st.rerun()


def _preview(ret, ref) -> None:
    returns = ui.query("returns", unit=ret.unit_code, period=ret.period_code)
    current_version = int(returns["version"].max()) if not returns.empty else None
    current = (ui.query("return_figures", unit=ret.unit_code, period=ret.period_code, version=current_version)
               if current_version else None)
    diff = compare_figures(current, figures_of_return(ret))
    if current_version:
        changed = diff[diff["changed"]]
        st.write(f"So với phiên bản {current_version} hiện hành: **{len(changed)}** số liệu thay đổi. "
                 f"Lưu tệp này sẽ tạo phiên bản {current_version + 1}; các phiên bản cũ vẫn được giữ.")
        show_all = st.toggle("Hiện mọi số liệu", key=f"all-{id(ret)}-{ret.unit_code}")
        table = diff if show_all else changed
        label_current = f"Phiên bản {current_version}"
    else:
        st.write("Đơn vị chưa có báo cáo cho kỳ này: tệp sẽ được lưu thành phiên bản 1.")
        table, label_current = diff, "Hiện hành"
    if not table.empty:  # nothing changed: the sentence above says so (an empty grid reads "empty")
        st.dataframe(
            table.assign(changed=table["changed"].map({True: "thay đổi", False: ""})),
            hide_index=True, width="stretch", placeholder="—",  # a figure with no value: "—", not "None"
            column_config={"item": "Mục", "figure": "Số liệu",
                           "current": st.column_config.NumberColumn(label_current, format="localized"),
                           "new": st.column_config.NumberColumn("Tệp mới", format="localized"),
                           "changed": ""},
        )
    acts, events = len(ret.activities["date"]), len(ret.events["event"])
    st.caption(f"Tệp có {formats.fmt_int(acts)} hoạt động và {formats.fmt_int(events)} dòng sự kiện. "
               f"Đơn vị {'đạt' if ret.meets_standard else 'chưa đạt'} chuẩn văn hóa theo tệp này.")


def _history(unit: str, ref) -> None:
    st.subheader(f"Lịch sử nộp báo cáo: {ui.escape_md(ref.unit_name(unit))}")
    history = ui.query("returns", unit=unit)
    if history.empty:
        st.caption("Đơn vị chưa nộp báo cáo nào.")
    else:
        shown = pd.DataFrame({
            "Kỳ báo cáo": history["period"].map(ui.period_label),
            "Phiên bản": [f"{v} (hiện hành)" if c else str(v) for v, c in zip(history["version"], history["current"])],
            "Thời gian nộp": history["filed_at"].map(formats.fmt_time),
            "Người nộp": history["filed_by"],
            "Tệp": history["filename"].map(clean_filename, na_action="ignore"),
            "Khôi phục từ": history["restored_from"].map(lambda v: "" if pd.isna(v) else f"phiên bản {int(v)}"),
            "Phê duyệt": history["status"].map(STATUS_VI),
            "Ý kiến lãnh đạo": history["review_comment"].fillna(""),
            "Cảnh báo": history["warnings"].fillna(""),
        })
        st.dataframe(shown, hide_index=True, width="stretch")
        _version_actions(unit, history)
    rejected = ui.query("uploads", unit=unit, status="rejected")
    if not rejected.empty:
        with st.expander(f"Các lần tải lên bị từ chối ({len(rejected)}) — tệp vẫn được lưu trong kho"):
            st.dataframe(pd.DataFrame({
                "Thời gian": rejected["uploaded_at"].map(formats.fmt_time),
                "Tệp": rejected["filename"].map(clean_filename, na_action="ignore"),
                "Người nộp": rejected["uploaded_by"],
                "Kỳ": rejected["period"].fillna(""),
            }), hide_index=True, width="stretch")


def _version_actions(unit: str, history: pd.DataFrame) -> None:
    with st.expander("Tải tệp gốc hoặc khôi phục một phiên bản cũ"):
        options = list(zip(history["period"], history["version"]))
        choice = st.selectbox(
            "Phiên bản", options, index=len(options) - 1, key=f"version-pick-{unit}",
            format_func=lambda pv: f"{ui.period_label(pv[0])} — phiên bản {pv[1]}",
        )
        row = history[(history["period"] == choice[0]) & (history["version"] == choice[1])].iloc[0]
        raw = ui.get_store().file_bytes(row["sha256"])
        left, right = st.columns(2)
        left.download_button("Tải tệp gốc", raw or b"", file_name=clean_filename(row["filename"] or "bao-cao.xlsx"),
                             key=f"original-{unit}-{choice}", disabled=raw is None)
        if row["current"]:
            right.caption("Đây là phiên bản hiện hành.")
        elif right.button("Khôi phục phiên bản này", key=f"restore-{unit}-{choice}"):
            who = st.session_state[ui.ACCOUNT_KEY].name
            result = ui.busy_guard(lambda: ui.get_store().restore(unit, choice[0], int(choice[1]), who))
            st.session_state["restore_message"] = (
                f"Đã khôi phục phiên bản {choice[1]} thành phiên bản {result.version} (hiện hành).")
            st.rerun()
        if st.session_state.get("restore_message"):
            st.success(st.session_state.pop("restore_message"))
