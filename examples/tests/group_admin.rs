//! `cargo run --example group_admin` in the console sandbox, scripted: the cooldown and its end, a member who may
//! not switch plugins and a superuser who may, a switched-off plugin that stays quiet, the welcome, an admin
//! command, and the daily notice after fast-forwarding a day.

use std::io::Write;
use std::process::{Command, Stdio};

/// `cargo test` builds the examples next to the test binaries: target/<profile>/examples/.
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

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
    let path = example("group_admin");
    assert!(path.exists(), "{} was not built; run `cargo test -p qqbot-examples`", path.display());
    let dir = std::env::temp_dir().join(format!("qqbot-group-admin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(&path)
        .current_dir(&dir)
        .env_remove("QQBOT_CONFIG")
        .env_remove("QQBOT_ONEBOT_URI")
        .env_remove("QQBOT_ONEBOT_LISTEN")
        .env_remove("QQBOT_APPID")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    child.stdin.take().expect("stdin is piped").write_all(SCRIPT.as_bytes()).expect("script written");
    let out = child.wait_with_output().expect("the example exits at end of input");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}; stderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    let count = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(count("签到成功"), 2, "once, then again after the cooldown: {stdout}");
    assert_eq!(count("签过啦"), 1, "the cooldown says how long is left: {stdout}");
    assert!(lines.iter().any(|l| l.contains("签过啦") && l.contains("秒后再来")), "{stdout}");
    assert_eq!(count("欢迎新成员 42"), 1, "the welcome: {stdout}");
    assert_eq!(count("将禁言 42 10 分钟"), 1, "the admin command, for a superuser: {stdout}");
    assert_eq!(count("早上好"), 1, "the daily notice after a day: {stdout}");
    // After the superuser switched 签到 off here, the last /签到 says nothing at all.
    let after_switch = lines.iter().position(|l| l.contains("欢迎新成员")).expect("welcome line");
    assert!(lines[..after_switch].iter().filter(|l| l.contains("签到成功")).count() == 2, "{stdout}");
}
