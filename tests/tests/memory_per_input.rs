//! Bounded memory per input: the largest frame a bot accepts costs at most about three times its size at peak.
//! The bot runs in its own process (`echo-bot`), so its peak resident memory is read from `/proc/<pid>/status`
//! without the test's own buffers in it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use qqbot::testing::napcat::{FakeNapCat, Options};

/// Kills the bot when the test ends, whatever happens.
struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `VmRSS` and `VmHWM` (peak) of a process, in bytes.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the bot's /proc status");
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

const MIB: u64 = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_16_mib_frame_costs_at_most_three_times_its_size() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_echo-bot"))
        .env("QQBOT_ONEBOT_URI", napcat.ws_url())
        .env("RUST_LOG", "error")
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the echo-bot binary starts");
    let bot = Bot(child);
    let pid = bot.0.id();
    assert!(napcat.wait_connections(1, Duration::from_secs(20)).await, "the bot never connected");

    // Warm up: every buffer and table a small message needs is in place.
    for i in 0..3 {
        napcat.push(napcat.group_message(i, "/echo warm")).await;
    }
    assert_eq!(napcat.wait_calls("send_group_msg", 3, Duration::from_secs(20)).await.len(), 3);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (rss_before, _) = memory(pid);

    // NapCat sends the text twice (the segment array and `raw_message`): half the frame each.
    let text = format!("/echo {}", "字".repeat((8 * MIB as usize - 1024) / 3));
    let frame = napcat.group_message(100, &text).to_string();
    let size = frame.len();
    assert!((15 * MIB as usize..=16 * MIB as usize).contains(&size), "a 16 MiB frame: {size}");
    napcat.push_text(frame).await;
    let calls = napcat.wait_calls("send_group_msg", 4, Duration::from_secs(60)).await;
    assert_eq!(calls.len(), 4, "the big message was not answered");
    let (_, peak) = memory(pid);
    let growth = peak.saturating_sub(rss_before);
    eprintln!(
        "{:.1} MiB frame: RSS before {:.1} MiB, peak {:.1} MiB, growth {:.2}× the frame",
        size as f64 / MIB as f64,
        rss_before as f64 / MIB as f64,
        peak as f64 / MIB as f64,
        growth as f64 / size as f64
    );
    assert!(growth <= 3 * size as u64, "peak grew by {:.2}× the frame's size", growth as f64 / size as f64);
}
