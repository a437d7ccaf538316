//! Several accounts at once: a [`NapCatFleet`] plays one NapCat per account, each with its own `self_id` and its
//! own connection — what a host running many QQ accounts looks like to the bot (or to each bot process of a
//! cluster, when the accounts are spread over several machines).

use std::time::Duration;

use super::{Call, FakeNapCat, Options};

/// Several fake accounts, each its own [`FakeNapCat`] with its own `self_id` and connection.
///
/// ```no_run
/// use qqbot::testing::napcat::{NapCatFleet, Options};
/// # async fn f() -> Result<(), String> {
/// // Three accounts connecting to the bot's reverse-WebSocket listener.
/// let fleet = NapCatFleet::reverse("ws://127.0.0.1:8080/onebot/v11/ws", &[111, 222, 333], Options::default()).await?;
/// let b = fleet.account(222).expect("account 222");
/// b.push(b.group_message(1, "/echo hi")).await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct NapCatFleet {
    accounts: Vec<FakeNapCat>,
}

impl NapCatFleet {
    /// One forward-WebSocket server per account (see [`NapCatFleet::ws_urls`] for the URLs to give the bot);
    /// `options` apply to every account, with its own `self_id`.
    pub async fn forward(self_ids: &[i64], options: Options) -> std::io::Result<Self> {
        let mut accounts = Vec::with_capacity(self_ids.len());
        for &self_id in self_ids {
            accounts.push(FakeNapCat::forward(Options { self_id, ..options.clone() }).await?);
        }
        Ok(NapCatFleet { accounts })
    }

    /// Every account connects to the bot's reverse-WebSocket server at `url`, each on its own connection and
    /// announcing its own `self_id`.
    pub async fn reverse(url: &str, self_ids: &[i64], options: Options) -> Result<Self, String> {
        let mut accounts = Vec::with_capacity(self_ids.len());
        for &self_id in self_ids {
            accounts.push(FakeNapCat::reverse(url, Options { self_id, ..options.clone() }).await?);
        }
        Ok(NapCatFleet { accounts })
    }

    /// The accounts, in the order of their ids.
    pub fn accounts(&self) -> &[FakeNapCat] {
        &self.accounts
    }

    /// The account with this `self_id`.
    pub fn account(&self, self_id: i64) -> Option<&FakeNapCat> {
        self.accounts.iter().find(|a| a.self_id() == self_id)
    }

    /// The forward-WebSocket URLs, one per account, in order (forward mode).
    pub fn ws_urls(&self) -> Vec<String> {
        self.accounts.iter().map(FakeNapCat::ws_url).collect()
    }

    /// Waits until every account has had at least one connection accepted (forward mode: the bot connected).
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        for a in &self.accounts {
            if !a.wait_connections(1, timeout).await {
                return false;
            }
        }
        true
    }

    /// Every call of `action` each account received, with the account's id.
    pub fn calls_of(&self, action: &str) -> Vec<(i64, Call)> {
        self.accounts.iter().flat_map(|a| a.calls_of(action).into_iter().map(move |c| (a.self_id(), c))).collect()
    }
}
