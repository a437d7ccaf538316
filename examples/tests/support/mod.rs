//! Running an example binary in the console sandbox with a piped script.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// `cargo test` builds the examples next to the test binaries: target/<profile>/examples/.
pub fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Runs the example `name` in a fresh folder with no configuration (so it starts the console sandbox), feeds it
/// `script`, and returns what it printed once the input ends.
pub fn run_script(name: &str, script: &str) -> Output {
    let path = example(name);
    assert!(path.exists(), "{} was not built; run `cargo test -p qqbot-examples`", path.display());
    let dir = std::env::temp_dir().join(format!("qqbot-example-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
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
    child.stdin.take().expect("stdin is piped").write_all(script.as_bytes()).expect("script written");
    let out = child.wait_with_output().expect("the example exits at end of input");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "exit {:?}; stderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    out
}
