//! `official_group` and `guild` without an account print how to configure one and exit 0 (CI has no account and
//! no stdin; they must never hang).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `cargo test` builds the examples next to the test binaries: target/<profile>/examples/.
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn run_unconfigured(name: &str) -> String {
    let path = example(name);
    assert!(path.exists(), "{} was not built; run `cargo test -p qqbot-examples`", path.display());
    let dir = std::env::temp_dir().join(format!("qqbot-{name}-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut child = Command::new(&path)
        .current_dir(&dir)
        .env_remove("QQBOT_CONFIG")
        .env_remove("QQBOT_APPID")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{name} did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let _ = std::fs::remove_dir_all(dir);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{name}: exit {:?}; stderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    stdout
}

#[test]
fn official_examples_explain_how_to_configure_and_exit() {
    for name in ["official_group", "guild"] {
        let stdout = run_unconfigured(name);
        for needle in ["QQBOT_APPID", "QQBOT_SECRET", "qqbot.toml", "docs/src/official.md"] {
            assert!(stdout.contains(needle), "{name} mentions {needle}: {stdout}");
        }
    }
}
