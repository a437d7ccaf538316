//! The fake NapCat serving several accounts at once (one connection each), over reverse and forward WebSocket:
//! every account's events are answered through that account's own connection only.

mod onebot_support;

use onebot_support::{WAIT, app, config, sent_text, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::testing::napcat::{NapCatFleet, Options};

const IDS: [i64; 3] = [111, 222, 333];

/// Each account says `/echo from <id>`; each must get exactly its own answer, on its own connection.
async fn each_answered_on_its_own_connection(fleet: &NapCatFleet) {
    for a in fleet.accounts() {
        a.push(a.group_message(a.self_id(), &format!("/echo from {}", a.self_id()))).await;
    }
    for a in fleet.accounts() {
        let calls = a.wait_calls("send_group_msg", 1, WAIT).await;
        assert_eq!(sent_text(&calls[0].params), format!("from {}", a.self_id()));
    }
    let all = fleet.calls_of("send_group_msg");
    assert_eq!(all.len(), IDS.len(), "one reply per account, none crossed: {all:?}");
    for (id, call) in all {
        assert_eq!(sent_text(&call.params), format!("from {id}"));
    }
}

#[tokio::test]
async fn a_fleet_over_reverse_websocket_shares_one_listener() {
    let adapter = OneBotAdapter::new(config("[onebot]\nlisten = \"127.0.0.1:0\"")).unwrap();
    let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
    let bot = start(app(), adapter);
    let fleet = NapCatFleet::reverse(&url, &IDS, Options::default()).await.unwrap();
    assert_eq!(fleet.accounts().iter().map(|a| a.self_id()).collect::<Vec<_>>(), IDS);
    assert!(fleet.account(222).is_some() && fleet.account(444).is_none());
    each_answered_on_its_own_connection(&fleet).await;
    bot.abort();
}

#[tokio::test]
async fn a_fleet_over_forward_websocket_gets_one_connection_per_account() {
    let fleet = NapCatFleet::forward(&IDS, Options::default()).await.unwrap();
    let mut toml = String::from("[onebot]\n");
    for url in fleet.ws_urls() {
        toml.push_str(&format!("[[onebot.connections]]\nkind = \"forward\"\nuri = \"{url}\"\n"));
    }
    let bot = start(app(), OneBotAdapter::new(config(&toml)).unwrap());
    assert!(fleet.wait_connected(WAIT).await, "the bot connected to every account");
    for a in fleet.accounts() {
        assert_eq!(a.connections_accepted(), 1, "account {} has its own single connection", a.self_id());
    }
    each_answered_on_its_own_connection(&fleet).await;
    bot.abort();
}
