//! Cluster mode inside one test process: two apps ("instances") with their own webhook servers, one fake
//! platform, one real Redis (`QQBOT_TEST_REDIS_URL`), a prefix of their own. The end-to-end cases with separate
//! processes are in `examples/tests/cluster.rs`; these pin the runtime's rules one by one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use qqbot::adapter::official::OfficialAdapter;
use qqbot::config::Config;
use qqbot::prelude::*;
use qqbot::testing::official::{FakeOfficial, RunningApp, Signing, WebhookSender, spawn_app};
use serde_json::{Value, json};

fn redis_url() -> String {
    std::env::var("QQBOT_TEST_REDIS_URL")
        .expect("set QQBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/ (a running redis-server) to run the cluster tests")
}

fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("qqbot-test-{test}-{}-{nanos:x}", std::process::id())
}

struct Instance {
    running: RunningApp,
    sender: WebhookSender,
    echoes: Arc<AtomicUsize>,
}

fn app(config: Config, echoes: Arc<AtomicUsize>) -> App {
    App::empty()
        .with_config(config)
        .expect("config")
        .superuser("ROOT")
        .command(BotCommand::new("echo").word("/echo").handler(move |ctx: Ctx| {
            let echoes = echoes.clone();
            async move {
                echoes.fetch_add(1, Ordering::SeqCst);
                ctx.args().to_owned()
            }
        }))
        .command(BotCommand::new("signup").word("/报名").handler(|ctx: Ctx| async move {
            ctx.reply("你叫什么名字？").await?;
            match ctx.wait_reply(Duration::from_secs(5)).await {
                Ok(name) => Ok::<_, qqbot::Error>(format!("你好，{}", name.plain_text().trim())),
                Err(qqbot::Error::PromptTimeout(_)) => Ok("超时了".to_owned()),
                Err(e) => Err(e),
            }
        }))
        .command(BotCommand::new("weather").word("/天气").plugin("天气").handler(|_: Ctx| async { "晴" }))
        .command(
            BotCommand::new("sign")
                .word("/签到")
                .cooldown(qqbot::command::Cooldown::new(Duration::from_secs(30)).message("冷却中"))
                .handler(|_: Ctx| async { "签到成功" }),
        )
}

async fn instance(fake: &FakeOfficial, prefix: &str, id: &str) -> Instance {
    instance_on(fake, &redis_url(), prefix, id, "").await
}

