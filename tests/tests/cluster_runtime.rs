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
}

async fn instance(fake: &FakeOfficial, prefix: &str, id: &str) -> Instance {
    let toml = format!("[cluster]\nredis = \"{}\"\ninstance_id = \"{id}\"\nprefix = \"{prefix}\"\n", redis_url());
    let config = Config::from_toml(&toml).expect("cluster config");
    let echoes = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}/qqbot/webhook", listener.local_addr().expect("addr"));
    let adapter = OfficialAdapter::new(fake.config()).expect("adapter").webhook_listener(listener);
    let running = spawn_app(app(config, echoes.clone()), adapter).expect("app");
    Instance { running, sender: fake.webhook_sender(url), echoes }
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
    let mut quiet = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = replies(&fake).len();
        deliver(&b, &group_frame(&fake, "U1", "/天气")).await;
        b.running.idle().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if replies(&fake).len() == before {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "the plugin still answers in the other instance: {:?}", replies(&fake));
    a.running.stop().await.expect("stop a");
    b.running.stop().await.expect("stop b");
}
