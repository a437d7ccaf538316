//! `cargo run --example group_admin` in the console sandbox, scripted: the cooldown and its end, a member who may
//! not switch plugins and a superuser who may, a switched-off plugin that stays quiet, the welcome, an admin
//! command, and the daily notice after fast-forwarding a day.

mod support;

const SCRIPT: &str = "\
/签到
/签到
:wait 31s
/签到
/插件 关闭 签到
:su
/插件 关闭 签到
/签到
:join 42
/禁言 42 10
:wait 1d
";

#[test]
fn group_admin_runs_its_operations_in_the_sandbox() {
    let out = support::run_script("group_admin", SCRIPT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let count = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(count("签到成功"), 2, "once, then again after the cooldown: {stdout}");
    assert_eq!(count("签过啦"), 1, "the cooldown says how long is left: {stdout}");
    assert!(lines.iter().any(|l| l.contains("签过啦") && l.contains("秒后再来")), "{stdout}");
    assert_eq!(count("欢迎新成员 42"), 1, "the welcome: {stdout}");
    assert_eq!(count("将禁言 42 10 分钟"), 1, "the admin command, for a superuser: {stdout}");
    assert_eq!(count("早上好"), 1, "the daily notice after a day: {stdout}");
    assert_eq!(count("可以开关插件"), 1, "a member may not switch plugins: {stdout}");
    // The superuser switched 签到 off here: the next line is the welcome, the last /签到 said nothing at all.
    let switched = lines.iter().position(|l| l.contains("已在本群关闭插件「签到」")).expect("the switch is confirmed");
    assert!(lines[switched + 1].contains("欢迎新成员 42"), "{stdout}");
}
