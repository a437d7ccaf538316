//! `printf '你好\n/echo 测试 123\n1+2\n/help\n' | cargo run --example hello` prints the four expected replies.

use std::io::Write;
use std::process::{Command, Stdio};

/// `cargo test` builds the examples next to the test binaries: target/<profile>/examples/.
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn hello_answers_a_piped_script() {
    let path = example("hello");
    assert!(path.exists(), "{} was not built; run `cargo test -p qqbot-examples`", path.display());
    let dir = tempdir();
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
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all("你好\n/echo 测试 123\n1+2\n/help\n".as_bytes())
        .expect("script written");
    let out = child.wait_with_output().expect("the example exits at end of input");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}; stderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "你好，测试用户！");
    assert_eq!(lines[1], "测试 123");
    assert_eq!(lines[2], "3");
    assert_eq!(lines[3], "可用命令：");
    for usage in ["/echo <text:文字>", "你好", "calculate"] {
        assert!(lines[4..].iter().any(|l| l.starts_with(usage)), "/help lists {usage}: {stdout}");
    }
    // The built-in /help hides admin-only commands from a member and says how to ask about one command.
    assert!(!stdout.contains("/公告"), "{stdout}");
    assert!(lines.last().is_some_and(|l| l.contains("/help")), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qqbot-hello-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