async fn deliver(i: &Instance, frame: &Value) {
    for _ in 0..200 {
        if let Ok(a) = i.sender.send(frame, Signing::Valid).await {
            assert_eq!(a.status, 200, "{:?}", a.body);
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the instance's webhook never answered");
}

fn group_frame(fake: &FakeOfficial, member: &str, content: &str) -> Value {
    let d = fake.group_at_message("G1", member, content);
    json!({"op": 0, "id": format!("GROUP_AT_MESSAGE_CREATE:{}", d["id"].as_str().unwrap_or_default()), "t": "GROUP_AT_MESSAGE_CREATE", "d": d})
}

fn replies(fake: &FakeOfficial) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.path == "/v2/groups/G1/messages")
        .map(|r| r.body["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Sends with `send` until a message gets no reply (a switch announced over the bus takes a moment to arrive);
/// false when it still answers after 20 tries.
async fn falls_silent<F, Fut>(fake: &FakeOfficial, running: &RunningApp, mut send: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = replies(fake).len();
        send().await;
        running.idle().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if replies(fake).len() == before {
            return true;
        }
    }
    false
}

async fn wait_replies(fake: &FakeOfficial, n: usize) -> Vec<String> {
    fake.wait_requests(|r| r.path == "/v2/groups/G1/messages", n).await;
    replies(fake)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn an_event_delivered_to_two_instances_is_handled_once() {
    let fake = FakeOfficial::start().await.expect("fake");
    let prefix = unique_prefix("dedup");
    let (a, b) = (instance(&fake, &prefix, "a").await, instance(&fake, &prefix, "b").await);
    for n in 0..20 {
        let frame = group_frame(&fake, "U1", &format!("/echo {n}"));
        deliver(&a, &frame).await;
        deliver(&b, &frame).await;
    }
    let sent = wait_replies(&fake, 20).await;
    a.running.idle().await;
    b.running.idle().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(replies(&fake).len(), 20, "{sent:?}");
    assert_eq!(a.echoes.load(Ordering::SeqCst) + b.echoes.load(Ordering::SeqCst), 20);
    a.running.stop().await.expect("stop a");
    b.running.stop().await.expect("stop b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn a_conversation_begun_in_one_instance_takes_its_answer_from_another() {
    let fake = FakeOfficial::start().await.expect("fake");
    let prefix = unique_prefix("conv");
    let (a, b) = (instance(&fake, &prefix, "a").await, instance(&fake, &prefix, "b").await);
    deliver(&a, &group_frame(&fake, "U1", "/报名")).await;
    assert_eq!(wait_replies(&fake, 1).await, ["你叫什么名字？"]);
    // The answer lands on the other instance; it looks like an echo command there too, which must not fire.
    deliver(&b, &group_frame(&fake, "U1", "/echo 张三")).await;
    let sent = wait_replies(&fake, 2).await;
    assert_eq!(sent, ["你叫什么名字？", "你好，/echo 张三"]);
    assert_eq!(b.echoes.load(Ordering::SeqCst), 0, "the other instance's command must not also fire");
    // Two replies in one chain from one instance: numbered 1 and 2.
    let seqs: Vec<Value> = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/groups/G1/messages")
        .map(|r| r.body["msg_seq"].clone())
        .collect();
    assert_eq!(seqs, [json!(1), json!(2)]);

    // No answer: the timeout reply comes once, from the instance that waited.
    deliver(&b, &group_frame(&fake, "U2", "/报名")).await;
    wait_replies(&fake, 3).await;
    let sent = wait_replies(&fake, 4).await;
    assert_eq!(&sent[2..], ["你叫什么名字？", "超时了"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(replies(&fake).len(), 4);
    a.running.stop().await.expect("stop a");
    b.running.stop().await.expect("stop b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn a_plugin_switched_off_in_one_instance_is_off_in_the_other() {
    let fake = FakeOfficial::start().await.expect("fake");
    let prefix = unique_prefix("switch");
    let (a, b) = (instance(&fake, &prefix, "a").await, instance(&fake, &prefix, "b").await);
    deliver(&b, &group_frame(&fake, "U1", "/天气")).await;
    assert_eq!(wait_replies(&fake, 1).await, ["晴"]);
    deliver(&a, &group_frame(&fake, "ROOT", "/插件 关闭 天气")).await;
    let sent = wait_replies(&fake, 2).await;
    assert!(!sent[1].is_empty());
    // The announcement reaches the other instance over the bus; give it a moment, bounded.
    let quiet = falls_silent(&fake, &b.running, || {
        let frame = group_frame(&fake, "U1", "/天气");
        let b = &b;
        async move { deliver(b, &frame).await }
    })
    .await;
    assert!(quiet, "the plugin still answers in the other instance: {:?}", replies(&fake));
    a.running.stop().await.expect("stop a");
    b.running.stop().await.expect("stop b");
}

/// A `redis-server` of the test's own on a free port, killed on drop.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start(port: Option<u16>) -> OwnRedis {
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free port")
        });
        let mut r = OwnRedis { port, child: None };
        r.spawn();
        r
    }

    fn spawn(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH (CI installs it)");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn instance_on(fake: &FakeOfficial, url: &str, prefix: &str, id: &str, extra: &str) -> Instance {
    let toml = format!(
        "[cluster]\nredis = \"{url}\"\ninstance_id = \"{id}\"\nprefix = \"{prefix}\"\ntimeout = \"5s\"\n{extra}"
    );
    let config = Config::from_toml(&toml).expect("cluster config");
    let echoes = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().expect("addr"));
    let adapter = OfficialAdapter::new(fake.config()).expect("adapter").webhook_listener(listener);
    let running = spawn_app(app(config, echoes.clone()), adapter).expect("app");
    Instance { running, sender: fake.webhook_sender(url), echoes }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server on PATH"]
async fn redis_lost_and_back_loses_no_event_and_resumes_by_itself() {
    let mut redis = OwnRedis::start(None);
    let fake = FakeOfficial::start().await.expect("fake");
    let prefix = unique_prefix("outage");
    let a = instance_on(&fake, &redis.url(), &prefix, "a", "").await;
    let b = instance_on(&fake, &redis.url(), &prefix, "b", "").await;
    let mut expected = 0;
    for n in 0..10 {
        let frame = group_frame(&fake, "U1", &format!("/echo before {n}"));
        deliver(&a, &frame).await;
        deliver(&b, &frame).await;
        expected += 1;
    }
    wait_replies(&fake, expected).await;
    assert_eq!(replies(&fake).len(), expected, "exactly once while Redis is up");

    redis.kill();
    // Down: every delivery is handled (at least once: both instances may answer the same event).
    let mut outage = 0;
    for n in 0..10 {
        let frame = group_frame(&fake, "U1", &format!("/echo during {n}"));
        deliver(&a, &frame).await;
        deliver(&b, &frame).await;
        outage += 1;
    }
    fake.wait_until(|v| {
        let texts: Vec<&str> = v
            .requests()
            .iter()
            .filter(|r| r.path == "/v2/groups/G1/messages")
            .filter_map(|r| r.body["content"].as_str())
            .collect();
        (0..outage).all(|n| texts.iter().any(|t| *t == format!("during {n}")))
    })
    .await;
    let during: Vec<String> = replies(&fake).into_iter().filter(|t| t.starts_with("during")).collect();
    for n in 0..outage {
        assert!(during.contains(&format!("during {n}")), "event {n} of the outage was not answered: {during:?}");
    }

    redis.spawn();
    // Back by itself (the retry policy's first waits are short): exactly once again, without any restart.
    let mut resumed = false;
    for n in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let before = replies(&fake).len();
        let frame = group_frame(&fake, "U1", &format!("/echo after {n}"));
        deliver(&a, &frame).await;
        deliver(&b, &frame).await;
        fake.wait_requests(|r| r.path == "/v2/groups/G1/messages", before + 1).await;
        a.running.idle().await;
        b.running.idle().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if replies(&fake).len() == before + 1 {
            resumed = true;
            break;
        }
    }
    assert!(resumed, "the cluster did not resume de-duplication after Redis came back");
    a.running.stop().await.expect("stop a");
    b.running.stop().await.expect("stop b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server on PATH"]
async fn an_unreachable_redis_stops_the_start_unless_not_required() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let url = format!("redis://127.0.0.1:{port}/");
    let fake = FakeOfficial::start().await.expect("fake");
    let prefix = unique_prefix("unreachable");
    let required = instance_on(&fake, &url, &prefix, "a", "[session]\nbackend = \"memory\"\n").await;
    let err = required.running.join().await.expect_err("a required cluster without Redis must not start");
    let text = err.to_string();
    assert!(text.contains("[cluster]") && text.contains("required = false"), "{text}");

    let optional = instance_on(&fake, &url, &prefix, "b", "required = false\n[session]\nbackend = \"memory\"\n").await;
    deliver(&optional, &group_frame(&fake, "U1", "/echo 还活着")).await;
    assert_eq!(wait_replies(&fake, 1).await, ["还活着"]);
    assert!(!optional.running.is_finished());
    optional.running.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn each_firing_of_a_job_runs_in_one_instance() {
    let prefix = unique_prefix("job");
    let fired: Arc<std::sync::Mutex<Vec<(String, u64)>>> = Arc::default();
    let fake = FakeOfficial::start().await.expect("fake");
    let mut running = Vec::new();
    let now_ms =
        || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let started = now_ms();
    for id in ["a", "b", "c"] {
        let toml = format!("[cluster]\nredis = \"{}\"\ninstance_id = \"{id}\"\nprefix = \"{prefix}\"\n", redis_url());
        let fired = fired.clone();
        let job = qqbot::job::Job::every("tick", Duration::from_millis(500)).handler(move |ctx: qqbot::job::JobCtx| {
            let fired = fired.clone();
            async move {
                fired.lock().expect("lock").push((id.to_owned(), ctx.fired_at_ms()));
            }
        });
        let app = App::empty().with_config(Config::from_toml(&toml).expect("config")).expect("app").job(job);
        let adapter = OfficialAdapter::new(fake.config()).expect("adapter");
        running.push(spawn_app(app, adapter).expect("spawn"));
    }
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    for r in running {
        r.stop().await.expect("stop");
    }
    let ended = now_ms();
    let fired = fired.lock().expect("lock").clone();
    let mut times: Vec<u64> = fired.iter().map(|(_, t)| *t).collect();
    times.sort_unstable();
    let before = times.len();
    times.dedup();
    assert_eq!(before, times.len(), "a firing ran in more than one instance: {fired:?}");
    assert!(
        (5..=7).contains(&times.len()) && times.iter().all(|t| (started..=ended).contains(t)),
        "expected about 6 firings at 500 ms within the 3.2 s the instances ran ({started}..{ended}), got {fired:?}"
    );
    assert!(times.windows(2).all(|w| w[1] - w[0] == 500), "one firing per period, none skipped: {times:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn a_cooldown_set_in_one_instance_holds_in_the_other() {
    let fake = FakeOfficial::start().await.expect("fake");
    let prefix = unique_prefix("cooldown");
    let (a, b) = (instance(&fake, &prefix, "a").await, instance(&fake, &prefix, "b").await);
    deliver(&a, &group_frame(&fake, "U1", "/签到")).await;
    assert_eq!(wait_replies(&fake, 1).await, ["签到成功"]);
    deliver(&b, &group_frame(&fake, "U1", "/签到")).await;
    assert_eq!(wait_replies(&fake, 2).await, ["签到成功", "冷却中"]);
    deliver(&b, &group_frame(&fake, "U2", "/签到")).await;
    assert_eq!(wait_replies(&fake, 3).await[2], "签到成功", "another user is not cooling down");
    a.running.stop().await.expect("stop a");
    b.running.stop().await.expect("stop b");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs QQBOT_TEST_REDIS_URL (a running redis-server)"]
async fn gateway_shards_in_separate_apps_share_one_cluster() {
    // Each shard connects to a gateway of its own (a fake per shard) and shares the cluster's Redis.
    let prefix = unique_prefix("shards");
    let mut shards = Vec::new();
    for (i, id) in ["shard-0", "shard-1"].into_iter().enumerate() {
        let fake = FakeOfficial::start().await.expect("fake");
        let mut official = fake.config();
        official.shard = [i as u32, 2];
        let toml = format!("[cluster]\nredis = \"{}\"\ninstance_id = \"{id}\"\nprefix = \"{prefix}\"\n", redis_url());
        let config = Config::from_toml(&toml).expect("config");
        let running =
            spawn_app(app(config, Arc::default()), OfficialAdapter::new(official).expect("adapter")).expect("app");
        assert!(fake.wait_ready(1).await, "shard {i} identified");
        assert_eq!(fake.identifies()[0]["shard"], json!([i, 2]));
        shards.push((fake, running));
    }
    // Two fakes number their events alike; the platform's ids are unique across shards, so make them so.
    let next = AtomicUsize::new(0);
    let push = |fake: &FakeOfficial, member: &str, text: &str| {
        let id = format!("GROUP_AT_MESSAGE_CREATE:shards-{}", next.fetch_add(1, Ordering::SeqCst));
        fake.dispatch_with_id("GROUP_AT_MESSAGE_CREATE", &id, fake.group_at_message("G1", member, text));
    };
    let (s0, s1) = (&shards[0].0, &shards[1].0);
    push(s0, "U1", "/签到");
    assert_eq!(wait_replies(s0, 1).await, ["签到成功"]);
    push(s1, "U1", "/签到");
    assert_eq!(wait_replies(s1, 1).await, ["冷却中"], "the cooldown set through shard 0 holds in shard 1");
    push(s0, "ROOT", "/插件 关闭 天气");
    wait_replies(s0, 2).await;
    let quiet = falls_silent(s1, &shards[1].1, || async { push(s1, "U1", "/天气") }).await;
    assert!(quiet, "the plugin switched off through shard 0 still answers in shard 1: {:?}", replies(s1));
    for (_, running) in shards {
        running.stop().await.expect("stop");
    }
}
