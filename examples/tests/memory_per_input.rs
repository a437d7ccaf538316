//! Bounded memory per input: the largest frame a bot accepts costs at most about three times its size at peak.
//! The bot runs in its own process (`echo-bot`), so the test's own buffers are not counted. Asserted on the bot's
//! heap (its allocator counts live bytes: what qqbot's code holds, deterministic); its peak resident memory from
//! `/proc/<pid>/status` is printed beside it (that adds what glibc keeps cached, which varies with the load).

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

/// The `<live> <peak>` heap bytes of a `/mem` reply.
fn heap(call: &qqbot::testing::napcat::Call) -> (u64, u64) {
    let text = call.params["message"][0]["data"]["text"].as_str().unwrap_or_default().to_owned();
    let mut parts = text.split(' ').map(|p| p.parse::<u64>().unwrap_or_else(|_| panic!("a /mem reply: {text:?}")));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_16_mib_frame_costs_at_most_three_times_its_size() {
    let napcat = FakeNapCat::forward(Options::default()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("qqbot-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_echo-bot"))
        .env("QQBOT_ONEBOT_URI", napcat.ws_url())
        .env("RUST_LOG", "error")
        .current_dir(&dir)
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
    napcat.push(napcat.group_message(4, "/mem reset")).await;
    let calls = napcat.wait_calls("send_group_msg", 4, Duration::from_secs(20)).await;
    let heap_before = heap(&calls[3]).0;

    // NapCat sends the text twice (the segment array and `raw_message`): half the frame each.
    let text = format!("/echo {}", "字".repeat((8 * MIB as usize - 1024) / 3));
    let frame = napcat.group_message(100, &text).to_string();
    let size = frame.len();
    assert!((15 * MIB as usize..=16 * MIB as usize).contains(&size), "a 16 MiB frame: {size}");
    napcat.push_text(frame).await;
    let calls = napcat.wait_calls("send_group_msg", 5, Duration::from_secs(60)).await;
    assert_eq!(calls.len(), 5, "the big message was not answered");
    let (_, rss_peak) = memory(pid);
    napcat.push(napcat.group_message(101, "/mem")).await;
    let calls = napcat.wait_calls("send_group_msg", 6, Duration::from_secs(20)).await;
    let (_, heap_peak) = heap(&calls[5]);
    let heap_growth = heap_peak.saturating_sub(heap_before);
    let rss_growth = rss_peak.saturating_sub(rss_before);
    eprintln!(
        "{:.1} MiB frame: heap peak +{:.1} MiB ({:.2}× the frame); RSS peak +{:.1} MiB ({:.2}×)",
        size as f64 / MIB as f64,
        heap_growth as f64 / MIB as f64,
        heap_growth as f64 / size as f64,
        rss_growth as f64 / MIB as f64,
        rss_growth as f64 / size as f64,
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(heap_growth <= 3 * size as u64, "the heap grew by {:.2}× the frame", heap_growth as f64 / size as f64);
}
