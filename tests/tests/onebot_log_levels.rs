//! Log levels that fit: a host restarting many accounts prints one INFO line each for their normal closes, not a
//! WARN; an abnormal end (a reset, as when NapCat crashes) is one WARN.

mod onebot_support;

use onebot_support::{LogCapture, WAIT, app, config, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{DropKind, FakeNapCat, Options};

/// Waits (bounded) until `n` lines of `level` mention `needle`.
async fn wait_lines(log: &LogCapture, level: &str, needle: &str, n: usize) -> usize {
    for _ in 0..200 {
        if log.count(&[level, needle]) >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    log.count(&[level, needle])
}

#[tokio::test]
async fn normal_closes_of_many_accounts_are_info_and_a_reset_is_one_warning() {
    let log = LogCapture::install();

    let adapter = OneBotAdapter::new(config("[onebot]\nlisten = \"127.0.0.1:0\"")).unwrap();
    let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
    let bot = start(app(), adapter);
    const ACCOUNTS: i64 = 20;
    let mut fakes = Vec::new();
    for i in 0..ACCOUNTS {
        let options = Options { self_id: 20_000 + i, ..Default::default() };
        fakes.push(FakeNapCat::reverse(&url, options).await.unwrap());
    }
    for fake in &fakes {
        assert!(fake.wait_connections(1, WAIT).await);
    }
    for fake in &fakes[1..] {
        fake.drop_connections(DropKind::Close);
    }
    fakes[0].drop_connections(DropKind::Reset);

    let infos = wait_lines(&log, "INFO", "disconnected (reverse WebSocket", ACCOUNTS as usize - 1).await;
    let warns = wait_lines(&log, "WARN", "disconnected (reverse WebSocket", 1).await;
    assert_eq!(infos, ACCOUNTS as usize - 1, "one INFO line per normal close");
    assert_eq!(warns, 1, "one WARN for the reset, none for the normal closes");
    bot.abort();
}
