//! `cargo run --example multi_account` without an account runs two fake accounts, shows that they share one
//! resource server, and exits by itself.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `cargo test` builds the examples next to the test binaries: target/<profile>/examples/.
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn two_fake_accounts_share_one_resource_server_and_exit() {
    let path = example("multi_account");
    assert!(path.exists(), "{} was not built; run `cargo test -p qqbot-examples`", path.display());
    let dir = std::env::temp_dir().join(format!("qqbot-multi-account-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut child = Command::new(&path)
        .current_dir(&dir)
        .env_remove("QQBOT_CONFIG")
        .env_remove("QQBOT_APPID")
        .env_remove("QQBOT_SECRET")
        .env_remove("QQBOT_RESOURCE_PORT")
        .env_remove("QQBOT_RESOURCE_HOST")
        .env_remove("QQBOT_RESOURCE_PUBLIC_URL")
        .env_remove("QQBOT_API_BASE")
        .env_remove("QQBOT_TOKEN_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the example did not exit within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}; stdout: {stdout}; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("account 1: uploaded http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("account 2: uploaded http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("replied msg_type 7"), "{stdout}");
    assert!(stdout.contains("both accounts share one resource server"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}
